/**
 * What keeps the app from doing its job. The store is probed on each request; Slack problems are
 * reported by the delivery worker when Slack refuses in a way that waiting will not fix.
 */
export class Health {
  private slackProblem: string | undefined;
  private stopping = false;

  constructor(private readonly checkStore: () => Promise<void>) {}

  reportSlackProblem(reason: string): void {
    this.slackProblem = reason;
  }

  clearSlackProblem(): void {
    this.slackProblem = undefined;
  }

  markStopping(): void {
    this.stopping = true;
  }

  async status(): Promise<{ ok: boolean; reasons: string[] }> {
    const reasons: string[] = [];
    if (this.stopping) reasons.push('shutting down');
    try {
      await this.checkStore();
    } catch (error) {
      reasons.push(`store unusable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.slackProblem) reasons.push(`Slack refuses: ${this.slackProblem}`);
    return { ok: reasons.length === 0, reasons };
  }
}
