import { describe, expect, it } from 'vitest';
import { compactSend, renderSendGroup, sentMessage } from '../../../src/feed/sends.js';
import { type FeedEvent, feedEventSchema } from '../../../src/kinds/feed-event.js';
import { FEED_RECALL_ACTION_ID, FEED_RECALL_ALL_ACTION_ID } from '../../../src/slack/ids.js';
import { samples } from '../../helpers/tencent-samples.js';

function send(key: string, text = 'Maintenance tonight'): FeedEvent {
  return feedEventSchema.parse({
    body: {
      ...samples.officialSend,
      MsgKey: key,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
    },
    receivedAt: 1_700_000_000_000,
  });
}

const buttons = (blocks: unknown) =>
  JSON.stringify(blocks).match(new RegExp(`"action_id":"${FEED_RECALL_ACTION_ID}"`, 'g')) ?? [];

describe('renderSendGroup', () => {
  const sends = Array.from({ length: 30 }, (_, i) => send(`${i}_1_1698741698`));

  it('gives the first sends a section and a Recall button each, and Recall all for the count', () => {
    const { blocks, overflow, text } = renderSendGroup({
      id: 'g1',
      account: '@TOA#_2J4SZEAEL',
      sends,
      recalled: new Set(),
    });
    expect(buttons(blocks)).toHaveLength(20);
    expect(overflow).toBe(true);
    expect(JSON.stringify(blocks)).toContain('… and 10 more');
    const actions = blocks.at(-1);
    expect(actions?.type).toBe('actions');
    const recallAll = actions?.type === 'actions' ? actions.elements[0] : undefined;
    expect(recallAll).toMatchObject({
      action_id: FEED_RECALL_ALL_ACTION_ID,
      style: 'danger',
      value: JSON.stringify({ group: 'g1' }),
      confirm: { title: { text: 'Recall all 30 messages?' }, style: 'danger' },
    });
    expect(text).toContain('30 Official Channel messages sent');
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('marks recalled sends, drops their buttons and counts only the rest in Recall all', () => {
    const { blocks } = renderSendGroup({
      id: 'g1',
      account: 'acc',
      sends: sends.slice(0, 3),
      recalled: new Set(['1_1_1698741698']),
    });
    expect(buttons(blocks)).toHaveLength(2);
    const json = JSON.stringify(blocks);
    expect(json).toContain(':no_entry: *Recalled*');
    expect(json).toContain('Recall all 2');
    const all = renderSendGroup({
      id: 'g1',
      account: 'acc',
      sends: sends.slice(0, 2),
      recalled: new Set(['0_1_1698741698', '1_1_1698741698']),
    });
    expect(JSON.stringify(all.blocks)).not.toContain(FEED_RECALL_ALL_ACTION_ID);
  });

  it('escapes what the sends say', () => {
    const { blocks } = renderSendGroup({
      id: 'g',
      account: '<!channel>',
      sends: [send('1_1_1', '<!here> & <@U1>'), send('2_1_1')],
      recalled: new Set(),
    });
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!here&gt; &amp; &lt;@U1&gt;');
  });

  it('pings nobody from a preview, and keeps each send on its own lines', () => {
    const { blocks, text } = renderSendGroup({
      id: 'g',
      account: '@here\n<!channel>',
      sends: [send('1_1_1', 'a @here b\n:x: forged\u2028<!channel>\u202E'), send('2_1_1')],
      recalled: new Set(),
    });
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/(?<![\p{L}\p{N}_])@(here|channel|everyone)/u);
    expect(json).not.toMatch(/<(?!!date\^)[!@#]|\\u2028|\\u202e/i);
    expect(json).toContain('>a ＠here b :x: forged &lt;!channel&gt;');
    expect(text).toBe('2 Official Channel messages sent by ＠here &lt;!channel&gt;');
    for (const block of blocks) {
      if (block.type === 'section') expect(block.text).toMatchObject({ verbatim: true });
    }
  });
});

describe('compactSend', () => {
  it('keeps a bounded preview instead of the whole body', () => {
    const big = send('1_1_1', 'x'.repeat(10_000));
    const compact = compactSend({
      ...big,
      body: { ...big.body, CloudCustomData: 'y'.repeat(5000) } as FeedEvent['body'],
    });
    expect(JSON.stringify(compact).length).toBeLessThan(1000);
    expect(sentMessage(compact)?.msgKey).toBe('1_1_1');
    expect(feedEventSchema.safeParse(compact).success).toBe(true);
  });
});
