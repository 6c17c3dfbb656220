import type { Logger } from '../log.js';
import type { RecallHolds } from './holds.js';
import type { JobState, RecallJobs } from './jobs.js';

/** How often unfinished jobs (of a crashed run, a dead replica, a pause) are looked for. */
export const RESUME_EVERY_MS = 15_000;

/**
 * Finds the stored recall jobs no live run holds, at start (after a crash or a stop) and every
 * `RESUME_EVERY_MS` (a dead replica's, or one paused because our side could not send), and runs
 * each where it was.
 */
export class RecallResumer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly jobs: RecallJobs,
    private readonly holds: RecallHolds,
    private readonly logger: Logger,
    private readonly execute: (state: JobState) => Promise<void>,
  ) {}

  start(): void {
    void this.resumeAll();
    this.timer = setInterval(() => void this.resumeAll(), RESUME_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async resumeAll(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.jobs.ids();
    } catch (error) {
      this.logger.warn('could not look for recalls to resume', { error });
      return;
    }
    for (const id of ids) {
      if (this.stopped) return;
      void this.resume(id).catch((error: unknown) => {
        void this.holds.release(id);
        this.logger.warn('could not resume a recall', { error, job: id });
      });
    }
  }

  private async resume(id: string): Promise<void> {
    if (!(await this.holds.take(id))) return;
    const state = await this.jobs.load(id);
    if (!state) {
      if (state === null) {
        this.logger.error('a stored recall cannot be read; it is dropped', { job: id });
        await this.jobs.finish(id);
      }
      await this.holds.release(id);
      return;
    }
    await this.holds.run(id, () => this.execute(state));
  }
}
