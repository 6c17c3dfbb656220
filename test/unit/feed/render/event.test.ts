import { describe, expect, it } from 'vitest';
import { renderEventDetails } from '../../../../src/feed/render/details.js';
import { LIST_PREVIEW, renderEvent } from '../../../../src/feed/render/event.js';
import { feedEventSchema } from '../../../../src/kinds/feed-event.js';
import { dateToken } from '../../../../src/kinds/time.js';
import { BROADCAST_AT, CONTROL_STAND_IN } from '../../../../src/slack/text.js';
import {
  feedEvent,
  RECEIVED_AT,
  recallButtons,
  SAMPLE_TIME_TOKEN,
  sectionTexts,
  shown,
  textsOf,
} from '../../../helpers/render.js';
import { samples } from '../../../helpers/tencent-samples.js';

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
