import type { WebClient } from '@slack/web-api';
import type { Health } from '../http/health.js';
import type { Metrics } from '../http/metrics.js';
import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import { classifySlackError } from '../slack/errors.js';
import type { QueuedEvent, Store } from '../store/store.js';
import { type PlannedPost, planPosts } from './batch.js';
import { renderEventDetails } from './render.js';

type EventsById = ReadonlyMap<string, QueuedEvent>;

export interface RetryPolicy {
  /** First backoff after a passing failure; doubles up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** How often to try again while Slack refuses for good (bad token, channel). */
  permanentMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseMs: 1000, maxMs: 60_000, permanentMs: 60_000 };

export interface DeliveryWorkerOptions {
  store: Store;
  slack: WebClient;
  channel: string;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  retry?: RetryPolicy;
  /** Most events taken at once; a burst beyond it goes out in several batches. */
  batchSize?: number;
}

/** The key under which the post of a sent Official Account message is remembered. */
export function officialPostKey(account: string, msgKey: string): string {
  return `oa:${account}:${msgKey}`;
}

/**
 * Takes what waits in the store, posts it to the moderation channel, and marks it delivered only
 * after Slack accepted it. While a post is in flight new events wait, so a burst is taken in one
 * go and grouped (see `planPosts`). Failures never drop events: they wait, and go out later.
 */
export class DeliveryWorker {
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.batchSize = options.batchSize ?? 5000;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops taking events and waits for the post in flight; what is left stays in the store. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let events: QueuedEvent[];
      try {
        events = await this.options.store.claim(this.batchSize, 500);
      } catch (error) {
        this.options.logger.error('could not read the queue', { error });
        await sleep(1000, this.stopController.signal);
        continue;
      }
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const post of planPosts(events)) {
        if (!(await this.deliver(post, byId))) break;
      }
    }
  }

  /** Posts until Slack accepts it; `false` when stopped first. */
  private async deliver(planned: PlannedPost, events: EventsById): Promise<boolean> {
    const { logger, metrics, health, store } = this.options;
    let post = planned;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.send(post, events);
      } catch (error) {
        const failure = classifySlackError(error);
        const method = post.file ? 'files.uploadV2' : 'chat.postMessage';
        metrics.slackErrors.inc({ method, error: failure.reason });
        if (failure.kind === 'payload' && post === planned) {
          logger.warn('Slack refused the formatted post; sending it as text and a file', {
            reason: failure.reason,
            events: post.eventIds.length,
          });
          post = plainFallback(planned, events, failure.reason);
          continue;
        }
        const waitMs =
          failure.kind === 'rate_limited'
            ? failure.retryAfterMs
            : failure.kind === 'transient'
              ? backoffMs(attempt, this.retry.baseMs, this.retry.maxMs)
              : this.retry.permanentMs;
        if (failure.kind === 'permanent' || failure.kind === 'payload') {
          health.reportSlackProblem(failure.reason);
          logger.error('Slack refuses the feed post; events wait in the store', {
            reason: failure.reason,
            events: post.eventIds.length,
            retryInMs: waitMs,
          });
        } else {
          logger.warn('Slack post failed; will retry', {
            reason: failure.reason,
            events: post.eventIds.length,
            retryInMs: waitMs,
          });
        }
        await sleep(waitMs, this.stopController.signal);
        continue;
      }
      health.clearSlackProblem();
      await store.ack(post.eventIds);
      const now = Date.now();
      for (const id of post.eventIds) {
        const queued = events.get(id);
        if (queued) metrics.deliveryLatency.observe((now - queued.event.receivedAt) / 1000);
      }
      metrics.delivered.inc(post.eventIds.length);
      return true;
    }
    return false;
  }

  private async send(post: PlannedPost, events: EventsById): Promise<void> {
    const { slack, channel, store } = this.options;
    if (post.file) {
      await slack.filesUploadV2({
        channel_id: channel,
        blocks: post.blocks,
        filename: post.file.filename,
        title: post.file.title,
        content: post.file.content,
      });
      return;
    }
    const answer = await slack.chat.postMessage({
      channel,
      text: post.text,
      blocks: post.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    if (post.eventIds.length === 1 && answer.ts) {
      const body = events.get(post.eventIds[0] ?? '')?.event.body;
      if (body?.CallbackCommand === 'OfficialAccount.CallbackAfterSendMsg') {
        // The post is out: failing to remember it must not post it again.
        await store
          .savePostLink(officialPostKey(body.Official_Account, body.MsgKey), {
            channel: answer.channel ?? channel,
            ts: answer.ts,
          })
          .catch((error: unknown) =>
            this.options.logger.error('could not remember the feed post', { error }),
          );
      }
    }
  }
}

/** The last resort when Slack refuses our blocks: plain text, every event in the file. */
function plainFallback(planned: PlannedPost, events: EventsById, reason: string): PlannedPost {
  const included = planned.eventIds.flatMap((id) => events.get(id) ?? []);
  return {
    eventIds: planned.eventIds,
    text: `${included.length} recall event(s); Slack refused the formatted post (${reason}), full details attached.`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${included.length} recall event(s). Slack refused the formatted post (\`${reason}\`), so every detail is in the attached file.`,
        },
      },
    ],
    file: {
      filename: `recall-events-${planned.eventIds[0] ?? 'batch'}.txt`,
      title: `${included.length} recall events`,
      content: included.map((e) => renderEventDetails(e.event)).join('\n\n'),
    },
  };
}
