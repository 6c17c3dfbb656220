import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkedWithdrawalJob, postJob, postWrite } from '../../../src/feed/jobs.js';
import { groupKey, officialPostKey } from '../../../src/feed/links.js';
import { singleEventPost } from '../../../src/feed/post.js';
import { newJobState, type WriteOutcome } from '../../../src/feed/runner.js';
import { compactSend } from '../../../src/feed/sends.js';
import type { FeedWrite } from '../../../src/feed/writes.js';
import type { QueuedEvent } from '../../../src/store/queue.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { CHANNEL } from '../../helpers/app.js';
import { c2cOf, sendOf, withdrawalOf } from '../../helpers/feed.js';
import { feedEvent } from '../../helpers/render.js';
import { tempDirs } from '../../helpers/sqlite-store.js';

const ACCOUNT = sendOf('x').Official_Account;

function queued(id: string, body: object): QueuedEvent {
  return { id, event: feedEvent(body), enqueuedAt: 0 };
}

/** Records the writes a job makes; answers each as `outcomes` says (by step), else posted. */
class RecordingRunner {
  readonly writes: FeedWrite[] = [];
  readonly outcomes = new Map<string, WriteOutcome>();

  async run(write: FeedWrite): Promise<WriteOutcome> {
    this.writes.push(write);
    return this.outcomes.get(write.step ?? write.id) ?? { outcome: 'posted', ts: '900.1' };
  }

  get steps(): (string | undefined)[] {
    return this.writes.map((w) => w.step);
  }
}

describe('postWrite and postJob', () => {
  it('make one message delivering the post’s events, without links for other events', async () => {
    const c2c = queued('e1', c2cOf('1_1_1'));
    const post = singleEventPost(c2c, 'post-1');
    const write = postWrite(post, new Map([['e1', c2c.event]]), CHANNEL);
    expect(write).toMatchObject({
      id: 'post-1',
      kind: 'message',
      channel: CHANNEL,
      content: { text: post.text, blocks: post.blocks },
      eventIds: ['e1'],
      delivers: true,
    });
    expect(write.links).toBeUndefined();

    const job = postJob(post, new Map([['e1', c2c.event]]), CHANNEL);
    expect(job.acksItself).toBe(true);
    expect(job.eventIds).toEqual(['e1']);
    const runner = new RecordingRunner();
    await job.run(runner, newJobState());
    expect(runner.writes.map((w) => w.id)).toEqual(['post-1']);
  });

  it('attach the post’s file, and link a send to its post once the ts is known', () => {
    const send = queued('s1', sendOf('5_1_1'));
    const post = {
      ...singleEventPost(send, 'post-2'),
      sends: true,
      file: { title: 'details', content: 'all' },
    };
    const write = postWrite(post, new Map([['s1', send.event]]), CHANNEL);
    expect(write.kind).toBe('file');
    expect(write.file).toEqual({ title: 'details', content: 'all' });
    expect(write.links?.('1.5')).toEqual([
      {
        key: officialPostKey(ACCOUNT, '5_1_1'),
        link: { channel: CHANNEL, ts: '1.5', event: compactSend(send.event) },
      },
    ]);
    expect(write.links?.(undefined)).toEqual([]);
  });

  it('fall back once to plain text with every event in the file', () => {
    const events = [queued('e1', c2cOf('1_1_1')), queued('e2', c2cOf('2_1_1'))];
    const byId = new Map(events.map((e) => [e.id, e.event]));
    const post = { ...singleEventPost(events[0] as QueuedEvent, 'post-3'), eventIds: ['e1', 'e2'] };
    const plain = postWrite(post, byId, CHANNEL).fallback?.('invalid_blocks');
    expect(plain?.id).not.toBe('post-3');
    expect(plain?.kind).toBe('file');
    expect(plain?.eventIds).toEqual(['e1', 'e2']);
    expect(plain?.content.text).toBe(
      '2 recall event(s). Slack refused the formatted post (`invalid_blocks`), so every detail is in the attached file.',
    );
    expect(plain?.file?.content).toContain('1_1_1');
    expect(plain?.file?.content).toContain('2_1_1');
    expect(plain?.fallback).toBeUndefined();
  });
});

describe('linkedWithdrawalJob', () => {
  const newDir = tempDirs('recall-bot-jobs-');
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore({ dataDir: newDir() });
  });
  afterEach(async () => {
    await store.close();
  });

  /** The post of one send, as the feed remembers it. */
  async function postedAlone(msgKey: string, ts: string): Promise<void> {
    await store.links.savePostLink(officialPostKey(ACCOUNT, msgKey), {
      channel: CHANNEL,
      ts,
      event: compactSend(feedEvent(sendOf(msgKey))),
    });
  }

  async function run(withdrawal: QueuedEvent, runner = new RecordingRunner()) {
    const job = linkedWithdrawalJob(withdrawal, store.links, CHANNEL);
    expect(job.acksItself).toBe(false);
    expect(job.eventIds).toEqual([withdrawal.id]);
    await job.run(runner, newJobState());
    return runner;
  }

  it('does nothing for an event that withdraws no sends', async () => {
    expect((await run(queued('w1', c2cOf('1_1_1')))).writes).toEqual([]);
  });

  it('updates the post in place and tells the recall in its thread', async () => {
    await postedAlone('1_1_1', '10.1');
    const runner = await run(queued('w1', withdrawalOf(['1_1_1'])));
    expect(runner.steps).toEqual(['update:10.1', 'reply:10.1']);
    const [update, reply] = runner.writes;
    expect(update).toMatchObject({
      id: 'w1:update:10.1',
      kind: 'update',
      channel: CHANNEL,
      ts: '10.1',
      eventIds: ['w1'],
      delivers: false,
    });
    expect(update?.content.text).toMatch(/^Recalled — /);
    expect(reply).toMatchObject({ id: 'w1:reply:10.1', kind: 'reply', ts: '10.1' });
    expect(reply?.content.text).toContain(':no_entry: Recalled');
  });

  it('posts the recall instead when its post is gone, and keys never posted in one post', async () => {
    await postedAlone('1_1_1', '10.1');
    await postedAlone('2_1_1', '20.1');
    const runner = new RecordingRunner();
    runner.outcomes.set('update:10.1', { outcome: 'gone', reason: 'message_not_found' });
    runner.outcomes.set('reply:20.1', { outcome: 'gone', reason: 'thread_not_found' });
    await run(queued('w1', withdrawalOf(['1_1_1', '2_1_1', '3_1_1', '4_1_1'])), runner);
    expect(runner.steps).toEqual([
      'update:10.1',
      'instead:10.1',
      'update:20.1',
      'reply:20.1',
      'instead:20.1',
      'post',
    ]);
    const instead = runner.writes[1];
    expect(instead?.kind).toBe('message');
    expect(JSON.stringify(instead?.content.blocks)).toContain(
      'is gone or can no longer be changed',
    );
    expect(JSON.stringify(instead?.content.blocks)).toContain('message_not_found');
    const post = runner.writes.at(-1);
    expect(JSON.stringify(post?.content.blocks)).toContain('3_1_1');
    expect(JSON.stringify(post?.content.blocks)).not.toContain('1_1_1');
    // Each post of the recall falls back to plain text under a step of its own.
    expect(post?.fallback?.('invalid_blocks').step).toBe('post:plain');
  });

  it('marks recalled sends of a group post, keeping earlier marks', async () => {
    const group = groupKey('g1');
    const sends = ['1_1_1', '2_1_1', '3_1_1'].map((k) => compactSend(feedEvent(sendOf(k))));
    await store.links.savePostLink(group, { channel: CHANNEL, ts: '30.1', sends });
    for (const key of ['1_1_1', '2_1_1']) {
      await store.links.savePostLink(officialPostKey(ACCOUNT, key), {
        channel: CHANNEL,
        ts: '30.1',
        group,
      });
    }
    await store.links.addRecalled(group, ['3_1_1']);
    const runner = await run(queued('w1', withdrawalOf(['1_1_1'])));
    expect(runner.steps).toEqual(['update:30.1', 'reply:30.1']);
    expect(await store.links.addRecalled(group, [])).toEqual(
      expect.arrayContaining(['1_1_1', '3_1_1']),
    );
    const blocks = JSON.stringify(runner.writes[0]?.content.blocks);
    expect(blocks.match(/Recalled\* ·/g)).toHaveLength(2);
    expect(runner.writes[0]?.content.text).toMatch(/^Recalled — /);
  });

  it('posts the recall on its own when the group record of its post is lost', async () => {
    await store.links.savePostLink(officialPostKey(ACCOUNT, '1_1_1'), {
      channel: CHANNEL,
      ts: '40.1',
      group: groupKey('lost'),
    });
    const runner = await run(queued('w1', withdrawalOf(['1_1_1'])));
    expect(runner.steps).toEqual(['post']);
  });
});
