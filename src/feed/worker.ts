import type { WebClient } from '@slack/web-api';
import type { Health } from '../http/health.js';
import type { Metrics } from '../http/metrics.js';
import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import { classifySlackError } from '../slack/errors.js';
import type { PostLink, QueuedEvent, Store } from '../store/store.js';
import type { FeedEvent } from '../tencent/webhook/schemas.js';
import { type PlannedPost, planPosts } from './batch.js';
import { renderEventDetails, renderRecalledNotice, renderThreadReply } from './render.js';

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

/** One unit of delivery: the events it carries and how to hand them to Slack. */
interface DeliveryJob {
  eventIds: string[];
  method: string;
  send(): Promise<void>;
  /** A simpler form to try once if Slack refuses this one's payload. */
  fallback?: (reason: string) => DeliveryJob;
}

/** A recall of sent Official Account messages whose posts we know: told on those posts. */
interface LinkedWithdrawal {
  queued: QueuedEvent;
  links: { msgKey: string; link: PostLink }[];
  /** Keys without a post of their own: they still need a regular feed post. */
  unlinked: string[];
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
      try {
        await this.deliverBatch(await this.options.store.claim(this.batchSize, 500));
      } catch (error) {
        this.options.logger.error('could not read the queue', { error });
        await sleep(1000, this.stopController.signal);
      }
    }
  }

  private async deliverBatch(events: QueuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const linked = await this.findLinkedWithdrawals(events);
    const byId = new Map(events.map((e) => [e.id, e]));
    const jobs: DeliveryJob[] = [];
    for (const item of linked.values()) jobs.push(this.threadJob(item));
    const toPost = events.filter(
      (e) => !linked.has(e.id) || (linked.get(e.id)?.unlinked.length ?? 0) > 0,
    );
    for (const post of planPosts(toPost)) jobs.push(this.postJob(post, byId));
    for (const job of jobs) {
      if (!(await this.deliver(job, byId))) return;
    }
  }

  /** Official Account recalls whose sent messages have feed posts. */
  private async findLinkedWithdrawals(
    events: QueuedEvent[],
  ): Promise<Map<string, LinkedWithdrawal>> {
    const out = new Map<string, LinkedWithdrawal>();
    for (const queued of events) {
      const body = queued.event.body;
      if (body.CallbackCommand !== 'OfficialAccount.CallbackAfterMsgWithDraw') continue;
      const links: LinkedWithdrawal['links'] = [];
      const unlinked: string[] = [];
      for (const { MsgKey } of body.WithdrawMsgList) {
        const link = await this.options.store.getPostLink(
          officialPostKey(body.Official_Account, MsgKey),
        );
        if (link) links.push({ msgKey: MsgKey, link });
        else unlinked.push(MsgKey);
      }
      if (links.length > 0) out.set(queued.id, { queued, links, unlinked });
    }
    return out;
  }

  /** Updates each original post in place and tells the recall in its thread. */
  private threadJob(item: LinkedWithdrawal): DeliveryJob {
    const { slack } = this.options;
    const withdraw = item.queued.event;
    // When the event also needs a regular post, that post acknowledges it.
    const eventIds = item.unlinked.length > 0 ? [] : [item.queued.id];
    return {
      eventIds,
      method: 'chat.update',
      send: async () => {
        for (const { msgKey, link } of item.links) {
          const original: FeedEvent = link.event ?? withdraw;
          await slack.chat.update({
            channel: link.channel,
            ts: link.ts,
            ...renderRecalledNotice(original, withdraw, msgKey),
          });
          await slack.chat.postMessage({
            channel: link.channel,
            thread_ts: link.ts,
            ...renderThreadReply(withdraw),
            unfurl_links: false,
            unfurl_media: false,
          });
        }
      },
    };
  }

  private postJob(post: PlannedPost, events: EventsById): DeliveryJob {
    const { slack, channel, store, logger } = this.options;
    return {
      eventIds: post.eventIds,
      method: post.file ? 'files.uploadV2' : 'chat.postMessage',
      fallback: (reason) => this.postJob(plainFallback(post, events, reason), events),
      send: async () => {
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
        const event = events.get(post.eventIds[0] ?? '')?.event;
        if (
          post.eventIds.length === 1 &&
          answer.ts &&
          event?.body.CallbackCommand === 'OfficialAccount.CallbackAfterSendMsg'
        ) {
          // The post is out: failing to remember it must not post it again.
          await store
            .savePostLink(officialPostKey(event.body.Official_Account, event.body.MsgKey), {
              channel: answer.channel ?? channel,
              ts: answer.ts,
              event,
            })
            .catch((error: unknown) => logger.error('could not remember the feed post', { error }));
        }
      },
    };
  }

  /** Sends until Slack accepts; `false` when stopped first (the events stay in the store). */
  private async deliver(planned: DeliveryJob, events: EventsById): Promise<boolean> {
    const { logger, metrics, health, store } = this.options;
    let job = planned;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await job.send();
      } catch (error) {
        const failure = classifySlackError(error);
        metrics.slackErrors.inc({ method: job.method, error: failure.reason });
        const context = { reason: failure.reason, events: job.eventIds.length };
        if (failure.kind === 'payload' && job === planned && job.fallback) {
          logger.warn('Slack refused the formatted post; sending it as text and a file', context);
          job = job.fallback(failure.reason);
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
            ...context,
            retryInMs: waitMs,
          });
        } else {
          logger.warn('Slack post failed; will retry', { ...context, retryInMs: waitMs });
        }
        await sleep(waitMs, this.stopController.signal);
        continue;
      }
      health.clearSlackProblem();
      await store.ack(job.eventIds);
      const now = Date.now();
      for (const id of job.eventIds) {
        const queued = events.get(id);
        if (queued) metrics.deliveryLatency.observe((now - queued.event.receivedAt) / 1000);
      }
      metrics.delivered.inc(job.eventIds.length);
      return true;
    }
    return false;
  }
}

/** The last resort when Slack refuses our blocks: plain text, every event in the file. */
function plainFallback(planned: PlannedPost, events: EventsById, reason: string): PlannedPost {
  const included = planned.eventIds.flatMap((id) => events.get(id) ?? []);
  const summary = `${included.length} recall event(s). Slack refused the formatted post (\`${reason}\`), so every detail is in the attached file.`;
  return {
    eventIds: planned.eventIds,
    text: summary,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: summary } }],
    file: {
      filename: `recall-events-${planned.eventIds[0] ?? 'batch'}.txt`,
      title: `${included.length} recall events`,
      content: included.map((e) => renderEventDetails(e.event)).join('\n\n'),
    },
  };
}
