import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/kinds/fields.js';
import { messagePreview, officialSend } from '../../../src/kinds/official-send.js';
import { Values } from '../../../src/kinds/values.js';
import { samples } from '../../helpers/tencent-samples.js';

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

const parse = (body: object) => officialSend.schema.parse(body);
const sample = parse(samples.officialSend);

describe('officialSend: schema', () => {
  it('takes MsgSeq, MsgTime and OnlineOnlyFlag as numbers or numeric strings', () => {
    const body = parse({ ...samples.officialSend, MsgSeq: '12', MsgTime: '1698741698' });
    expect(body.MsgSeq).toBe(12);
    expect(body.MsgTime).toBe(1698741698);
    expect(sample.OnlineOnlyFlag).toBe(0);
  });

  it('refuses a body with too many elements or too long as JSON', () => {
    const many = Array.from({ length: LIMITS.msgBodyElements + 1 }, () => ({
      MsgType: 'TIMFaceElem',
    }));
    const long = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(LIMITS.msgBody) } }];
    for (const MsgBody of [many, long]) {
      expect(officialSend.schema.safeParse({ ...samples.officialSend, MsgBody }).success).toBe(
        false,
      );
    }
  });
});

describe('officialSend: identity and grouping', () => {
  it('is one event per account and MsgKey, each a conversation of its own', () => {
    expect(officialSend.dedupeParts(sample)).toEqual(['@TOA#_2J4SZEAEL', '71_1_1698741698']);
    expect(officialSend.conversationKey(sample)).toEqual(['@TOA#_2J4SZEAEL', '71_1_1698741698']);
    expect(officialSend.conversationTitle(sample, new Values())).toBe(
      '*Official Channel* · `@TOA#_2J4SZEAEL`',
    );
    expect(officialSend.messageCount(sample)).toBe(1);
  });
});

describe('officialSend: the recall target it offers', () => {
  it('gives the account and MsgKey exactly, the sender and the text', () => {
    const body = parse({ ...samples.officialSend, From_Account: 'editor1' });
    expect({
      ...officialSend.sends.message(body),
      text: officialSend.sends.text(body),
    }).toEqual({
      account: '@TOA#_2J4SZEAEL',
      msgKey: '71_1_1698741698',
      from: 'editor1',
      text: 'Maintenance tonight at 22:00',
    });
  });

  it('keeps a bounded preview and drops CloudCustomData for a post link', () => {
    const big = parse({
      ...samples.officialSend,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(10_000) } }],
      CloudCustomData: 'y'.repeat(5000),
    });
    const compact = officialSend.sends.compact(big);
    expect(compact.CloudCustomData).toBeUndefined();
    expect(messagePreview(compact)).toHaveLength(300);
    expect(compact.MsgKey).toBe(big.MsgKey);
    expect(officialSend.schema.safeParse(compact).success).toBe(true);
  });
});

describe('officialSend: views', () => {
  it('quotes the text, or says there is none', () => {
    const view = officialSend.view(sample, new Values());
    expect(view.facts).toEqual(['*Account* `@TOA#_2J4SZEAEL`', '*MsgKey* `71_1_1698741698`']);
    expect(view.extra).toBe('>Maintenance tonight at 22:00');
    expect(view.fallback).toBe('@TOA#_2J4SZEAEL: Maintenance tonight at 22:00');
    const { MsgBody: _, ...empty } = samples.officialSend;
    expect(officialSend.view(parse(empty), new Values()).extra).toBe('_(no text)_');
  });

  it('writes its MsgKey in a digest line and every field in the file', () => {
    expect(officialSend.compactLine(sample, new Values())).toBe('sent `71_1_1698741698`');
    const details = officialSend.details(
      parse({
        ...samples.officialSend,
        From_Account: 'ed',
        MsgSeq: 3,
        OnlineOnlyFlag: 1,
        CloudCustomData: 'c',
      }),
    );
    expect(details).toEqual([
      'Account: @TOA#_2J4SZEAEL',
      'From: ed',
      'MsgKey: 71_1_1698741698',
      'MsgSeq: 3',
      'MsgTime: 2023-10-31T08:41:38Z',
      'Online only: yes',
      'Text: Maintenance tonight at 22:00',
      'CloudCustomData: c',
    ]);
  });
});
