import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FEED_POST_EVENT_TYPE } from '../../../src/feed/reconcile.js';
import { attemptOf, type FeedWrite, markedFileName, sendWrite } from '../../../src/feed/writes.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createDeliveryClient } from '../../../src/slack/web-client.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.js';
import { CHANNEL } from '../../helpers/app.js';

const content = {
  text: 'one recall',
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'one *recall*' } }],
};

function write(rest: Partial<FeedWrite> & Pick<FeedWrite, 'kind'>): FeedWrite {
  return { id: 'w-1', channel: CHANNEL, content, eventIds: ['e1'], delivers: true, ...rest };
}

describe('markedFileName', () => {
  it('names the file after the write, keeping only safe characters', () => {
    expect(markedFileName('abc-123')).toBe('recall-events-abc-123.txt');
    expect(markedFileName('e1:update:17.5/x y')).toBe('recall-events-e1_update_17.5_x_y.txt');
  });
});

describe('attemptOf', () => {
  it('records a message before it is made', () => {
    expect(attemptOf(write({ kind: 'message' }), 1_000)).toEqual({
      id: 'w-1',
      eventIds: ['e1'],
      kind: 'message',
      channel: CHANNEL,
      delivers: true,
      state: 'started',
      startedAt: 1_000,
    });
  });

  it('keeps the step, the thread of a reply and the file name of a file', () => {
    const reply = attemptOf(write({ kind: 'reply', ts: '1.5', step: 'reply:1.5' }), 2);
    expect(reply).toMatchObject({ step: 'reply:1.5', threadTs: '1.5', kind: 'reply' });
    expect(reply.fileName).toBeUndefined();
    const file = attemptOf(write({ kind: 'file' }), 2);
    expect(file.fileName).toBe(markedFileName('w-1'));
    expect(file.threadTs).toBeUndefined();
    // An update has no thread: its `ts` is the post it changes.
    expect(attemptOf(write({ kind: 'update', ts: '1.5' }), 2).threadTs).toBeUndefined();
  });
});

describe('sendWrite', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => slack.reset());
  const client = () => createDeliveryClient('xoxb-test-token', slack.apiUrl, createMetrics());

  it('posts a message marked with the write, without unfurls, and tells its ts', async () => {
    const { ts } = await sendWrite(client(), write({ kind: 'message' }));
    const [message] = slack.messages;
    expect(message?.ts).toBe(ts);
    expect(message?.text).toBe('one recall');
    expect(message?.metadata).toEqual({
      event_type: FEED_POST_EVENT_TYPE,
      event_payload: { attempt: 'w-1' },
    });
    const call = slack.calls.find((c) => c.method === 'chat.postMessage');
    // Form-encoded on the wire: the fake sees strings.
    expect(call?.args).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
  });

  it('replies in the thread of its post, and updates a post in place', async () => {
    const { ts } = await sendWrite(client(), write({ kind: 'message' }));
    const reply = await sendWrite(client(), write({ id: 'w-2', kind: 'reply', ts: ts ?? '' }));
    expect(slack.messages.find((m) => m.ts === reply.ts)?.thread_ts).toBe(ts);

    const changed = { text: 'Recalled — one recall', blocks: content.blocks };
    const updated = await sendWrite(
      client(),
      write({ id: 'w-3', kind: 'update', ts: ts ?? '', content: changed }),
    );
    expect(updated.ts).toBe(ts);
    const post = slack.messages.find((m) => m.ts === ts);
    expect(post?.text).toBe('Recalled — one recall');
    expect(post?.updated).toBe(1);
  });

  it('shares a file under its marked name, with the blocks', async () => {
    await sendWrite(
      client(),
      write({ kind: 'file', file: { title: '2 events — full details', content: 'all of it' } }),
    );
    const [message] = slack.messages;
    expect(message?.files).toEqual([
      expect.objectContaining({
        filename: markedFileName('w-1'),
        title: '2 events — full details',
        content: 'all of it',
      }),
    ]);
    expect(message?.blocks).toHaveLength(1);
  });

  it("throws Slack's refusal", async () => {
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await expect(sendWrite(client(), write({ kind: 'message' }))).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(slack.messages).toEqual([]);
  });
});
