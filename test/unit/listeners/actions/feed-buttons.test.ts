import { beforeEach, describe, expect, it, vi } from 'vitest';
import { groupKey } from '../../../../src/feed/links.js';
import { type FeedEvent, feedEventSchema } from '../../../../src/kinds/feed-event.js';
import { NOT_VALID } from '../../../../src/listeners/actions/click.js';
import {
  feedRecallAllButton,
  feedRecallButton,
} from '../../../../src/listeners/actions/feed-buttons.js';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import { FEED_RECALL_ALL_ACTION_ID } from '../../../../src/slack/ids.js';
import { buttonArgs } from '../../../helpers/listener-args.js';
import { FAKE_REFUSAL, FAKE_RESULTS, useListenerWorld } from '../../../helpers/listener-world.js';
import { blockActionPayload } from '../../../helpers/slack-requests.js';
import { samples } from '../../../helpers/tencent-samples.js';

const ACCOUNT = samples.officialSend.Official_Account;
const FEED = 'CFEED000001';
const ALREADY = 'This is already being recalled; the result is in the thread.';

function send(msgKey: string): FeedEvent {
  return feedEventSchema.parse({
    body: { ...samples.officialSend, MsgKey: msgKey },
    receivedAt: 1_700_000_000_000,
  });
}

describe('the buttons of feed posts', () => {
  const world = useListenerWorld();
  /** A different post for each test: their locks and links never meet. */
  let post = 0;
  beforeEach(() => {
    post += 1;
  });

  const postTs = () => `1700000000.${String(post).padStart(6, '0')}`;

  /** A click by `userId` on a button of this test's feed post. */
  const click = (actionId: string, value: string, userId = 'UMOD') =>
    blockActionPayload({
      actionId,
      value,
      userId,
      channelId: FEED,
      responseUrl: world.slack.responseUrl('feed'),
      message: { ts: postTs() },
    });

  describe('Recall (one sent message)', () => {
    const key = () => `${post}_1_1698741698`;
    const recallOne = (userId = 'UMOD') =>
      feedRecallButton(world.deps)(
        buttonArgs(
          world.fakes,
          click('feed_recall', JSON.stringify({ account: ACCOUNT, msgKey: key() }), userId),
        ),
      );

    it('acks, then recalls the message, answering in the post’s thread', async () => {
      await recallOne();
      expect(world.fakes.steps[0]).toEqual({ kind: 'ack', response: undefined });
      expect(world.fakes.acks()).toHaveLength(1);
      expect(world.recall.runs).toEqual([
        {
          pending: {
            account: ACCOUNT,
            msgKeys: [key()],
            requestedBy: 'UMOD',
            origin: { kind: 'feed', channel: FEED, threadTs: postTs() },
          },
          confirmedBy: 'UMOD',
        },
      ]);
      expect(world.fakes.calls('chat.postMessage')).toEqual([
        { channel: FEED, text: FAKE_RESULTS, thread_ts: postTs() },
      ]);
    });

    it('recalls once on a double click, telling the second clicker where the result is', async () => {
      await recallOne();
      await recallOne('UMOD2');
      expect(world.recall.runs).toHaveLength(1);
      expect(world.fakes.calls('chat.postEphemeral')).toEqual([
        { channel: FEED, user: 'UMOD2', thread_ts: postTs(), text: ALREADY },
      ]);
    });

    it('refuses a clicker who may not recall, to them alone, and keeps nobody out', async () => {
      world.recall.allows = (user) => user !== 'UGUEST';
      await recallOne('UGUEST');
      expect(world.fakes.calls('chat.postEphemeral')).toEqual([
        { channel: FEED, user: 'UGUEST', text: FAKE_REFUSAL },
      ]);
      expect(world.fakes.calls('chat.postMessage')).toEqual([]);
      await recallOne('UMOD');
      expect(world.recall.runs.map((r) => r.confirmedBy)).toEqual(['UMOD']);
    });

    it('frees the button when the recall did not start', async () => {
      world.recall.starts = false;
      await recallOne();
      world.recall.starts = true;
      await recallOne();
      expect(world.recall.runs).toHaveLength(2);
    });

    it('refuses a button whose value cannot be read, beside it', async () => {
      await feedRecallButton(world.deps)(
        buttonArgs(world.fakes, click('feed_recall', '{"account":""}')),
      );
      await feedRecallButton(world.deps)(buttonArgs(world.fakes, click('feed_recall', 'not json')));
      expect(world.recall.authorized).toEqual([]);
      expect(world.slack.responses.map((r) => r.body.text)).toEqual([NOT_VALID, NOT_VALID]);
      expect(world.fakes.acks()).toEqual([undefined, undefined]);
    });
  });

  describe('Recall all', () => {
    const group = () => `g-${post}`;
    const keys = () => [1, 2, 3].map((i) => `${post}${i}_1_1698741698`);
    const saveGroup = () =>
      world.stores.links.savePostLink(groupKey(group()), {
        channel: FEED,
        ts: postTs(),
        sends: keys().map(send),
      });
    const recallAll = (userId = 'UMOD') =>
      feedRecallAllButton(world.deps)(
        buttonArgs(
          world.fakes,
          click(FEED_RECALL_ALL_ACTION_ID, JSON.stringify({ group: group() }), userId),
        ),
      );

    it('recalls every message of the post not recalled yet', async () => {
      await saveGroup();
      await world.stores.links.addRecalled(groupKey(group()), [keys()[1] ?? '']);
      await recallAll();
      expect(world.fakes.steps[0]?.kind).toBe('ack');
      expect(world.recall.runs.map((r) => r.pending)).toEqual([
        {
          account: ACCOUNT,
          msgKeys: [keys()[0], keys()[2]],
          requestedBy: 'UMOD',
          origin: { kind: 'feed', channel: FEED, threadTs: postTs() },
        },
      ]);
    });

    it('leaves out a message whose own Recall was clicked, and recalls each message once', async () => {
      await saveGroup();
      await feedRecallButton(world.deps)(
        buttonArgs(
          world.fakes,
          click('feed_recall', JSON.stringify({ account: ACCOUNT, msgKey: keys()[0] })),
        ),
      );
      await recallAll();
      await recallAll('UMOD2');
      expect(world.recall.runs.map((r) => r.pending.msgKeys)).toEqual([
        [keys()[0]],
        [keys()[1], keys()[2]],
      ]);
      expect(world.fakes.calls('chat.postEphemeral').map((c) => c.text)).toEqual([ALREADY]);
    });

    it('says so when every message was already recalled', async () => {
      await saveGroup();
      await world.stores.links.addRecalled(groupKey(group()), keys());
      await recallAll();
      expect(world.recall.runs).toEqual([]);
      expect(world.fakes.calls('chat.postEphemeral')).toEqual([
        {
          channel: FEED,
          user: 'UMOD',
          thread_ts: postTs(),
          text: 'Every message of this post was already recalled.',
        },
      ]);
    });

    it('says the messages are no longer known when the post is forgotten', async () => {
      await recallAll();
      expect(world.recall.runs).toEqual([]);
      expect(String(world.fakes.calls('chat.postEphemeral')[0]?.text)).toMatch(/no longer known/);
    });

    it('tells the thread something failed when the post cannot be read', async () => {
      vi.spyOn(world.stores.links, 'getPostLink').mockRejectedValueOnce(new Error('disk gone'));
      await recallAll();
      expect(world.recall.runs).toEqual([]);
      expect(world.fakes.calls('chat.postMessage')).toEqual([
        { channel: FEED, text: SOMETHING_FAILED, thread_ts: postTs() },
      ]);
    });

    it('refuses a button whose value cannot be read', async () => {
      await feedRecallAllButton(world.deps)(
        buttonArgs(world.fakes, click(FEED_RECALL_ALL_ACTION_ID, JSON.stringify({ group: '' }))),
      );
      expect(world.slack.responses.map((r) => r.body.text)).toEqual([NOT_VALID]);
      expect(world.recall.authorized).toEqual([]);
    });
  });
});
