import { describe, expect, it } from 'vitest';
import { type PostLimits, planPosts, SLACK_POST_LIMITS } from '../../../src/feed/batch.js';
import type { PlannedPost } from '../../../src/feed/post.js';
import { renderEventDetails } from '../../../src/feed/render/details.js';
import { renderEvent } from '../../../src/feed/render/event.js';
import { feedEventSchema } from '../../../src/kinds/feed-event.js';
import type { WebhookBody } from '../../../src/kinds/registry.js';
import { FEED_RECALL_ACTION_ID, FEED_RECALL_ALL_ACTION_ID } from '../../../src/slack/ids.js';
import { inlineCode } from '../../../src/slack/text.js';
import type { QueuedEvent } from '../../../src/store/queue.js';
import { textsOfBlock } from '../../helpers/blocks.js';
import { samples } from '../../helpers/tencent-samples.js';

const BASE_TIME = 1_700_000_000_000;

function queued(id: string, body: object, at = BASE_TIME): QueuedEvent {
  return {
    id,
    enqueuedAt: at,
    event: feedEventSchema.parse({
      body: { ...body, EventTime: at },
      receivedAt: at,
      platform: 'Android',
      clientIp: '198.51.100.9',
    }),
  };
}

const c2c = (id: string, from: string, to: string, key: string) =>
  queued(id, { ...samples.c2c, From_Account: from, To_Account: to, MsgKey: key });
const group = (id: string, groupId: string, seqs: number[]) =>
  queued(id, {
    ...samples.group,
    GroupId: groupId,
    MsgSeqList: seqs.map((MsgSeq) => ({ MsgSeq, MsgId: `mid-${MsgSeq}` })),
  });
const official = (id: string, account: string, keys: string[]) =>
  queued(id, {
    ...samples.official,
    Official_Account: account,
    WithdrawMsgList: keys.map((MsgKey) => ({ MsgKey })),
  });
const sent = (id: string, key: string) => queued(id, { ...samples.officialSend, MsgKey: key });

// ---------------------------------------------------------------------------------------------
// What every plan must satisfy

const textsOf = textsOfBlock;

function expectWithinLimits(post: PlannedPost, limits: PostLimits): void {
  expect(post.blocks.length).toBeGreaterThan(0);
  expect(post.blocks.length).toBeLessThanOrEqual(limits.maxBlocks);
  let total = 0;
  for (const block of post.blocks) {
    for (const text of textsOf(block)) {
      expect(text.length).toBeGreaterThan(0);
      total += text.length;
    }
    if (block.type === 'section') {
      expect(block.text?.text.length).toBeLessThanOrEqual(limits.maxSectionChars);
    }
    if (block.type === 'header') {
      expect(block.text.text.length).toBeLessThanOrEqual(limits.maxHeaderChars);
    }
    if (block.type === 'context') {
      for (const text of textsOf(block)) expect(text.length).toBeLessThanOrEqual(3000);
    }
  }
  expect(total).toBeLessThanOrEqual(limits.maxMessageChars);
  const blockIds = post.blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
  expect(new Set(blockIds).size).toBe(blockIds.length);
  expect(post.text.length).toBeGreaterThan(0);
}

/** The identifiers a moderator needs to find an event: keys, sequence numbers, message ids. */
function identifiersOf(body: WebhookBody): string[] {
  switch (body.CallbackCommand) {
    case 'C2C.CallbackAfterMsgWithDraw':
      return [body.MsgKey];
    case 'Group.CallbackAfterRecallMsg':
      return body.MsgSeqList.flatMap((m) => [String(m.MsgSeq), ...(m.MsgId ? [m.MsgId] : [])]);
    case 'OfficialAccount.CallbackAfterMsgWithDraw':
      return body.WithdrawMsgList.map((m) => m.MsgKey);
    case 'OfficialAccount.CallbackAfterSendMsg':
      return [body.MsgKey];
  }
}

/** As the identifier appears in the blocks' JSON: inline code, escaped. */
function inBlocks(id: string): string {
  return JSON.stringify(inlineCode(id)).slice(1, -1);
}

/** The event is in the file in full, or each of its identifiers is in the blocks. */
function isVisible(post: PlannedPost, event: QueuedEvent): boolean {
  if (post.file?.content.includes(renderEventDetails(event.event))) return true;
  const json = JSON.stringify(post.blocks);
  return identifiersOf(event.event.body).every((id) => json.includes(inBlocks(id)));
}

function expectEveryEventOnce(posts: PlannedPost[], events: QueuedEvent[]): void {
  const ids = posts.flatMap((p) => p.eventIds);
  expect([...ids].sort()).toEqual(events.map((e) => e.id).sort());
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const post of posts) {
    for (const id of post.eventIds) {
      const event = byId.get(id);
      expect(event).toBeDefined();
      if (event) expect(isVisible(post, event), `event ${id}`).toBe(true);
    }
  }
}

function sections(post: PlannedPost): string[] {
  return post.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

// ---------------------------------------------------------------------------------------------

describe('planPosts', () => {
  it('plans nothing for no events', () => {
    expect(planPosts([])).toEqual([]);
  });

  it('posts one event as its own message, without a file', () => {
    const event = queued('e1', samples.group);
    const posts = planPosts([event]);
    expect(posts).toHaveLength(1);
    const [post] = posts;
    const rendered = renderEvent(event.event);
    expect(post).toEqual({
      id: expect.any(String),
      eventIds: ['e1'],
      text: rendered.text,
      blocks: rendered.blocks,
    });
  });

  it('attaches the details to one event whose list overflowed', () => {
    const seqs = Array.from({ length: 1000 }, (_, i) => i + 1);
    const event = group('big', 'g1', seqs);
    const [post, ...rest] = planPosts([event]);
    expect(rest).toHaveLength(0);
    expect(post?.file?.content).toContain(renderEventDetails(event.event));
    expect(post?.file?.title).toBe('1 event — full details');
    expectWithinLimits(post as PlannedPost, SLACK_POST_LIMITS);
  });

  it('groups 3 events in 2 conversations into one digest, a C2C pair in both directions', () => {
    const events = [
      c2c('a', 'alice', 'bob', '1_1_1'),
      group('b', 'g1', [5]),
      c2c('c', 'bob', 'alice', '2_2_2'),
    ];
    const posts = planPosts(events);
    expect(posts).toHaveLength(1);
    const [post] = posts as [PlannedPost];
    expect(post.file).toBeUndefined();
    expect(post.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: '3 recall events · 2 conversations' },
    });
    const [pair, place] = sections(post);
    expect(pair).toContain('*One-to-one*');
    expect(pair).toContain('2 events');
    expect(pair).toContain('`alice` → `bob` · `1_1_1`');
    expect(pair).toContain('`bob` → `alice` · `2_2_2`');
    expect(place).toContain('`g1`');
    expect(place).toContain('MsgSeq `5` (`mid-5`)');
    expectWithinLimits(post, SLACK_POST_LIMITS);
    expectEveryEventOnce(posts, events);
  });

  it('shows the time range of a digest as date tokens', () => {
    const events = [
      official('x', 'acc', ['1_1_1']),
      queued(
        'y',
        { ...samples.official, WithdrawMsgList: [{ MsgKey: '2_2_2' }] },
        BASE_TIME + 60_000,
      ),
    ];
    const [post] = planPosts(events);
    const summary = JSON.stringify(post?.blocks[1]);
    expect(summary).toContain('<!date^1700000000^');
    expect(summary).toContain('<!date^1700000060^');
  });

  it('puts a 500-event burst in 50 conversations in one message and one file', () => {
    const events: QueuedEvent[] = [];
    for (let i = 0; i < 500; i++) {
      const conversation = i % 50;
      const id = `ev${i}`;
      if (conversation < 20) events.push(c2c(id, `u${conversation}`, 'mod', `${i}_7_1698741698`));
      else if (conversation < 35) events.push(group(id, `group${conversation}`, [100_000 + i]));
      else events.push(official(id, `#TOA#_${conversation}`, [`${i}_9_1698741698`]));
    }
    const posts = planPosts(events);
    expect(posts).toHaveLength(1);
    const [post] = posts as [PlannedPost];
    expectWithinLimits(post, SLACK_POST_LIMITS);
    expect(post.blocks[0]).toMatchObject({
      text: { text: '500 recall events · 50 conversations' },
    });
    expect(post.file).toBeDefined();
    for (const event of events) {
      expect(post.file?.content).toContain(renderEventDetails(event.event));
    }
    expect(JSON.stringify(post.blocks)).toContain('full list in the attached file');
    expectEveryEventOnce(posts, events);
  });

  it('puts 500 events in 500 conversations in one message and one file', () => {
    const events = Array.from({ length: 500 }, (_, i) =>
      c2c(`e${i}`, `user${i}`, `peer${i}`, `${i}_1_1698741698`),
    );
    const posts = planPosts(events);
    expect(posts).toHaveLength(1);
    const [post] = posts as [PlannedPost];
    expectWithinLimits(post, SLACK_POST_LIMITS);
    const shownConversations = sections(post).length;
    expect(shownConversations).toBeGreaterThan(10);
    expect(JSON.stringify(post.blocks.at(-1))).toContain(
      `… and ${500 - shownConversations} more events in ${500 - shownConversations} conversations`,
    );
    expectEveryEventOnce(posts, events);
  });

  it('fills one busy conversation up to the section limit, and no further', () => {
    const events = Array.from({ length: 200 }, (_, i) =>
      official(`o${i}`, 'acc', [`${i}_1_1698741698`]),
    );
    const [post, ...rest] = planPosts(events);
    expect(rest).toHaveLength(0);
    const [only, ...others] = sections(post as PlannedPost);
    expect(others).toHaveLength(0);
    expect(only?.length).toBeLessThanOrEqual(3000);
    expect(only?.length).toBeGreaterThan(2500);
    expect(only).toMatch(/… and \d+ more in the attached file/);
    expectEveryEventOnce(post ? [post] : [], events);
  });

  it('shows every conversation its first events before any shows more', () => {
    const events = [
      ...Array.from({ length: 300 }, (_, i) => c2c(`a${i}`, 'alice', 'bob', `${i}_1_1`)),
      c2c('z', 'carol', 'dave', 'only_1_1'),
    ];
    const [post] = planPosts(events);
    expect(post?.file).toBeDefined();
    const [busy, quiet] = sections(post as PlannedPost);
    expect(busy).toMatch(/… and \d+ more in the attached file/);
    expect(quiet).toContain('`only_1_1`');
    expectEveryEventOnce(post ? [post] : [], events);
  });

  it('posts recalls first, then sends grouped per account, each send recallable alone', () => {
    const events = [
      c2c('r1', 'alice', 'bob', '1_1_1'),
      sent('s1', '10_1_1698741698'),
      group('r2', 'g1', [1, 2]),
      sent('s2', '11_1_1698741698'),
      official('r3', 'acc', ['12_1_1698741698']),
      queued('t1', { ...samples.officialSend, Official_Account: '@TOA#_other', MsgKey: '13_1_1' }),
    ];
    const posts = planPosts(events);
    expect(posts.map((p) => p.eventIds)).toEqual([['r1', 'r2', 'r3'], ['s1', 's2'], ['t1']]);
    expect(posts.map((p) => Boolean(p.sends))).toEqual([false, true, true]);
    expect(JSON.stringify(posts[0]?.blocks)).not.toContain(FEED_RECALL_ACTION_ID);
    const grouped = JSON.stringify(posts[1]?.blocks);
    expect(grouped.split(`"action_id":"${FEED_RECALL_ACTION_ID}"`)).toHaveLength(3);
    expect(grouped).toContain(`"action_id":"${FEED_RECALL_ALL_ACTION_ID}"`);
    expect(grouped).toContain('Recall all 2 messages?');
    expect(grouped).toContain(JSON.stringify(JSON.stringify({ group: posts[1]?.id })).slice(1, -1));
    expect(JSON.stringify(posts[2]?.blocks)).toContain(FEED_RECALL_ACTION_ID);
    expect(JSON.stringify(posts[2]?.blocks)).not.toContain(FEED_RECALL_ALL_ACTION_ID);
    expectEveryEventOnce(posts, events);
  });

  it('puts a burst of 2,500 sends of one account in three posts, every send in one', () => {
    const events = Array.from({ length: 2500 }, (_, i) => sent(`s${i}`, `${i}_1_1698741698`));
    const posts = planPosts(events);
    expect(posts.map((p) => p.eventIds.length)).toEqual([1000, 1000, 500]);
    for (const post of posts) {
      expectWithinLimits(post, SLACK_POST_LIMITS);
      expect(post.file?.content).toBeDefined();
      expect(JSON.stringify(post.blocks)).toContain(`Recall all ${post.eventIds.length}`);
    }
    expectEveryEventOnce(posts, events);
  });

  it('posts one recall alone beside sent messages', () => {
    const events = [sent('s1', '10_1_1698741698'), official('r1', 'acc', ['1_1_1'])];
    const posts = planPosts(events);
    expect(posts.map((p) => p.eventIds)).toEqual([['r1'], ['s1']]);
    expect(posts[0]?.blocks).toEqual(renderEvent(events[1]?.event ?? sent('x', 'y').event).blocks);
  });

  it('attaches the file when an identifier had to be shortened, even if all events fit', () => {
    const long = 'k'.repeat(250);
    const events = [c2c('a', 'alice', 'bob', long), c2c('b', 'alice', 'bob', '2_2_2')];
    const [post] = planPosts(events);
    expect(post?.file?.content).toContain(long);
    expect(JSON.stringify(post?.blocks)).toContain('shortened');
    expectEveryEventOnce(post ? [post] : [], events);
  });
});

// ---------------------------------------------------------------------------------------------
// Random mixes

/** A small seeded generator (mulberry32), so a failing mix can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'b', 'Z', '9', '_', '#', '@', '&', '<', '>', '`', '*', '😀', '中'];

function randomMix(seed: number): QueuedEvent[] {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const name = (prefix: string) => {
    if (next() < 0.05)
      return `${prefix}${Array.from({ length: 100 + int(150) }, () => pick(ALPHABET)).join('')}`;
    return `${prefix}${int(next() < 0.5 ? 5 : 200)}`;
  };
  const count = pick([0, 1, 2, 3, 10, 60, 200, 700]);
  return Array.from({ length: count }, (_, i) => {
    const id = `m${seed}-${i}`;
    const at = BASE_TIME + int(3_600_000);
    const key = `${i}_${seed}_${int(1e9)}`;
    switch (int(4)) {
      case 0:
        return queued(
          id,
          { ...samples.c2c, From_Account: name('u'), To_Account: name('u'), MsgKey: key },
          at,
        );
      case 1: {
        const seqs = Array.from({ length: 1 + (next() < 0.1 ? int(1000) : int(4)) }, (_, k) => ({
          MsgSeq: i * 1000 + k,
          ...(next() < 0.5 ? { MsgId: `${key}-${k}` } : {}),
        }));
        const topic = next() < 0.3 ? { TopicId: name('@TGS#_t') } : {};
        return queued(
          id,
          { ...samples.groupOld, GroupId: name('g'), MsgSeqList: seqs, ...topic },
          at,
        );
      }
      case 2: {
        const keys = Array.from({ length: 1 + (next() < 0.1 ? int(1000) : int(3)) }, (_, k) => ({
          MsgKey: `${key}_${k}`,
        }));
        return queued(
          id,
          { ...samples.official, Official_Account: name('#TOA#_'), WithdrawMsgList: keys },
          at,
        );
      }
      default:
        return queued(
          id,
          { ...samples.officialSend, Official_Account: name('@TOA#_'), MsgKey: key },
          at,
        );
    }
  });
}

function randomLimits(seed: number): PostLimits {
  if (seed % 2 === 0) return SLACK_POST_LIMITS;
  const next = random(seed * 7919);
  return {
    maxBlocks: 3 + Math.floor(next() * 48),
    maxSectionChars: 1000 + Math.floor(next() * 2001),
    maxHeaderChars: 20 + Math.floor(next() * 131),
    maxMessageChars: 3000 + Math.floor(next() * 9001),
  };
}

describe('planPosts on random mixes', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('holds the limits for mix %i', (seed) => {
    const events = randomMix(seed);
    const limits = randomLimits(seed);
    const posts = planPosts(events, limits);
    expectEveryEventOnce(posts, events);
    const digests = posts.filter((p) => p.eventIds.length > 1 && !p.sends);
    expect(digests.length).toBeLessThanOrEqual(1);
    for (const post of posts) {
      expectWithinLimits(
        post,
        post.eventIds.length > 1 && !post.sends ? limits : SLACK_POST_LIMITS,
      );
    }
    const sends = events.filter(
      (e) => e.event.body.CallbackCommand === 'OfficialAccount.CallbackAfterSendMsg',
    );
    for (const send of sends) {
      const post = posts.find((p) => p.eventIds.includes(send.id));
      expect(post?.sends).toBe(true);
      expect(post?.eventIds.every((id) => sends.some((s) => s.id === id))).toBe(true);
    }
  });
});
