import type { WebClient } from '@slack/web-api';
import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import type { Health } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import { classifySlackError, type SlackFailure } from '../slack/errors.js';
import {
  type AttemptResult,
  doneAttempt,
  type EventQueue,
  type PostAttempt,
} from '../store/queue.js';
import { DeadLetterError, StoppedError, StoreFaultError } from './errors.js';
import type { Reconciler } from './reconcile.js';
import { attemptOf, type FeedWrite, sendWrite } from './writes.js';

export interface RetryPolicy {
  /** First backoff after a passing failure; doubles up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** How often to try again while Slack refuses for good (bad token, channel). */
  permanentMs: number;
  /** Failures of a job's own (Slack answered, and refused this job) before it is set aside. */
  maxOwnFailures: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  baseMs: 1000,
  maxMs: 60_000,
  permanentMs: 60_000,
  maxOwnFailures: 5,
};

const SLACK_METHODS: Record<FeedWrite['kind'], string> = {
  message: 'chat.postMessage',
  reply: 'chat.postMessage',
  update: 'chat.update',
  file: 'files.uploadV2',
};

/** Failures without an answer after which the runner asks whether Slack answers others. */
const UNREACHABLE_BEFORE_PROBE = 3;
/** Tries of a store write (recording a done write, an ack) before the batch is released. */
const STORE_WRITE_TRIES = 5;

/** What one job (a set of events and its writes) has been through. */
export interface JobState {
  /** Writes recorded as done before (after a restart), by step name or write ID. */
  done: Map<string, PostAttempt>;
  ownFailures: number;
  /** Own failures that set it aside; the retry policy's unless the job is a retry itself. */
  maxOwnFailures?: number;
  unreachable: number;
}

export function newJobState(done: Iterable<PostAttempt> = [], maxOwnFailures?: number): JobState {
  const map = new Map<string, PostAttempt>();
  for (const attempt of done)
    if (attempt.state === 'done') map.set(attempt.step ?? attempt.id, attempt);
  return {
    done: map,
    ownFailures: 0,
    unreachable: 0,
    ...(maxOwnFailures ? { maxOwnFailures } : {}),
  };
}

export type WriteOutcome =
  | { outcome: 'posted'; ts?: string | undefined }
  | { outcome: 'gone'; reason: string };

export interface WriteRunnerOptions {
  queue: EventQueue;
  slack: WebClient;
  reconciler: Reconciler;
  health: Health;
  metrics: Metrics;
  logger: Logger;
  retry: RetryPolicy;
  signal: AbortSignal;
}

type Next = { next: 'retry' } | { next: 'found'; ts: string } | { next: 'gone'; reason: string };

/**
 * Makes one write exactly once: recorded before it is made, marked, retried as its failure
 * calls for, looked for in the channel before it is made again after an unanswered try, and
 * recorded as done (with its acks and links) in one commit.
 */
export class WriteRunner {
  constructor(private readonly options: WriteRunnerOptions) {}

  async run(write: FeedWrite, job: JobState): Promise<WriteOutcome> {
    const recorded = job.done.get(write.step ?? write.id);
    if (recorded) {
      return recorded.outcome === 'gone'
        ? { outcome: 'gone', reason: 'recorded earlier' }
        : { outcome: 'posted', ts: recorded.ts };
    }
    let attempt = attemptOf(write, Date.now());
    await this.storeWrite(() => this.options.queue.beginAttempt(attempt));
    for (let tries = 0; ; tries++) {
      this.throwIfStopped();
      if (tries > 0) {
        // Earlier tries are known not to be in Slack: a later look starts from this one.
        const again = { ...attempt, startedAt: Date.now() };
        await this.storeWrite(() => this.options.queue.beginAttempt(again));
        attempt = again;
      }
      await this.confirmHeld(write);
      let ts: string | undefined;
      try {
        ({ ts } = await sendWrite(this.options.slack, write));
      } catch (error) {
        const target =
          write.kind === 'message' || write.kind === 'file' ? 'channel' : 'existing_post';
        const failure = classifySlackError(error, target);
        if (failure.reason === 'unexpected') {
          this.options.logger.error('unexpected failure of a Slack call', { error });
        }
        this.options.metrics.slackErrors.inc({
          method: SLACK_METHODS[write.kind],
          error: failure.reason,
        });
        if (failure.kind === 'payload' && write.fallback) {
          this.options.logger.warn('Slack refused the formatted post; sending it plainer', {
            reason: failure.reason,
            events: write.eventIds.length,
          });
          await this.storeWrite(() => this.options.queue.abandonAttempt(attempt.id));
          return this.run(write.fallback(failure.reason), job);
        }
        const next = await this.afterFailure(failure, write, attempt, job);
        if (next.next === 'retry') continue;
        if (next.next === 'gone') {
          await this.finish(attempt, { outcome: 'gone' }, job);
          return { outcome: 'gone', reason: next.reason };
        }
        ts = next.ts;
      }
      this.options.health.setProblem('slack', undefined);
      if (ts === undefined && write.links) ts = await this.options.reconciler.shareTs(attempt);
      await this.finish(
        attempt,
        {
          outcome: 'posted',
          ts,
          ack: write.delivers ? write.eventIds : [],
          links: write.links?.(ts) ?? [],
        },
        job,
      );
      return { outcome: 'posted', ts };
    }
  }

  private async afterFailure(
    failure: SlackFailure,
    write: FeedWrite,
    attempt: PostAttempt,
    job: JobState,
  ): Promise<Next> {
    const { logger, health, retry } = this.options;
    const context = { write: write.kind, reason: failure.reason, events: write.eventIds.length };
    switch (failure.kind) {
      case 'gone':
        logger.warn('the post to change is gone; showing it as a new post', context);
        return { next: 'gone', reason: failure.reason };
      case 'rate_limited':
        logger.debug('Slack rate limit; waiting', { ...context, retryInMs: failure.retryAfterMs });
        await this.wait(failure.retryAfterMs);
        return { next: 'retry' };
      case 'refused':
        health.setProblem('slack', `Slack refuses the feed: ${failure.reason}`);
        logger.error('Slack refuses the feed post; events wait in the store', {
          ...context,
          retryInMs: retry.permanentMs,
        });
        await this.wait(retry.permanentMs);
        return { next: 'retry' };
      case 'payload':
      case 'own':
        await this.countOwnFailure(failure, job, context);
        return { next: 'retry' };
      case 'unreachable': {
        const waitMs = backoffMs(job.unreachable, retry.baseMs, retry.maxMs);
        job.unreachable++;
        logger.warn('Slack did not answer; will look and retry', { ...context, retryInMs: waitMs });
        await this.wait(waitMs);
        const found = await this.options.reconciler.findWhenKnown(attempt);
        if (found) return { next: 'found', ts: found };
        // Slack answering other calls while this one keeps failing makes the failure its own.
        if (job.unreachable >= UNREACHABLE_BEFORE_PROBE && (await this.slackAnswers())) {
          await this.countOwnFailure(failure, job, context, false);
        }
        return { next: 'retry' };
      }
    }
  }

  private async countOwnFailure(
    failure: SlackFailure,
    job: JobState,
    context: Record<string, unknown>,
    wait = true,
  ): Promise<void> {
    const { logger, retry } = this.options;
    job.ownFailures++;
    if (job.ownFailures >= (job.maxOwnFailures ?? retry.maxOwnFailures)) {
      throw new DeadLetterError(failure.kind, failure.reason);
    }
    const waitMs = backoffMs(job.ownFailures - 1, retry.baseMs, retry.maxMs);
    logger.warn('Slack refused this post; will retry', { ...context, retryInMs: waitMs });
    if (wait) await this.wait(waitMs);
  }

  /** With Redis, another replica may have taken the events over: then this one must not post. */
  private async confirmHeld(write: FeedWrite): Promise<void> {
    let held: boolean;
    try {
      held = await this.options.queue.confirmHeld(write.eventIds);
    } catch (error) {
      throw new StoreFaultError('could not confirm the events are still ours', { cause: error });
    }
    if (!held) throw new StoreFaultError('another replica took these events over');
  }

  private async slackAnswers(): Promise<boolean> {
    try {
      await this.options.slack.auth.test();
      return true;
    } catch {
      return false;
    }
  }

  private async finish(attempt: PostAttempt, result: AttemptResult, job: JobState) {
    await this.storeWrite(() => this.options.queue.finishAttempt(attempt, result));
    job.done.set(attempt.step ?? attempt.id, doneAttempt(attempt, result));
  }

  /** A store write, tried again a few times (an ack must not be lost to a passing lock). */
  private async storeWrite(write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (error) {
        if (attempt >= STORE_WRITE_TRIES || this.options.signal.aborted) {
          throw new StoreFaultError(
            `the store could not record a post: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        await this.wait(backoffMs(attempt, 200, 2_000));
      }
    }
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms, this.options.signal);
    this.throwIfStopped();
  }

  private throwIfStopped(): void {
    if (this.options.signal.aborted) throw new StoppedError('stopping');
  }
}
