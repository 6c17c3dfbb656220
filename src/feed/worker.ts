import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import { StoppedError } from './errors.js';

/** What the loop needs of the queue: taking events and handing them back. */
export interface ClaimQueue<Claimed extends { id: string }> {
  /** Takes up to `limit` events, waiting up to `waitMs` for one to arrive when none is ready. */
  claim(limit: number, waitMs: number): Promise<Claimed[]>;
  /** Hands claimed events back: the next claim takes them at once. */
  release(ids: readonly string[]): Promise<void>;
}

/** The pause after a failure: from `baseMs`, doubling with each failure in a row, up to `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface DeliveryWorkerOptions<Claimed extends { id: string }> {
  queue: ClaimQueue<Claimed>;
  /**
   * Delivers a claimed batch, acking what it delivers; throws to have the batch released.
   * `held` starts as the batch's IDs and is what is released when it throws: `deliver` removes
   * the events it delivered or handed on, and adds those it claimed itself meanwhile.
   */
  deliver: (events: Claimed[], held: Set<string>) => Promise<void>;
  /** Sets an event aside if it keeps failing for a reason of its own; whether it did. */
  setAsideIfOwn: (event: Claimed, error: unknown) => Promise<boolean>;
  backoff: Backoff;
  logger: Logger;
  /** Most events taken at once; a burst beyond it goes out in several batches. */
  batchSize?: number;
  /** Failures of a batch in a row after which events are taken one at a time. */
  isolateAfter?: number;
  /** Stops the loop too when aborted (as `stop()` does). */
  signal?: AbortSignal;
}

/** Failures of a batch in a row after which events are taken one at a time. */
export const ISOLATE_AFTER = 3;
/** Most events taken at once, unless told otherwise. */
export const BATCH_SIZE = 5000;

/** How long a claim waits for an event to arrive before the loop looks again. */
const CLAIM_WAIT_MS = 500;
/** The pause after the queue could not be read. */
const CLAIM_RETRY_MS = 1000;

/**
 * The delivery loop, knowing nothing of Slack or of what a post is (as graphile/worker's): it
 * claims a batch, hands it to `deliver`, and when that fails releases what the batch still holds
 * and pauses as the backoff calls for. A batch that keeps failing is taken one event at a time;
 * a lone event that keeps failing on its own is set aside, so that the events behind it flow.
 */
export class DeliveryWorker<Claimed extends { id: string }> {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly isolateAfter: number;

  constructor(private readonly options: DeliveryWorkerOptions<Claimed>) {
    this.batchSize = options.batchSize ?? BATCH_SIZE;
    this.isolateAfter = options.isolateAfter ?? ISOLATE_AFTER;
    const { signal } = options;
    if (signal?.aborted) this.controller.abort();
    signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops taking events and waits up to `timeoutMs` for the batch in flight; what is left stays
   * in the queue.
   */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.controller.abort();
    if (this.loop) await Promise.race([this.loop, sleep(timeoutMs)]);
  }

  private get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  private async run(): Promise<void> {
    const { queue, logger } = this.options;
    let failures = 0;
    while (!this.stopping) {
      let events: Claimed[];
      try {
        // A batch that keeps failing is split up, so that one event cannot hold up the rest.
        events = await queue.claim(
          failures >= this.isolateAfter ? 1 : this.batchSize,
          CLAIM_WAIT_MS,
        );
      } catch (error) {
        logger.error('could not read the queue', { error });
        await sleep(CLAIM_RETRY_MS, this.controller.signal);
        continue;
      }
      if (events.length === 0) continue;
      const held = new Set(events.map((e) => e.id));
      try {
        await this.options.deliver(events, held);
        failures = 0;
      } catch (error) {
        if (error instanceof StoppedError || this.stopping) return;
        failures++;
        const [only] = events;
        if (events.length === 1 && only && failures >= 2 * this.isolateAfter) {
          if (await this.options.setAsideIfOwn(only, error)) {
            failures = 0;
            continue;
          }
        }
        await this.releaseAfter(error, [...held], failures);
      }
    }
  }

  /**
   * Hands events back after a failure that is not theirs (the store, a lookup) and pauses, the
   * longer the more `failures` in a row.
   */
  async releaseAfter(error: unknown, ids: string[], failures: number): Promise<void> {
    const { queue, logger, backoff } = this.options;
    const waitMs = backoffMs(failures - 1, backoff.baseMs, backoff.maxMs);
    logger.error('delivery failed; events released, will retry', {
      error,
      events: ids.length,
      retryInMs: waitMs,
    });
    await queue.release(ids).catch((releaseError: unknown) =>
      logger.warn('could not release events; they return after the lease', {
        error: releaseError,
      }),
    );
    await sleep(waitMs, this.controller.signal);
  }
}
