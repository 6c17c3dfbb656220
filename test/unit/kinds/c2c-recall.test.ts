import { describe, expect, it } from 'vitest';
import { c2cRecall } from '../../../src/kinds/c2c-recall.js';
import { Values } from '../../../src/kinds/values.js';
import { samples } from '../../helpers/tencent-samples.js';

const parse = (body: object) => c2cRecall.schema.parse(body);
const sample = parse(samples.c2c);
const back = parse({ ...samples.c2c, From_Account: 'Jonh', To_Account: 'jared' });

describe('c2cRecall: schema', () => {
  it("reads both samples of Tencent's documentation", () => {
    expect(sample).toEqual({ ...samples.c2c });
    expect(parse(samples.c2cNewer).EventTime).toBe(1670574414123);
  });

  it('takes UnreadMsgNum and EventTime as numeric strings, and trims identifiers', () => {
    const body = parse({
      ...samples.c2c,
      UnreadMsgNum: '7',
      EventTime: '1670574414123',
      To_Account: '  Jonh ',
    });
    expect(body.UnreadMsgNum).toBe(7);
    expect(body.EventTime).toBe(1670574414123);
    expect(body.To_Account).toBe('Jonh');
  });

  it('refuses another command, a missing MsgKey and an empty account', () => {
    expect(c2cRecall.schema.safeParse({ ...samples.c2c, CallbackCommand: 'X' }).success).toBe(
      false,
    );
    const { MsgKey: _, ...noKey } = samples.c2c;
    expect(c2cRecall.schema.safeParse(noKey).success).toBe(false);
    expect(c2cRecall.schema.safeParse({ ...samples.c2c, From_Account: ' ' }).success).toBe(false);
  });
});

describe('c2cRecall: identity and grouping', () => {
  it('is one event per sender, recipient and MsgKey', () => {
    expect(c2cRecall.dedupeParts(sample)).toEqual(['jared', 'Jonh', '48374_2837546_1557481126']);
    expect(c2cRecall.dedupeParts(back)).not.toEqual(c2cRecall.dedupeParts(sample));
  });

  it('groups a pair in either direction as one conversation, titled the same', () => {
    expect(c2cRecall.conversationKey(back)).toEqual(c2cRecall.conversationKey(sample));
    expect(c2cRecall.conversationTitle(sample, new Values())).toBe(
      '*One-to-one* · `Jonh` ↔ `jared`',
    );
    expect(c2cRecall.conversationTitle(back, new Values())).toBe(
      c2cRecall.conversationTitle(sample, new Values()),
    );
  });

  it('is about one message, and neither offers nor withdraws a send', () => {
    expect(c2cRecall.messageCount(sample)).toBe(1);
    expect('sends' in c2cRecall).toBe(false);
    expect('withdraws' in c2cRecall).toBe(false);
  });
});

describe('c2cRecall: views', () => {
  it('shows sender, recipient, MsgKey and the unread count when Tencent gives it', () => {
    const view = c2cRecall.view(sample, new Values());
    expect(view.facts).toEqual([
      '*Sender → recipient* `jared` → `Jonh`',
      '*MsgKey* `48374_2837546_1557481126`',
      '*Unread* 7 for `Jonh`',
    ]);
    expect(view.list).toEqual([]);
    expect(view.fallback).toBe('jared → Jonh, MsgKey 48374_2837546_1557481126');
    expect(c2cRecall.view(parse(samples.c2cNewer), new Values()).facts).toHaveLength(2);
  });

  it('writes one digest line piece and every field for the file', () => {
    expect(c2cRecall.compactLine(sample, new Values())).toBe(
      '`jared` → `Jonh` · `48374_2837546_1557481126`',
    );
    expect(c2cRecall.details(sample)).toEqual([
      'Sender: jared',
      'Recipient: Jonh',
      'MsgKey: 48374_2837546_1557481126',
      'Unread for recipient: 7',
    ]);
  });

  it('marks a value too long to show whole as shortened', () => {
    const values = new Values();
    c2cRecall.view(parse({ ...samples.c2c, From_Account: 'x'.repeat(256) }), values);
    expect(values.shortened).toBe(true);
  });
});
