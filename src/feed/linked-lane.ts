import type { PostAttempt, QueuedEvent } from '../store/queue.js';
import { StoppedError } from './errors.js';

/** A recall of posted sends, waiting for its lane, with what was already done for it. */
export interface LinkedWork {
  event: QueuedEvent;
  done: PostAttempt[];
}

export interface LinkedLaneOptions {
  /** Updates the posts and replies in their threads; throws to have the recall released. */
  deliver: (work: LinkedWork) => Promise<void>;
  /** Hands an event back to the queue after a failure, pausing as `failures` calls for. */
  release: (error: unknown, ids: string[], failures: number) => Promise<void>;
  /** Sets an event aside if it keeps failing for a reason of its own; whether it did. */
  setAsideIfOwn: (event: QueuedEvent, error: unknown) => Promise<boolean>;
  /** Failures in a row after which a recall is taken for failing on its own. */
  isolateAfter: number;
  signal: AbortSignal;
}

/**
 * The lane of recalls whose sends the feed posted: however many posts they update and threads
 * they answer in, new events never wait behind them. One at a time, in order.
 */
export class LinkedLane {
  private readonly queue: LinkedWork[] = [];
  private wake: (() => void) | undefined;
  /** Failures in a row, by event. */
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: LinkedLaneOptions) {}

  push(work: LinkedWork): void {
    this.queue.push(work);
    this.wake?.();
  }

  /** Ends the wait for work (the signal says the lane is stopping). */
  stop(): void {
    this.wake?.();
  }

  async run(): Promise<void> {
    const { signal } = this.options;
    while (!signal.aborted) {
      const work = this.queue.shift();
      if (!work) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      try {
        await this.options.deliver(work);
        this.failures.delete(work.event.id);
      } catch (error) {
        if (error instanceof StoppedError || signal.aborted) return;
        await this.failed(work.event, error);
      }
    }
  }

  private async failed(event: QueuedEvent, error: unknown): Promise<void> {
    const failures = (this.failures.get(event.id) ?? 0) + 1;
    this.failures.set(event.id, failures);
    if (failures >= 2 * this.options.isolateAfter) {
      if (await this.options.setAsideIfOwn(event, error)) {
        this.failures.delete(event.id);
        return;
      }
    }
    // Back to the queue, with a short pause only: the recalls behind it are not held up.
    await this.options.release(error, [event.id], 1);
  }
}
