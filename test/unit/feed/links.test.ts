import { describe, expect, it } from 'vitest';
import {
  findLinkedPosts,
  groupKey,
  officialPostKey,
  sendLinks,
  sendLinksOfAttempt,
  sentPostKey,
  withdrawnPostKeys,
} from '../../../src/feed/links.js';
import { compactSend } from '../../../src/feed/sends.js';
import type { FeedEvent } from '../../../src/kinds/feed-event.js';
import type { PostAttempt } from '../../../src/store/queue.js';
import { c2cOf, sendOf, withdrawalOf } from '../../helpers/feed.js';
import { feedEvent } from '../../helpers/render.js';
import { useTestStore } from '../../helpers/store.js';
import { samples } from '../../helpers/tencent-samples.js';

const ACCOUNT = samples.officialSend.Official_Account;
const send = (msgKey: string, account: string = ACCOUNT): FeedEvent =>
  feedEvent(sendOf(msgKey, account));

describe('post keys', () => {
  it('names the post of a sent message by its account and MsgKey', () => {
    expect(officialPostKey('@TOA#_1', '71_1_1698741698')).toBe('oa:@TOA#_1:71_1_1698741698');
    expect(sentPostKey(send('71_1_1698741698'))).toBe(`oa:${ACCOUNT}:71_1_1698741698`);
  });

  it('has no post key for an event that is not a send', () => {
    expect(sentPostKey(feedEvent(c2cOf('1_2_3')))).toBeUndefined();
    expect(sentPostKey(feedEvent(withdrawalOf(['1_1_1'])))).toBeUndefined();
  });

  it('gives the post keys of every message an Official Account recall withdraws', () => {
    const recall = feedEvent(withdrawalOf(['1_1_1', '2_1_1'], '@TOA#_X'));
    expect(withdrawnPostKeys(recall)).toEqual(['oa:@TOA#_X:1_1_1', 'oa:@TOA#_X:2_1_1']);
  });

  it('gives none for a recall that withdraws no sends, nor for a send', () => {
    expect(withdrawnPostKeys(feedEvent(c2cOf('1_2_3')))).toBeUndefined();
    expect(withdrawnPostKeys(feedEvent(samples.group))).toBeUndefined();
    expect(withdrawnPostKeys(send('1_1_1'))).toBeUndefined();
  });

  it('names a group record by its post', () => {
    expect(groupKey('post-7')).toBe('group:post-7');
  });
});

describe('sendLinks', () => {
  it('links one send to its post by its MsgKey, with the send compacted', () => {
    const event = send('71_1_1698741698');
    expect(sendLinks('p1', [event], 'C1', '111.222')).toEqual([
      {
        key: `oa:${ACCOUNT}:71_1_1698741698`,
        link: { channel: 'C1', ts: '111.222', event: compactSend(event) },
      },
    ]);
  });

  it('remembers nothing of one send whose post has no known ts', () => {
    expect(sendLinks('p1', [send('1_1_1')], 'C1', undefined)).toEqual([]);
  });

  it('keeps a group record of several sends, and links each MsgKey to the group', () => {
    const events = [send('1_1_1'), send('2_1_1')];
    expect(sendLinks('p2', events, 'C1', '5.5')).toEqual([
      {
        key: 'group:p2',
        link: { channel: 'C1', ts: '5.5', sends: events.map(compactSend) },
      },
      { key: `oa:${ACCOUNT}:1_1_1`, link: { channel: 'C1', ts: '5.5', group: 'group:p2' } },
      { key: `oa:${ACCOUNT}:2_1_1`, link: { channel: 'C1', ts: '5.5', group: 'group:p2' } },
    ]);
  });

  it('keeps the group record even without a ts (Recall all reads it), but no per-key links', () => {
    const events = [send('1_1_1'), send('2_1_1')];
    const links = sendLinks('p3', events, 'C1', undefined);
    expect(links).toEqual([
      { key: 'group:p3', link: { channel: 'C1', sends: events.map(compactSend) } },
    ]);
    expect(links[0]?.link).not.toHaveProperty('ts');
  });

  it('links nothing for a post of other events, or one that mixes sends with others', () => {
    expect(sendLinks('p', [], 'C1', '1.1')).toEqual([]);
    expect(sendLinks('p', [feedEvent(c2cOf('1_2_3'))], 'C1', '1.1')).toEqual([]);
    expect(sendLinks('p', [send('1_1_1'), feedEvent(c2cOf('1_2_3'))], 'C1', '1.1')).toEqual([]);
  });
});

describe('sendLinksOfAttempt', () => {
  const attempt = (fields: Partial<PostAttempt> = {}): PostAttempt => ({
    id: 'p9',
    eventIds: ['e1', 'e2'],
    kind: 'message',
    channel: 'C9',
    delivers: true,
    state: 'started',
    startedAt: 1,
    ...fields,
  });

  it('makes the links the write would have made, from the events it still finds', () => {
    const events = new Map([
      ['e1', send('1_1_1')],
      ['e2', send('2_1_1')],
    ]);
    expect(sendLinksOfAttempt(attempt(), events, '9.9')).toEqual(
      sendLinks('p9', [send('1_1_1'), send('2_1_1')], 'C9', '9.9'),
    );
    expect(sendLinksOfAttempt(attempt(), new Map([['e2', send('2_1_1')]]), '9.9')).toEqual(
      sendLinks('p9', [send('2_1_1')], 'C9', '9.9'),
    );
  });

  it('makes none for a write that delivers no events (a reply, an update)', () => {
    const events = new Map([['e1', send('1_1_1')]]);
    expect(sendLinksOfAttempt(attempt({ delivers: false }), events, '9.9')).toEqual([]);
  });
});

describe('findLinkedPosts', () => {
  const { links } = useTestStore();

  it('groups the MsgKeys of a recall by the post that shows them, the rest unlinked', async () => {
    const account = '@TOA#_FIND';
    for (const saved of [
      ...sendLinks('g', [send('1_1_1', account), send('2_1_1', account)], 'C1', '10.1'),
      ...sendLinks('s', [send('3_1_1', account)], 'C1', '10.2'),
      // A file share whose ts Slack never gave: it cannot be updated.
      { key: officialPostKey(account, '4_1_1'), link: { channel: 'C1' } },
    ]) {
      await links.savePostLink(saved.key, saved.link);
    }

    const found = await findLinkedPosts(links, account, [
      '1_1_1',
      '3_1_1',
      '2_1_1',
      '1_1_1',
      '4_1_1',
      '5_1_1',
    ]);

    expect(found.unlinked).toEqual(['4_1_1', '5_1_1']);
    expect(found.posts).toHaveLength(2);
    const [group, single] = found.posts;
    expect(group?.keys).toEqual(['1_1_1', '2_1_1']);
    expect(group?.link).toMatchObject({ channel: 'C1', ts: '10.1', group: 'group:g' });
    expect(single?.keys).toEqual(['3_1_1']);
    expect(single?.link).toMatchObject({ channel: 'C1', ts: '10.2' });
    expect(single?.link.event?.body).toMatchObject({ MsgKey: '3_1_1' });
  });

  it('looks only under the account given', async () => {
    await links.savePostLink(officialPostKey('@TOA#_A', '7_1_1'), { channel: 'C1', ts: '1.1' });
    const found = await findLinkedPosts(links, '@TOA#_B', ['7_1_1']);
    expect(found).toEqual({ posts: [], unlinked: ['7_1_1'] });
  });
});
