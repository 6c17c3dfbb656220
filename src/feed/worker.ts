import type { WebClient } from '@slack/web-api';
import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import type { Health } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import type { PostLinks } from '../store/post-links.js';
import type { EventQueue, PostAttempt, QueuedEvent } from '../store/queue.js';
import { planPosts } from './batch.js';
import { DeadLetters } from './dead-letters.js';
import { DeadLetterError, StoppedError, tagStoreFaults } from './errors.js';
import { type FeedJob, linkedWithdrawalJob, postJob } from './jobs.js';
import { LinkedLane, type LinkedWork } from './linked-lane.js';
import { sentPostKey, withdrawnPostKeys } from './links.js';
import type { PlannedPost } from './post.js';
import { Reconciler } from './reconcile.js';
import { defaultRetryPolicy, newJobState, type RetryPolicy, WriteRunner } from './runner.js';
import { isSend } from './sends.js';
import { settleAttempts } from './settle.js';

export { defaultRetryPolicy, type RetryPolicy } from './runner.js';

export interface DeliveryWorkerOptions {
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

/** Failures of a batch in a row after which events are taken one at a time. */
const ISOLATE_AFTER = 3;

/** A batch being delivered, with those claimed while its posts go out. */
interface Round {
  /** Events claimed and not yet delivered or handed on: released if the round fails. */
  unfinished: Set<string>;
  /** Sends posted (or to be posted) in this round, by `sentPostKey`. */
  sent: Set<string>;
  /** Recalls of those sends, for the linked lane once the round's posts are out. */
  deferred: LinkedWork[];
  /** Recalls that arrived between the posts of a round: they claim nothing more. */
  nested: boolean;
}

/**
 * Delivers what waits in the store to the moderation channel, exactly once: a claimed batch is
 * settled first (`settleAttempts`: writes never heard back about are looked for in the
 * channel), then planned into posts (recalls first, sends grouped per account), each made by the
 * `WriteRunner`; recalls of posted sends go to the `LinkedLane`; a job failing on its own is set
 * aside (`DeadLetters`); a batch failing any other way is released at once, retried after a pause.
 */
export class DeliveryWorker {
  private readonly stopController = new AbortController();
  private lanes: Promise<void> | undefined;
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;
  private readonly reconciler: Reconciler;
  private readonly runner: WriteRunner;
  private readonly deadLetters: DeadLetters;
  private readonly linkedLane: LinkedLane;

  private readonly options: DeliveryWorkerOptions;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(options: DeliveryWorkerOptions) {
    this.options = {
      ...options,
      queue: tagStoreFaults(options.queue),
      links: tagStoreFaults(options.links),
    };
    this.retry = options.retry ?? defaultRetryPolicy;
    this.batchSize = options.batchSize ?? 5000;
    this.reconciler = new Reconciler({ ...this.options, signal: this.stopController.signal });
    this.deadLetters = new DeadLetters(this.options);
    this.linkedLane = new LinkedLane({
      deliver: async ({ event, done }) => {
        await this.runJob(
          linkedWithdrawalJob(event, this.options.links, this.options.channel),
          done,
          [event],
        );
      },
      release: (error, ids, failures) => this.releaseAfter(error, ids, failures),
      setAsideIfOwn: (event, error) => this.deadLetters.setAsideIfOwn(event, error),
      isolateAfter: ISOLATE_AFTER,
      signal: this.stopController.signal,
    });
    this.runner = new WriteRunner({
      ...this.options,
      reconciler: this.reconciler,
      retry: this.retry,
      signal: this.stopController.signal,
    });
  }

  start(): void {
    if (this.lanes) return;
    void this.reconciler.probe();
    // Scopes added or the bot invited later: /healthz learns of it without waiting for a crash.
    this.probeTimer = setInterval(() => void this.reconciler.probe(), PROBE_EVERY_MS);
    this.probeTimer.unref();
    this.lanes = Promise.all([this.postsLane(), this.linkedLane.run()]).then(() => undefined);
  }

  /**
   * Stops taking events and waits up to `timeoutMs` for the writes in flight; what is left stays
   * in the store (a write cut short is looked for in the channel after the restart).
   */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopController.abort();
    clearInterval(this.probeTimer);
    this.linkedLane.stop();
    if (this.lanes) await Promise.race([this.lanes, sleep(timeoutMs)]);
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private async postsLane(): Promise<void> {
    const { queue, logger } = this.options;
    let failures = 0;
    while (!this.stopping) {
      let events: QueuedEvent[];
      try {
        // A batch that keeps failing is split up, so that one event cannot hold up the rest.
        events = await queue.claim(failures >= ISOLATE_AFTER ? 1 : this.batchSize, 500);
      } catch (error) {
        logger.error('could not read the queue', { error });
        await sleep(1000, this.stopController.signal);
        continue;
      }
      if (events.length === 0) continue;
      const unfinished = new Set(events.map((e) => e.id));
      try {
        await this.deliverBatch(events, unfinished);
        failures = 0;
      } catch (error) {
        if (error instanceof StoppedError || this.stopping) return;
        failures++;
        const [only] = events;
        if (events.length === 1 && only && failures >= 2 * ISOLATE_AFTER) {
          if (await this.deadLetters.setAsideIfOwn(only, error)) {
            failures = 0;
            continue;
          }
        }
        await this.releaseAfter(error, [...unfinished], failures);
      }
    }
  }

  /** Hands events back after a failure that is not theirs (the store, a lookup) and pauses. */
  private async releaseAfter(error: unknown, ids: string[], failures: number): Promise<void> {
    const { queue, logger } = this.options;
    const waitMs = backoffMs(failures - 1, this.retry.baseMs, this.retry.maxMs);
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
    await sleep(waitMs, this.stopController.signal);
  }

  /** One claimed batch, and the batches claimed while its posts go out. */
  private async deliverBatch(events: QueuedEvent[], unfinished: Set<string>): Promise<void> {
    const round: Round = { unfinished, sent: new Set(), deferred: [], nested: false };
    await this.deliverRound(events, round);
    // Only now: a recall of a send posted in this round finds the send's post.
    for (const { event, done } of round.deferred) this.handToLinkedLane(event, done, unfinished);
  }

  private async deliverRound(events: QueuedEvent[], round: Round): Promise<void> {
    const done = await settleAttempts(this.options, this.reconciler, events, round.unfinished);
    const remaining = events.filter((e) => round.unfinished.has(e.id));
    for (const key of remaining.flatMap((e) => sentPostKey(e.event) ?? [])) round.sent.add(key);
    const now: QueuedEvent[] = [];
    for (const queued of remaining) {
      const touched = await this.touchedPosts(queued, round.sent);
      const work = { event: queued, done: done.get(queued.id) ?? [] };
      if (touched === 'posted') this.handToLinkedLane(work.event, work.done, round.unfinished);
      else if (touched === 'to_post') round.deferred.push(work);
      else now.push(queued);
    }
    const posts = planPosts(now);
    for (const [i, post] of posts.entries()) {
      await this.deliverPost(post, now);
      for (const id of post.eventIds) round.unfinished.delete(id);
      // Sends of many accounts make many posts: recalls that arrive meanwhile go between them.
      if (post.sends && i < posts.length - 1 && !round.nested)
        await this.deliverArrivedRecalls(round);
    }
  }

  /**
   * Recalls that arrived while a round's posts go out, delivered at once; sends that arrived
   * are handed back, to be grouped per account in the next batch (never holding the round up).
   */
  private async deliverArrivedRecalls(round: Round): Promise<void> {
    const arrived = await this.options.queue.claim(this.batchSize, 0);
    if (arrived.length === 0) return;
    for (const e of arrived) round.unfinished.add(e.id);
    const sends = arrived.filter((e) => isSend(e.event)).map((e) => e.id);
    if (sends.length > 0) {
      await this.options.queue.release(sends);
      for (const id of sends) round.unfinished.delete(id);
    }
    const recalls = arrived.filter((e) => !isSend(e.event));
    if (recalls.length > 0) await this.deliverRound(recalls, { ...round, nested: true });
  }

  /**
   * One planned post. One that Slack keeps refusing for a reason of its own is split in halves,
   * each planned again, so that only the event at fault is set aside, not the whole digest.
   */
  private async deliverPost(
    post: PlannedPost,
    events: readonly QueuedEvent[],
    retry = false,
  ): Promise<void> {
    const ids = new Set(post.eventIds);
    const included = events.filter((e) => ids.has(e.id));
    const byId = new Map(included.map((e) => [e.id, e.event]));
    const split = included.length > 1;
    const refused = await this.runJob(postJob(post, byId, this.options.channel), [], included, {
      setAside: !split,
      ...(retry ? { maxOwnFailures: 2 } : {}),
    });
    if (!refused) return;
    this.options.logger.warn('Slack keeps refusing a post of several events; splitting it', {
      events: included.length,
      reason: refused.message,
    });
    const half = Math.ceil(included.length / 2);
    for (const part of [included.slice(0, half), included.slice(half)]) {
      // A half is a retry: its events were refused already, so it is given up on sooner.
      for (const next of planPosts(part)) await this.deliverPost(next, part, true);
    }
  }

  private handToLinkedLane(event: QueuedEvent, done: PostAttempt[], unfinished: Set<string>) {
    unfinished.delete(event.id);
    this.linkedLane.push({ event, done });
  }

  /**
   * Whether an Official Channel recall names messages the feed posted (`posted`: its lane can
   * update them now), or is about to post in this round (`to_post`: after those posts).
   */
  private async touchedPosts(
    queued: QueuedEvent,
    sent: ReadonlySet<string>,
  ): Promise<'posted' | 'to_post' | undefined> {
    const keys = withdrawnPostKeys(queued.event);
    if (!keys) return undefined;
    let posted = false;
    for (const key of keys) {
      if (sent.has(key)) return 'to_post';
      posted ||= Boolean(await this.options.links.getPostLink(key));
    }
    return posted ? 'posted' : undefined;
  }

  /**
   * Runs a job; its events are acked when it is done. When it fails on its own, its events are
   * set aside as dead letters, or (`setAside: false`) the failure is handed back to split it.
   */
  private async runJob(
    job: FeedJob,
    done: PostAttempt[],
    events: readonly QueuedEvent[],
    { setAside = true, maxOwnFailures }: { setAside?: boolean; maxOwnFailures?: number } = {},
  ): Promise<DeadLetterError | undefined> {
    const { queue, metrics } = this.options;
    try {
      await job.run(this.runner, newJobState(done, maxOwnFailures));
      if (!job.acksItself) await queue.ack(job.eventIds);
    } catch (error) {
      if (!(error instanceof DeadLetterError)) throw error;
      if (!setAside) return error;
      await this.deadLetters.setAside(job.eventIds, error);
      return undefined;
    }
    const now = Date.now();
    for (const queued of events) {
      metrics.deliveryLatency.observe((now - queued.event.receivedAt) / 1000);
    }
    metrics.delivered.inc(events.length);
    return undefined;
  }
}
