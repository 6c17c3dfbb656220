import type { WebClient } from '@slack/web-api';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import type { Health } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import type { PostLinks } from '../store/post-links.js';
import type { EventQueue, QueuedEvent } from '../store/queue.js';
import { DeadLetters } from './dead-letters.js';
import { BatchDelivery } from './delivery.js';
import { tagStoreFaults } from './errors.js';
import { JobDelivery } from './job-delivery.js';
import { linkedWithdrawalJob } from './jobs.js';
import { LinkedLane } from './linked-lane.js';
import { Reconciler } from './reconcile.js';
import { defaultRetryPolicy, type RetryPolicy, WriteRunner } from './runner.js';
import { BATCH_SIZE, DeliveryWorker, ISOLATE_AFTER } from './worker.js';

export type { RetryPolicy } from './runner.js';

export interface FeedOptions {
  queue: EventQueue;
  links: PostLinks;
  slack: WebClient;
  channel: string;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  retry?: RetryPolicy;
  /** Most events taken at once; a burst beyond it goes out in several batches. */
  batchSize?: number;
}

/** How often whether the channel's history can be read is asked again. */
const PROBE_EVERY_MS = 5 * 60 * 1000;

/**
 * The feed: delivers what waits in the store to the moderation channel, exactly once. Builds
 * the `DeliveryWorker` (the loop) over a `BatchDelivery` (what a batch means), the lane of
 * recalls of posted sends (`LinkedLane`), and the `Reconciler`'s probe of the channel's history,
 * all stopped together by `stop()`.
 */
export class Feed {
  private readonly stopController = new AbortController();
  private readonly reconciler: Reconciler;
  private readonly worker: DeliveryWorker<QueuedEvent>;
  private readonly linkedLane: LinkedLane;
  private linkedRun: Promise<void> | undefined;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(options: FeedOptions) {
    const { slack, channel, logger, metrics, health } = options;
    // A failure of the store is then never taken for an event's own.
    const queue = tagStoreFaults(options.queue);
    const links = tagStoreFaults(options.links);
    const retry = options.retry ?? defaultRetryPolicy;
    const batchSize = options.batchSize ?? BATCH_SIZE;
    const signal = this.stopController.signal;
    const reconciler = new Reconciler({ slack, channel, logger, health, metrics, signal });
    const runner = new WriteRunner({
      queue,
      slack,
      reconciler,
      health,
      metrics,
      logger,
      retry,
      signal,
    });
    const deadLetters = new DeadLetters({ queue, slack, channel, logger, metrics });
    const jobs = new JobDelivery({ queue, runner, deadLetters, channel, logger, metrics });
    const setAsideIfOwn = (event: QueuedEvent, error: unknown) =>
      deadLetters.setAsideIfOwn(event, error);
    const linkedLane = new LinkedLane({
      deliver: async ({ event, done }) => {
        await jobs.run(linkedWithdrawalJob(event, links, channel), done, [event]);
      },
      release: (error, ids, failures) => worker.releaseAfter(error, ids, failures),
      setAsideIfOwn,
      isolateAfter: ISOLATE_AFTER,
      signal,
    });
    const batches = new BatchDelivery({
      queue,
      links,
      reconciler,
      logger,
      deliverPost: (post, events) => jobs.deliverPost(post, events),
      handOn: (work) => linkedLane.push(work),
      batchSize,
    });
    const worker = new DeliveryWorker({
      queue,
      deliver: (events, held) => batches.deliver(events, held),
      setAsideIfOwn,
      backoff: retry,
      logger,
      batchSize,
      signal,
    });
    this.reconciler = reconciler;
    this.linkedLane = linkedLane;
    this.worker = worker;
  }

  start(): void {
    if (this.linkedRun) return;
    void this.reconciler.probe();
    // Scopes added or the bot invited later: /healthz learns of it without waiting for a crash.
    this.probeTimer = setInterval(() => void this.reconciler.probe(), PROBE_EVERY_MS);
    this.probeTimer.unref();
    this.worker.start();
    this.linkedRun = this.linkedLane.run();
  }

  /**
   * Stops taking events and waits up to `timeoutMs` for the writes in flight; what is left stays
   * in the store (a write cut short is looked for in the channel after the restart).
   */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopController.abort();
    clearInterval(this.probeTimer);
    this.linkedLane.stop();
    const linked = this.linkedRun ? Promise.race([this.linkedRun, sleep(timeoutMs)]) : undefined;
    await Promise.all([this.worker.stop(timeoutMs), linked]);
  }
}
