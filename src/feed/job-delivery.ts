import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventQueue, PostAttempt, QueuedEvent } from '../store/queue.js';
import { planPosts } from './batch.js';
import type { DeadLetters } from './dead-letters.js';
import { DeadLetterError } from './errors.js';
import { type FeedJob, postJob, type WriteRunnerLike } from './jobs.js';
import type { PlannedPost } from './post.js';
import { newJobState } from './runner.js';

export interface JobDeliveryOptions {
  queue: Pick<EventQueue, 'ack'>;
  runner: WriteRunnerLike;
  deadLetters: Pick<DeadLetters, 'setAside'>;
  channel: string;
  logger: Logger;
  metrics: Metrics;
}

/** How a job is run: whether a failure of its own sets it aside, and after how many. */
export interface RunJobOptions {
  /** `false`: a failure of its own is handed back (to split the job) rather than set aside. */
  setAside?: boolean;
  /** Own failures that give up on it, when fewer than the retry policy's. */
  maxOwnFailures?: number;
}

/**
 * Runs the jobs that deliver events (a planned post, the updates of a linked recall): acks their
 * events once done, counts them delivered, sets them aside when Slack keeps refusing them.
 */
export class JobDelivery {
  constructor(private readonly options: JobDeliveryOptions) {}

  /**
   * Runs a job; its events are acked when it is done. When it fails on its own, its events are
   * set aside as dead letters, or (`setAside: false`) the failure is handed back to split it.
   */
  async run(
    job: FeedJob,
    done: PostAttempt[],
    events: readonly QueuedEvent[],
    { setAside = true, maxOwnFailures }: RunJobOptions = {},
  ): Promise<DeadLetterError | undefined> {
    const { queue, metrics } = this.options;
    try {
      await job.run(this.options.runner, newJobState(done, maxOwnFailures));
      if (!job.acksItself) await queue.ack(job.eventIds);
    } catch (error) {
      if (!(error instanceof DeadLetterError)) throw error;
      if (!setAside) return error;
      await this.options.deadLetters.setAside(job.eventIds, error);
      return undefined;
    }
    const now = Date.now();
    for (const queued of events) {
      metrics.deliveryLatency.observe((now - queued.event.receivedAt) / 1000);
    }
    metrics.delivered.inc(events.length);
    return undefined;
  }

  /**
   * One planned post. One that Slack keeps refusing for a reason of its own is split in halves,
   * each planned again, so that only the event at fault is set aside, not the whole digest.
   */
  async deliverPost(
    post: PlannedPost,
    events: readonly QueuedEvent[],
    retry = false,
  ): Promise<void> {
    const ids = new Set(post.eventIds);
    const included = events.filter((e) => ids.has(e.id));
    const byId = new Map(included.map((e) => [e.id, e.event]));
    const split = included.length > 1;
    const refused = await this.run(postJob(post, byId, this.options.channel), [], included, {
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
}
