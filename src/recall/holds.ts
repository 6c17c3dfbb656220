import { randomUUID } from 'node:crypto';
import { CodedError } from '../lib/errors.js';
import type { Logger } from '../log.js';
import type { OnceStore } from '../store/once.js';

/** Another replica holds the job now: this one sends nothing more of it and tells nobody. */
export class RecallTakenOverError extends CodedError<'recall_taken_over'> {
  constructor() {
    super('recall_taken_over', 'another replica took this recall over');
  }
}

/** A replica running a job holds it this long, renewed while it runs. */
const LEASE_MS = 30_000;

function leaseKey(jobId: string): string {
  return `recall-run:${jobId}`;
}

/**
 * Which recall jobs this instance runs: one run of a job per process, and (with Redis, `shared`)
 * one per deployment, through a lease that only its owner extends or frees and that lapses when
 * its replica dies, for another to resume the job.
 */
export class RecallHolds {
  /** Jobs this instance is starting or running. */
  private readonly held = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly owner = randomUUID();

  constructor(
    private readonly once: OnceStore,
    private readonly shared: boolean,
    private readonly logger: Logger,
  ) {}

  /** Takes a job for this instance; `false` when it is already run here or elsewhere. */
  async take(id: string): Promise<boolean> {
    if (this.held.has(id)) return false;
    this.held.add(id);
    try {
      if (!this.shared || (await this.once.lease(leaseKey(id), this.owner, LEASE_MS))) return true;
    } catch (error) {
      this.held.delete(id);
      throw error;
    }
    this.held.delete(id);
    return false;
  }

  /** Throws `RecallTakenOverError` unless this instance still holds the job (before each request). */
  async confirm(id: string): Promise<void> {
    if (!(await this.holds(id))) throw new RecallTakenOverError();
  }

  /**
   * Whether this instance still holds the job, extending its lease; throws when unsure. A lease
   * that lapsed is never taken back here: another replica may have run the job since.
   */
  async holds(id: string): Promise<boolean> {
    return !this.shared || (await this.once.extendLease(leaseKey(id), this.owner, LEASE_MS));
  }

  /** Runs a taken job, renewing its lease, then lets go of it. */
  async run(id: string, execute: () => Promise<void>): Promise<void> {
    const renew = this.shared
      ? setInterval(() => {
          void this.once.extendLease(leaseKey(id), this.owner, LEASE_MS).then(
            (held) => {
              if (!held) this.logger.warn('another replica took a recall over', { job: id });
            },
            () => undefined,
          );
        }, LEASE_MS / 3)
      : undefined;
    const execution = execute();
    this.running.set(id, execution);
    try {
      await execution;
    } finally {
      clearInterval(renew);
      this.running.delete(id);
      await this.release(id);
    }
  }

  async release(id: string): Promise<void> {
    this.held.delete(id);
    if (this.shared) await this.once.unlease(leaseKey(id), this.owner).catch(() => undefined);
  }

  /** The runs in progress, to wait for them when stopping. */
  runs(): Promise<unknown>[] {
    return [...this.running.values()];
  }

  /** Lets go of every job still running (the process is going; another replica may resume). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.release(id)));
  }
}
