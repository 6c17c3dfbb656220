import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import type { Health } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import { classifySlackError } from '../slack/errors.js';
import type { PostAttempt } from '../store/queue.js';

/** The `event_type` of the metadata every feed post carries. */
export const FEED_POST_EVENT_TYPE = 'recall_bot_feed_post';

/** The metadata that marks a post as the one write `attemptId` made. */
export function postMark(attemptId: string): {
  event_type: string;
  event_payload: { attempt: string };
} {
  return { event_type: FEED_POST_EVENT_TYPE, event_payload: { attempt: attemptId } };
}

export type Lookup =
  /** Slack holds the write: it must not be made again. */
  | { outcome: 'found'; ts: string }
  /** Slack does not hold it: making it now makes it once. */
  | { outcome: 'absent' }
  /** The channel's history cannot be read: making it again may make it twice. */
  | { outcome: 'unavailable'; reason: string };

/** Slack's answers meaning this token may not read the channel's history. */
const NO_HISTORY = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'access_denied',
  // A bot reads a channel's history only as a member (posting needs no membership).
  'not_in_channel',
  'channel_not_found',
]);

/** A thread reply cannot be there when its thread is gone. */
const THREAD_GONE = new Set(['thread_not_found', 'message_not_found']);

/** What a person does about each reason the history cannot be read. */
function remedy(reason: string | undefined): string {
  return reason === 'not_in_channel'
    ? 'invite the bot to the channel (/invite @recall-bot)'
    : 'add the channels:history and groups:history scopes and reinstall the app';
}

/** Extra looks for a file share that Slack has not shown yet, and the wait between them. */
const FILE_SHARE_LOOKS = 3;
const FILE_SHARE_WAIT_MS = 1_000;

/** Our clock and Slack's may differ; a post is looked for from this long before the attempt. */
const CLOCK_SKEW_S = 300;
const PAGE_SIZE = 200;
/** Pages read before giving up (the posts made since the attempt are normally a handful). */
const MAX_PAGES = 25;
const RATE_LIMIT_RETRIES = 5;
const HEALTH_REASON = 'exactly-once delivery unavailable';

const historySchema = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z
          .object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()) })
          .partial()
          .optional(),
        files: z.array(z.object({ name: z.string().optional() })).optional(),
      }),
    )
    .default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

type HistoryPage = z.infer<typeof historySchema>;

function isMarked(message: HistoryPage['messages'][number], attempt: PostAttempt): boolean {
  if (attempt.kind === 'file') {
    return Boolean(attempt.fileName && message.files?.some((f) => f.name === attempt.fileName));
  }
  return (
    message.metadata?.event_type === FEED_POST_EVENT_TYPE &&
    message.metadata.event_payload?.attempt === attempt.id
  );
}

export interface ReconcilerOptions {
  slack: WebClient;
  channel: string;
  logger: Logger;
  health: Health;
  metrics: Metrics;
  /** Ends waits for a rate limit when the app stops. */
  signal?: AbortSignal;
}

/**
 * Looks in the channel for a write the app recorded but never heard back about (it was killed,
 * or the answer was lost): Slack has no idempotency key, so the app marks each post and reads
 * the channel's history (`channels:history` / `groups:history`) before making it again.
 */
export class Reconciler {
  /** `false` once Slack said the history cannot be read; `undefined` until known. */
  private available: boolean | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  /** Finds out at start whether history can be read, so `/healthz` says so from the start. */
  async probe(): Promise<void> {
    try {
      await this.options.slack.conversations.history({ channel: this.options.channel, limit: 1 });
      this.setAvailable(true);
    } catch (error) {
      const failure = classifySlackError(error);
      if (NO_HISTORY.has(failure.reason)) this.setAvailable(false, failure.reason);
    }
  }

  /** Where the write of `attempt` is in Slack, if it is. Throws when Slack cannot be asked now. */
  async find(attempt: PostAttempt): Promise<Lookup> {
    // An update can be made again without harm; there is nothing to look for.
    if (attempt.kind === 'update') return { outcome: 'absent' };
    const { metrics } = this.options;
    let result: Lookup;
    try {
      result = await this.search(attempt);
    } catch (error) {
      const { reason } = classifySlackError(error);
      if (NO_HISTORY.has(reason)) {
        // Only the feed channel's history says whether the feed is exactly once.
        if (attempt.channel === this.options.channel) this.setAvailable(false, reason);
        result = { outcome: 'unavailable', reason };
      } else if (attempt.kind === 'reply' && THREAD_GONE.has(reason)) {
        result = { outcome: 'absent' };
      } else {
        throw error;
      }
    }
    metrics.reconciliations.inc({ outcome: result.outcome });
    return result;
  }

  /**
   * The write's post, if Slack holds it after all; `undefined` when it certainly does not (or
   * the history cannot be read: at least once). While Slack cannot be asked it keeps asking, so
   * an unanswered write is never made again on a guess. Throws only when the app stops.
   */
  async findWhenKnown(attempt: PostAttempt): Promise<string | undefined> {
    for (let tries = 0; ; tries++) {
      try {
        const lookup = await this.find(attempt);
        if (lookup.outcome === 'found') return lookup.ts;
        // Slack shares a file in the background: a share may show up a moment late.
        if (lookup.outcome === 'absent' && attempt.kind === 'file' && tries < FILE_SHARE_LOOKS) {
          await this.pause(FILE_SHARE_WAIT_MS);
          continue;
        }
        if (lookup.outcome === 'unavailable') {
          this.options.logger.warn('cannot tell whether Slack took the post; posting it again', {
            attempt: attempt.id,
            reason: lookup.reason,
          });
        }
        return undefined;
      } catch (error) {
        if (this.options.signal?.aborted) throw error;
        const waitMs = backoffMs(tries, 1_000, 30_000);
        this.options.logger.warn('cannot look in the channel yet; not posting again until it can', {
          error,
          retryInMs: waitMs,
        });
        await this.pause(waitMs);
      }
    }
  }

  /**
   * Where the write of `attempt` is, before it is settled after a restart: as `find`, but a file
   * share Slack has not shown yet is looked for again a few times before it counts as absent.
   */
  async findSettled(attempt: PostAttempt): Promise<Lookup> {
    for (let tries = 0; ; tries++) {
      const lookup = await this.find(attempt);
      if (lookup.outcome !== 'absent' || attempt.kind !== 'file' || tries >= FILE_SHARE_LOOKS) {
        return lookup;
      }
      await this.pause(FILE_SHARE_WAIT_MS);
    }
  }

  /**
   * A file share's `ts`, for its links: Slack often does not know it when the upload answers.
   * Without it the post keeps its group record (Recall all) but cannot be updated later.
   */
  async shareTs(attempt: PostAttempt): Promise<string | undefined> {
    for (let tries = 0; tries <= FILE_SHARE_LOOKS; tries++) {
      if (tries > 0) await this.pause(FILE_SHARE_WAIT_MS);
      try {
        const lookup = await this.find(attempt);
        if (lookup.outcome === 'found') return lookup.ts;
        if (lookup.outcome === 'unavailable') break;
      } catch {
        // Asked again after the pause.
      }
    }
    this.options.logger.warn('could not learn where a file post is: it will not be updated', {
      write: attempt.id,
    });
    return undefined;
  }

  /** Waits, or throws at once when the app stops. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, this.options.signal);
    if (this.options.signal?.aborted) throw new Error('stopping');
  }

  private async search(attempt: PostAttempt): Promise<Lookup> {
    const oldest = (attempt.startedAt / 1000 - CLOCK_SKEW_S).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.page(attempt, oldest, cursor);
      this.setAvailable(true);
      const found = answer.messages.find((m) => isMarked(m, attempt));
      if (found) return { outcome: 'found', ts: found.ts };
      if (!answer.has_more) return { outcome: 'absent' };
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return { outcome: 'unavailable', reason: 'history without a next page' };
    }
    this.options.logger.warn('gave up looking for an unrecorded post in a long history', {
      attempt: attempt.id,
    });
    return { outcome: 'unavailable', reason: `more than ${MAX_PAGES * PAGE_SIZE} messages since` };
  }

  private async page(attempt: PostAttempt, oldest: string, cursor?: string): Promise<HistoryPage> {
    const { slack } = this.options;
    const common = {
      channel: attempt.channel,
      oldest,
      limit: PAGE_SIZE,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    };
    for (let retry = 0; ; retry++) {
      try {
        const answer =
          attempt.kind === 'reply'
            ? await slack.conversations.replies({ ...common, ts: attempt.threadTs ?? '' })
            : await slack.conversations.history(common);
        return historySchema.parse(answer);
      } catch (error) {
        const failure = classifySlackError(error);
        if (failure.kind !== 'rate_limited' || retry >= RATE_LIMIT_RETRIES) throw error;
        await this.pause(failure.retryAfterMs);
      }
    }
  }

  private setAvailable(available: boolean, reason?: string): void {
    const { health, logger } = this.options;
    if (available) {
      if (this.available === false) logger.info('channel history readable: exactly-once delivery');
      health.setProblem('reconcile', undefined);
    } else {
      if (this.available !== false) {
        logger.warn('cannot read the channel history: after a crash a post may be made twice', {
          reason,
          remedy: remedy(reason),
        });
      }
      health.setProblem(
        'reconcile',
        `${HEALTH_REASON}: cannot read the channel history (${reason}); ${remedy(reason)}`,
      );
    }
    this.available = available;
  }
}
