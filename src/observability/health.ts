/** `ok`; `degraded`: working, but something needs a person; `unavailable`: send work elsewhere. */
export type HealthStatus = 'ok' | 'degraded' | 'unavailable';

export interface HealthReport {
  status: HealthStatus;
  reasons: string[];
}

export interface HealthProbes {
  /** Throws when the store cannot be read or written: webhooks would be answered 500. */
  checkStore: () => Promise<void>;
  /** Reasons the feed is behind (events waiting too long, dead letters); empty when it is not. */
  feedProblems?: () => Promise<string[]>;
}

/**
 * What keeps the app from doing its job. The store and the feed are probed on each request;
 * components report lasting problems (Slack refusing the feed, history unreadable) by name.
 * Only what makes this replica unable to take webhooks is `unavailable` (HTTP 503): a load
 * balancer should then send them elsewhere. Everything else is `degraded` (HTTP 200): the
 * webhook still stores events, and another replica would not do better.
 */
export class Health {
  private readonly problems = new Map<string, string>();
  private stopping = false;

  constructor(private readonly probes: HealthProbes) {}

  /** Sets or (with `undefined`) clears a named problem. */
  setProblem(name: string, reason: string | undefined): void {
    if (reason === undefined) this.problems.delete(name);
    else this.problems.set(name, reason);
  }

  markStopping(): void {
    this.stopping = true;
  }

  async status(): Promise<HealthReport> {
    const unavailable: string[] = [];
    if (this.stopping) unavailable.push('shutting down');
    try {
      await this.probes.checkStore();
    } catch (error) {
      unavailable.push(`store unusable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const degraded = [...this.problems.values()];
    try {
      degraded.push(...((await this.probes.feedProblems?.()) ?? []));
    } catch (error) {
      // The store probe above already says why, when the store is the cause.
      degraded.push(
        `feed state unknown: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const status: HealthStatus =
      unavailable.length > 0 ? 'unavailable' : degraded.length > 0 ? 'degraded' : 'ok';
    return { status, reasons: [...unavailable, ...degraded] };
  }
}
