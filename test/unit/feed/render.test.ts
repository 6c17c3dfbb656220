import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  dateToken,
  FEED_RECALL_ACTION_ID,
  LIST_PREVIEW,
  messagePreview,
  renderCompactLine,
  renderConversationTitle,
  renderEvent,
  renderEventDetails,
  renderRecalledNotice,
  renderThreadReply,
} from '../../../src/feed/render.js';
import { type FeedEvent, feedEventSchema } from '../../../src/kinds/schemas.js';
import { BROADCAST_AT, CONTROL_STAND_IN } from '../../../src/slack/text.js';
import { textsOfBlock } from '../../helpers/blocks.js';
import { samples } from '../../helpers/tencent-samples.js';

const RECEIVED_AT = 1_700_000_000_500;
const SAMPLE_TIME_TOKEN = '<!date^1670574414^{date_short_pretty} {time_secs}|2022-12-09T08:26:54Z>';

/** A body as the webhook route stores it (parsed, so `EventTime` is a number). */
function feedEvent(body: object, extra: Partial<Omit<FeedEvent, 'body'>> = {}): FeedEvent {
  return feedEventSchema.parse({
    body,
    receivedAt: RECEIVED_AT,
    platform: 'iOS',
    clientIp: '203.0.113.7',
    ...extra,
  });
}

/** Every piece of mrkdwn or plain text in the blocks. */
function textsOf(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap(textsOfBlock);
}

function sectionTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

function shown(event: FeedEvent): string {
  const { text, blocks } = renderEvent(event);
  return [text, ...textsOf(blocks)].join('\n');
}

function recallButtons(blocks: readonly KnownBlock[]): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements)
    .filter((e): e is Button => e.type === 'button' && e.action_id === FEED_RECALL_ACTION_ID);
}

describe('dateToken', () => {
  it("uses Slack's date token with an ISO UTC fallback", () => {
    expect(dateToken(1670574414123)).toBe(SAMPLE_TIME_TOKEN);
    expect(dateToken(0)).toBe('<!date^0^{date_short_pretty} {time_secs}|1970-01-01T00:00:00Z>');
  });
});

describe('renderEvent: the Tencent samples', () => {
  it('renders a one-to-one recall (EN sample: UnreadMsgNum, no EventTime)', () => {
    const rendered = renderEvent(feedEvent(samples.c2c));
    const text = shown(feedEvent(samples.c2c));
    expect(text).toContain(':leftwards_arrow_with_hook: *One-to-one message recalled*');
    expect(text).toContain('`jared` → `Jonh`');
    expect(text).toContain('`48374_2837546_1557481126`');
    expect(text).toContain('*Unread* 7 for `Jonh`');
    // No EventTime: the time is when we received it, and the reader is told so.
    expect(text).toContain(dateToken(RECEIVED_AT));
    expect(text).toContain('received');
    expect(text).toContain('Platform `iOS`');
    expect(text).toContain('IP `203.0.113.7`');
    expect(rendered.overflow).toBe(false);
    expect(rendered.text).toContain('One-to-one message recalled');
    expect(recallButtons(rendered.blocks)).toHaveLength(0);
  });

  it('renders a one-to-one recall (CN sample: EventTime, no UnreadMsgNum)', () => {
    const text = shown(feedEvent(samples.c2cNewer));
    expect(text).toContain(SAMPLE_TIME_TOKEN);
    expect(text).not.toContain('Unread');
    expect(text).not.toContain('received');
  });

  it('renders a Community topic recall with EventTime as a string', () => {
    const text = shown(feedEvent(samples.group));
    expect(text).toContain('*Group message recalled*');
    expect(text).toContain('*Recalled by* `admin`');
    expect(text).toContain('*Group* `1213456` (`Community`)');
    expect(text).toContain('*Topic* `@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic`');
    expect(text).toContain('MsgSeq `130` · MsgId `144115213033478435-1739361321-2512805311`');
    expect(text).toContain(SAMPLE_TIME_TOKEN);
  });

  it('gives the same time for EventTime as a string or a number', () => {
    const asString = renderEvent(feedEvent(samples.group));
    const asNumber = renderEvent(feedEvent({ ...samples.group, EventTime: 1670574414123 }));
    expect(asNumber).toEqual(asString);
  });

  it('renders an older group recall without TopicId, MsgId or EventTime', () => {
    const text = shown(feedEvent(samples.groupOld));
    expect(text).toContain('*Group* `@TGS#2J4SZEAEL` (`Public`)');
    expect(text).not.toContain('Topic');
    expect(text).not.toContain('MsgId');
    expect(text).toContain('MsgSeq `130`');
    expect(text).toContain(dateToken(RECEIVED_AT));
  });

  it('renders an Official Channel recall', () => {
    const text = shown(feedEvent(samples.official));
    expect(text).toContain('*Official Channel message recalled*');
    expect(text).toContain('*Account* `#TOA#_123`');
    expect(text).toContain('*MsgKey* `71_1_1698741698`');
    expect(text).toContain(SAMPLE_TIME_TOKEN);
  });

  it('leaves out platform and IP when Tencent did not send them', () => {
    const event = feedEventSchema.parse({ body: samples.official, receivedAt: RECEIVED_AT });
    const text = shown(event);
    expect(text).not.toContain('Platform');
    expect(text).not.toContain('IP');
  });

  it('renders a sent Official Channel message with a preview and a Recall button', () => {
    const rendered = renderEvent(feedEvent(samples.officialSend));
    const text = shown(feedEvent(samples.officialSend));
    expect(text).toContain(':incoming_envelope: *Official Channel message sent*');
    expect(text).toContain('*Account* `@TOA#_2J4SZEAEL`');
    expect(text).toContain('*MsgKey* `71_1_1698741698`');
    expect(text).toContain('>Maintenance tonight at 22:00');
    expect(text).toContain(dateToken(1698741698123));

    const [button, ...others] = recallButtons(rendered.blocks);
    expect(others).toHaveLength(0);
    expect(button).toMatchObject({ style: 'danger', text: { text: 'Recall' } });
    expect(JSON.parse(button?.value ?? '')).toEqual({
      account: '@TOA#_2J4SZEAEL',
      msgKey: '71_1_1698741698',
    });
    const confirm = button?.confirm;
    expect(confirm?.style).toBe('danger');
    expect(confirm?.title?.text).toBe('Recall this message?');
    expect(confirm?.confirm?.text).toBe('Recall');
    expect(confirm?.deny?.text).toBe('Cancel');
    expect(confirm?.text.text).toContain('cannot be undone');
    expect(confirm?.text.text).toContain('follower');
  });
});

describe('renderEvent: sent messages', () => {
  it('shows From_Account when present', () => {
    const text = shown(feedEvent({ ...samples.officialSend, From_Account: 'editor1' }));
    expect(text).toContain('*From* `editor1`');
  });

  it('names elements that are not text and shortens the preview to 300 characters', () => {
    const long = 'x'.repeat(1000);
    const event = feedEvent({
      ...samples.officialSend,
      MsgBody: [
        { MsgType: 'TIMTextElem', MsgContent: { Text: 'Hi <!channel>' } },
        { MsgType: 'TIMImageElem', MsgContent: {} },
        { MsgType: 'TIMFileElem' },
        { MsgType: 'TIMCustomElem', MsgContent: { Data: '{}' } },
        { MsgType: 'TIMTextElem', MsgContent: { Text: long } },
      ],
    });
    const [main] = sectionTexts(renderEvent(event).blocks);
    expect(main).toContain('>Hi &lt;!channel&gt; [image] [file] [custom] xxx');
    const preview = main?.split('\n').find((line) => line.startsWith('>')) ?? '';
    expect(preview.length).toBeLessThanOrEqual(301);
    expect(preview.endsWith('…')).toBe(true);
    expect(renderEventDetails(event)).toContain(long);
  });

  it('keeps the value and the dialog within Slack limits for the longest identifiers', () => {
    const event = feedEvent({
      ...samples.officialSend,
      Official_Account: '&'.repeat(256),
      MsgKey: `${'9'.repeat(20)}_${'9'.repeat(20)}_${'9'.repeat(20)}`,
    });
    const [button] = recallButtons(renderEvent(event).blocks);
    expect(button).toBeDefined();
    expect(button?.value?.length).toBeLessThanOrEqual(2000);
    expect(button?.confirm?.text.text.length).toBeLessThanOrEqual(300);
    expect(button?.confirm?.title?.text.length).toBeLessThanOrEqual(100);
  });
});

describe('renderEvent: untrusted text', () => {
  const hostile = feedEvent(
    {
      ...samples.c2c,
      From_Account: '<!channel>',
      To_Account: '<@U0001|boss> & co',
      MsgKey: 'a`b <https://evil.example|x>',
    },
    { platform: '<!here>', clientIp: '<@U2>' },
  );

  it('never lets a field ping or link', () => {
    const text = shown(hostile);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<@U');
    expect(text).not.toContain('<https://');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&amp; co');
    // The only `<` left are our own date tokens.
    expect(text.match(/</g)?.length).toBe(text.match(/<!date\^/g)?.length);
  });

  it('escapes the notification text too', () => {
    const { text } = renderEvent(hostile);
    expect(text).not.toMatch(/<[!@h]/);
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('keeps a backtick from breaking out of inline code', () => {
    const [main] = sectionTexts(renderEvent(hostile).blocks);
    const keyLine = main?.split('\n').find((line) => line.startsWith('*MsgKey*')) ?? '';
    expect(keyLine.match(/`/g)).toHaveLength(2);
  });
});

describe('renderEvent: a sent message that tries to ping or forge', () => {
  const event = feedEvent({
    ...samples.officialSend,
    MsgBody: [
      {
        MsgType: 'TIMTextElem',
        MsgContent: {
          Text: 'Hi @here and @channel <!channel> <!here|x> <@U1> <http://evil.example|login>\n:white_check_mark: forged line\u2028\u202Eevil\u200B\u0000',
        },
      },
    ],
  });

  it('pings nobody, links nothing and keeps every line quoted', () => {
    const rendered = renderEvent(event);
    const everything = [rendered.text, ...textsOf(rendered.blocks)].join('\n');
    expect(everything).not.toMatch(/<(?!!date\^)[!@#h]/);
    expect(everything).not.toMatch(/(?<![\p{L}\p{N}_])@(here|channel|everyone)/u);
    expect(everything).toContain(
      `Hi ${BROADCAST_AT}here and ${BROADCAST_AT}channel &lt;!channel&gt;`,
    );
    expect(everything).not.toMatch(/[\u2028\u202E\u200B]|(?!\n)\p{Cc}/u);
    const [main] = sectionTexts(rendered.blocks);
    const preview = main?.split('\n').slice(3) ?? [];
    expect(preview).toEqual([
      '>Hi ＠here and ＠channel &lt;!channel&gt; &lt;!here|x&gt; &lt;@U1&gt; &lt;http://evil.example|login&gt;',
      '>:white_check_mark: forged line',
      `>evil${CONTROL_STAND_IN}`,
    ]);
    expect(rendered.text).not.toContain('\n');
  });

  it('marks every mrkdwn text verbatim, so Slack adds no links or mentions', () => {
    for (const block of renderEvent(event).blocks) {
      if (block.type === 'section') expect(block.text).toMatchObject({ verbatim: true });
      if (block.type === 'context') {
        for (const e of block.elements) expect(e).toMatchObject({ verbatim: true });
      }
    }
  });
});

describe('renderEvent: Recall button value', () => {
  it('carries control characters exactly, within 2,000 characters', () => {
    const account = '\u0001'.repeat(256);
    const body = { ...samples.officialSend, Official_Account: account };
    const [button] = recallButtons(renderEvent(feedEvent(body)).blocks);
    expect(button?.value?.length).toBeLessThanOrEqual(2000);
    expect(JSON.parse(button?.value ?? '')).toEqual({ account, msgKey: '71_1_1698741698' });
    expect(button?.confirm?.text.text).not.toMatch(/\p{Cc}/u);
  });

  it('has no button for a MsgKey that is not one (nothing could recall it), and says so', () => {
    for (const msgKey of ['\u0002'.repeat(256), '<'.repeat(256), '71_1', 'x71_1_1698741698']) {
      const body = {
        ...samples.officialSend,
        Official_Account: '\u0001'.repeat(256),
        MsgKey: msgKey,
      };
      const rendered = renderEvent(feedEvent(body));
      expect(recallButtons(rendered.blocks), msgKey).toHaveLength(0);
      expect(textsOf(rendered.blocks).join('\n')).toContain('No Recall button');
      const notice = renderRecalledNotice(feedEvent(body), feedEvent(samples.official));
      expect(textsOf(notice.blocks).join('\n')).not.toContain('No Recall button');
    }
  });

  it('keeps a button for a real MsgKey even with the longest account of control characters', () => {
    const body = { ...samples.officialSend, Official_Account: '\u0001'.repeat(256) };
    const [button] = recallButtons(renderEvent(feedEvent(body)).blocks);
    expect(button?.value?.length).toBeLessThanOrEqual(2000);
  });
});

describe('renderEvent: long lists', () => {
  const bigGroup = feedEvent({
    ...samples.group,
    MsgSeqList: Array.from({ length: 1000 }, (_, i) => ({ MsgSeq: i + 1, MsgId: `id-${i + 1}` })),
  });

  it('shortens a 1000-message group recall and flags the overflow', () => {
    const rendered = renderEvent(bigGroup);
    expect(rendered.overflow).toBe(true);
    const [main] = sectionTexts(rendered.blocks);
    expect(main).toContain('*1000 group messages recalled*');
    expect(main).toContain(`MsgSeq \`${LIST_PREVIEW}\``);
    expect(main).not.toContain(`MsgSeq \`${LIST_PREVIEW + 1}\``);
    expect(main).toContain(`… and ${1000 - LIST_PREVIEW} more`);
    expect(main).toContain('attached file');
    for (const text of sectionTexts(rendered.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('lists every message in the details', () => {
    const details = renderEventDetails(bigGroup);
    for (let i = 1; i <= 1000; i++) expect(details).toContain(`MsgSeq ${i}  MsgId id-${i}\n`);
  });

  it('shortens a 300-key Official Channel recall', () => {
    const keys = Array.from({ length: 300 }, (_, i) => ({ MsgKey: `${i}_1_1698741698` }));
    const event = feedEvent({ ...samples.official, WithdrawMsgList: keys });
    const rendered = renderEvent(event);
    expect(rendered.overflow).toBe(true);
    expect(shown(event)).toContain('`9_1_1698741698`');
    expect(shown(event)).not.toContain('`10_1_1698741698`');
    expect(shown(event)).toContain('… and 290 more');
    const details = renderEventDetails(event);
    for (const { MsgKey } of keys) expect(details).toContain(`  ${MsgKey}\n`);
  });

  it('lists a few keys whole without overflow', () => {
    const keys = Array.from({ length: 3 }, (_, i) => ({ MsgKey: `${i}_1_1698741698` }));
    const rendered = renderEvent(feedEvent({ ...samples.official, WithdrawMsgList: keys }));
    expect(rendered.overflow).toBe(false);
    expect(sectionTexts(rendered.blocks)[0]).toContain('*MsgKeys* (3)\n• `0_1_1698741698`');
  });

  it('stays within the section limit and flags the overflow for the longest identifiers', () => {
    const huge = '&'.repeat(256);
    const event = feedEvent({
      ...samples.group,
      Operator_Account: huge,
      GroupId: huge,
      Type: huge,
      TopicId: huge,
      MsgSeqList: Array.from({ length: 20 }, (_, i) => ({ MsgSeq: i, MsgId: huge })),
    });
    const rendered = renderEvent(event);
    expect(rendered.overflow).toBe(true);
    for (const text of textsOf(rendered.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    expect(renderEventDetails(event)).toContain(`Recalled by: ${huge}`);
  });
});

describe('renderEventDetails', () => {
  it('describes every field in plain, unescaped text', () => {
    const details = renderEventDetails(feedEvent({ ...samples.c2c, From_Account: 'a<b>&c' }));
    expect(details).toContain('One-to-one message recalled');
    expect(details).toContain('Sender: a<b>&c');
    expect(details).toContain('Recipient: Jonh');
    expect(details).toContain('MsgKey: 48374_2837546_1557481126');
    expect(details).toContain('Unread for recipient: 7');
    expect(details).toContain('Platform: iOS');
    expect(details).toContain('Client IP: 203.0.113.7');
    expect(details).toContain('not given (received 2023-11-14T22:13:20Z)');
  });

  it('quotes values with control characters, so one cannot forge a line', () => {
    const details = renderEventDetails(
      feedEvent({ ...samples.c2c, From_Account: 'x\nMsgKey: forged' }),
    );
    expect(details).toContain('Sender: "x\\nMsgKey: forged"');
    expect(details.split('\n').filter((l) => l.startsWith('MsgKey:'))).toHaveLength(1);
  });

  it('gives a group recall its topic and a sent message its text', () => {
    expect(renderEventDetails(feedEvent(samples.group))).toContain(
      'Topic: @TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic',
    );
    expect(renderEventDetails(feedEvent(samples.officialSend))).toContain(
      'Text: Maintenance tonight at 22:00',
    );
  });
});

describe('recalled posts', () => {
  const sent = feedEvent(samples.officialSend);
  const withdrawal = feedEvent({
    ...samples.official,
    Official_Account: '@TOA#_2J4SZEAEL',
    WithdrawMsgList: [{ MsgKey: '71_1_1698741698' }, { MsgKey: '72_1_1698741698' }],
  });

  it('updates the original post: recalled, with the time, and no Recall button', () => {
    const notice = renderRecalledNotice(sent, withdrawal);
    expect(recallButtons(notice.blocks)).toHaveLength(0);
    const text = textsOf(notice.blocks).join('\n');
    expect(text).toContain(`:no_entry: *Recalled* ${SAMPLE_TIME_TOKEN}`);
    expect(text).toContain('Maintenance tonight at 22:00');
    expect(notice.text).toMatch(/^Recalled/);
  });

  it('shows only the post’s own key when the sent event is not at hand', () => {
    const notice = renderRecalledNotice(withdrawal, withdrawal, '72_1_1698741698');
    const text = textsOf(notice.blocks).join('\n');
    expect(text).toContain('`72_1_1698741698`');
    expect(text).not.toContain('71_1_1698741698');
    expect(text).toContain(':no_entry: *Recalled*');
  });

  it('tells the recall in the thread, briefly', () => {
    const reply = renderThreadReply(withdrawal, ['71_1_1698741698']);
    expect(reply.text).toContain(':no_entry: Recalled');
    expect(reply.text).toContain(SAMPLE_TIME_TOKEN);
    expect(reply.text).toContain('`71_1_1698741698` of `@TOA#_2J4SZEAEL`');
    expect(reply.text).not.toContain('72_1');
    expect(reply.text.length).toBeLessThan(400);
    expect(renderThreadReply(withdrawal).text).toContain('`72_1_1698741698`');
  });
});

describe('digest pieces', () => {
  it('titles a one-to-one conversation the same in both directions', () => {
    const there = renderConversationTitle(feedEvent(samples.c2c).body, 2);
    const back = renderConversationTitle(
      feedEvent({ ...samples.c2c, From_Account: 'Jonh', To_Account: 'jared' }).body,
      2,
    );
    expect(there).toEqual(back);
    expect(there.text).toContain('*One-to-one*');
    expect(there.text).toContain('2 events');
  });

  it('renders one compact line per event, listing at most three identifiers', () => {
    const line = renderCompactLine(
      feedEvent({
        ...samples.group,
        MsgSeqList: [1, 2, 3, 4, 5].map((MsgSeq) => ({ MsgSeq })),
      }),
    );
    expect(line.text).not.toContain('\n');
    expect(line.text).toContain(SAMPLE_TIME_TOKEN);
    expect(line.text).toContain('MsgSeq `3`');
    expect(line.text).not.toContain('`4`');
    expect(line.text).toContain('+2 more');
    expect(line.shortened).toBe(true);
    expect(renderCompactLine(feedEvent(samples.c2c)).shortened).toBe(false);
  });
});

describe('messagePreview', () => {
  it('names element types by their own names only, never by what Object inherits', () => {
    const body = {
      ...samples.officialSend,
      MsgBody: ['constructor', 'toString', '__proto__', 'TIMImageElem'].map((MsgType) => ({
        MsgType,
      })),
    };
    expect(messagePreview(body)).toBe('[constructor] [toString] [__proto__] [image]');
  });
});
