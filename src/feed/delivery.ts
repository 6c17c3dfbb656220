import type { Logger } from '../log.js';
import type { PostLinks } from '../store/post-links.js';
import type { EventQueue, QueuedEvent } from '../store/queue.js';
import { planPosts } from './batch.js';
import type { LinkedWork } from './linked-lane.js';
import { sentPostKey, withdrawnPostKeys } from './links.js';
import type { PlannedPost } from './post.js';
import type { Reconciler } from './reconcile.js';
import { isSend } from './sends.js';
import { settleAttempts } from './settle.js';

export interface BatchDeliveryOptions {
  queue: EventQueue;
  links: Pick<PostLinks, 'getPostLink'>;
  reconciler: Reconciler;
  logger: Logger;
  /** Makes one planned post of `events` (splitting it when Slack keeps refusing it). */
  deliverPost: (post: PlannedPost, events: readonly QueuedEvent[]) => Promise<void>;
  /** Hands a recall of posted sends to the linked lane, which updates their posts. */
  handOn: (work: LinkedWork) => void;
  /** Most recalls taken at once between the posts of a round. */
  batchSize: number;
}

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
 * What delivering a claimed batch means, exactly once: it is settled first (`settleAttempts`:
 * writes never heard back about are looked for in the channel), then planned into posts
 * (recalls first, sends grouped per account); recalls of posted sends go to the linked lane,
 * those of sends posted in the same round only once the round's posts are out; recalls that
 * arrive while a round's posts go out are delivered between them.
 */
export class BatchDelivery {
  constructor(private readonly options: BatchDeliveryOptions) {}

  /**
   * One claimed batch, and the batches claimed while its posts go out. `held` loses the events
   * delivered or handed on and gains those claimed meanwhile: what is left is released on failure.
   */
  async deliver(events: readonly QueuedEvent[], held: Set<string>): Promise<void> {
    const round: Round = { unfinished: held, sent: new Set(), deferred: [], nested: false };
    await this.deliverRound(events, round);
    // Only now: a recall of a send posted in this round finds the send's post.
    for (const work of round.deferred) this.handOn(work, held);
  }

  private async deliverRound(events: readonly QueuedEvent[], round: Round): Promise<void> {
    const done = await settleAttempts(
      this.options,
      this.options.reconciler,
      events,
      round.unfinished,
    );
    const remaining = events.filter((e) => round.unfinished.has(e.id));
    for (const key of remaining.flatMap((e) => sentPostKey(e.event) ?? [])) round.sent.add(key);
    const now: QueuedEvent[] = [];
    for (const queued of remaining) {
      const touched = await this.touchedPosts(queued, round.sent);
      const work = { event: queued, done: done.get(queued.id) ?? [] };
      if (touched === 'posted') this.handOn(work, round.unfinished);
      else if (touched === 'to_post') round.deferred.push(work);
      else now.push(queued);
    }
    const posts = planPosts(now);
    for (const [i, post] of posts.entries()) {
      await this.options.deliverPost(post, now);
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
    const { queue, batchSize } = this.options;
    const arrived = await queue.claim(batchSize, 0);
    if (arrived.length === 0) return;
    for (const e of arrived) round.unfinished.add(e.id);
    const sends = arrived.filter((e) => isSend(e.event)).map((e) => e.id);
    if (sends.length > 0) {
      await queue.release(sends);
      for (const id of sends) round.unfinished.delete(id);
    }
    const recalls = arrived.filter((e) => !isSend(e.event));
    if (recalls.length > 0) await this.deliverRound(recalls, { ...round, nested: true });
  }

  private handOn(work: LinkedWork, unfinished: Set<string>): void {
    unfinished.delete(work.event.id);
    this.options.handOn(work);
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
}
