import { beforeEach, describe, expect, it } from 'vitest';
import { BatchDelivery } from '../../../src/feed/delivery.js';
import type { LinkedWork } from '../../../src/feed/linked-lane.js';
import { officialPostKey } from '../../../src/feed/links.js';
import type { PlannedPost } from '../../../src/feed/post.js';
import { postMark } from '../../../src/feed/reconcile.js';
import { silentLogger } from '../../../src/log.js';
import type { QueuedEvent } from '../../../src/store/queue.js';
import { CHANNEL } from '../../helpers/app.js';
import { c2cOf, sendOf, withdrawalOf } from '../../helpers/feed.js';
import { useFeedParts } from '../../helpers/feed-parts.js';

const ACCOUNT = sendOf('x').Official_Account;

/** The first MsgKey an event names: enough to tell the test's events apart. */
function keyOf(queued: QueuedEvent): string {
  return JSON.stringify(queued.event.body).match(/"MsgKey":"([^"]+)"/)?.[1] ?? '?';
}

describe('BatchDelivery', () => {
  const env = useFeedParts('recall-bot-delivery-');
  /** What happened, in order: `post <keys>` for each post, `lane <key>` for each hand-on. */
  let log: string[];
  let handedOn: LinkedWork[];
  /** Runs while a post goes out (before it counts as delivered). */
  let duringPost: (post: PlannedPost) => Promise<void>;
  beforeEach(() => {
    log = [];
    handedOn = [];
    duringPost = async () => {};
  });

  function delivery(): BatchDelivery {
    const { store, reconciler } = env.parts;
    return new BatchDelivery({
      queue: store.queue,
      links: store.links,
      reconciler,
      logger: silentLogger,
      deliverPost: async (post, events) => {
        const ids = new Set(post.eventIds);
        log.push(
          `post ${events
            .filter((e) => ids.has(e.id))
            .map(keyOf)
            .join(' ')}`,
        );
        await duringPost(post);
        await store.queue.ack(post.eventIds);
      },
      handOn: (work) => {
        log.push(`lane ${keyOf(work.event)}`);
        handedOn.push(work);
      },
      batchSize: 100,
    });
  }

  async function deliver(events: QueuedEvent[]): Promise<Set<string>> {
    const held = new Set(events.map((e) => e.id));
    await delivery().deliver(events, held);
    return held;
  }

  /** A send the feed already posted on its own (at ts 10.1): a recall of it is linked. */
  async function postedAlone(msgKey: string): Promise<void> {
    await env.parts.store.links.savePostLink(officialPostKey(ACCOUNT, msgKey), {
      channel: CHANNEL,
      ts: '10.1',
    });
  }

  it('plans the batch into posts, recalls first, sends per account', async () => {
    const events = await env.parts.claimed(
      sendOf('1_1_1', '@TOA#_a'),
      c2cOf('2_1_1'),
      sendOf('3_1_1', '@TOA#_b'),
      c2cOf('4_1_1'),
    );
    const held = await deliver(events);
    expect(log).toEqual(['post 2_1_1 4_1_1', 'post 1_1_1', 'post 3_1_1']);
    expect(held.size).toBe(0);
    expect(await env.parts.store.queue.pendingCount()).toBe(0);
  });

  it('hands a recall of a posted send to the linked lane at once, without a post', async () => {
    await postedAlone('1_1_1');
    const events = await env.parts.claimed(withdrawalOf(['1_1_1']), c2cOf('2_1_1'));
    const held = await deliver(events);
    expect(log).toEqual(['lane 1_1_1', 'post 2_1_1']);
    expect(handedOn.map((w) => w.event.id)).toEqual([events[0]?.id]);
    // Handed on: the lane acks it or releases it, not this batch.
    expect(held.size).toBe(0);
    expect(await env.parts.store.queue.pendingCount()).toBe(1);
  });

  it('hands a recall of a send of the same batch on only once that send is posted', async () => {
    const events = await env.parts.claimed(withdrawalOf(['5_1_1']), sendOf('5_1_1'));
    const held = await deliver(events);
    expect(log).toEqual(['post 5_1_1', 'lane 5_1_1']);
    expect(held.size).toBe(0);
  });

  it('settles first: an event whose post is found in the channel is not posted again', async () => {
    const [event] = await env.parts.claimed(c2cOf('6_1_1'));
    if (!event) throw new Error('nothing claimed');
    const attempt = {
      id: 'post-before-crash',
      eventIds: [event.id],
      kind: 'message' as const,
      channel: CHANNEL,
      delivers: true,
      state: 'started' as const,
      startedAt: Date.now(),
    };
    await env.parts.store.queue.beginAttempt(attempt);
    await env.parts.client.chat.postMessage({
      channel: CHANNEL,
      text: '6_1_1',
      metadata: postMark(attempt.id),
    });
    const held = await deliver([event]);
    expect(log).toEqual([]);
    expect(held.size).toBe(0);
    expect(await env.parts.store.queue.pendingCount()).toBe(0);
  });

  it('hands on a linked recall with the writes already done for it', async () => {
    await postedAlone('7_1_1');
    const [withdrawal] = await env.parts.claimed(withdrawalOf(['7_1_1']));
    if (!withdrawal) throw new Error('nothing claimed');
    const update = {
      id: `${withdrawal.id}:update:10.1`,
      step: 'update:10.1',
      eventIds: [withdrawal.id],
      kind: 'update' as const,
      channel: CHANNEL,
      delivers: false,
      state: 'started' as const,
      startedAt: Date.now(),
    };
    await env.parts.store.queue.beginAttempt(update);
    await env.parts.store.queue.finishAttempt(update, { outcome: 'posted', ts: '10.1' });
    await deliver([withdrawal]);
    expect(handedOn[0]?.done).toEqual([
      expect.objectContaining({ step: 'update:10.1', state: 'done', outcome: 'posted' }),
    ]);
  });

  it('delivers recalls that arrive between the posts of sends, and hands back sends', async () => {
    const events = await env.parts.claimed(sendOf('1_1_1', '@TOA#_a'), sendOf('2_1_1', '@TOA#_b'));
    let arrived = false;
    duringPost = async () => {
      if (arrived) return;
      arrived = true;
      await env.parts.enqueue(c2cOf('between_1_1'), sendOf('3_1_1', '@TOA#_c'));
    };
    const held = await deliver(events);
    expect(log).toEqual(['post 1_1_1', 'post between_1_1', 'post 2_1_1']);
    expect(held.size).toBe(0);
    // The send that arrived waits for the next batch, to be grouped with its account's.
    const next = await env.parts.store.queue.claim(10, 0);
    expect(next.map(keyOf)).toEqual(['3_1_1']);
  });

  it('keeps in held what a failed round did not deliver, recalls claimed meanwhile included', async () => {
    const events = await env.parts.claimed(sendOf('1_1_1', '@TOA#_a'), sendOf('2_1_1', '@TOA#_b'));
    let posts = 0;
    duringPost = async () => {
      posts++;
      if (posts === 1) await env.parts.enqueue(c2cOf('between_1_1'));
      if (posts === 2) throw new Error('a store write failed');
    };
    const held = new Set(events.map((e) => e.id));
    await expect(delivery().deliver(events, held)).rejects.toThrow('a store write failed');
    const pending = await env.parts.store.queue.peek([...held]);
    expect(pending.map(keyOf).sort()).toEqual(['2_1_1', 'between_1_1']);
  });
});
