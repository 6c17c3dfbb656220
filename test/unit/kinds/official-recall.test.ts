import { describe, expect, it } from 'vitest';
import { officialRecall } from '../../../src/kinds/official-recall.js';
import { Values } from '../../../src/kinds/values.js';
import { samples } from '../../helpers/tencent-samples.js';

const parse = (body: object) => officialRecall.schema.parse(body);
const one = parse(samples.official);
const keys = ['73_1_1', '71_1_1', '72_1_1', '74_1_1'];
const four = parse({ ...samples.official, WithdrawMsgList: keys.map((MsgKey) => ({ MsgKey })) });

describe('officialRecall: schema', () => {
  it('reads the sample and refuses an empty list or an empty MsgKey', () => {
    expect(one.WithdrawMsgList).toEqual([{ MsgKey: '71_1_1698741698' }]);
    for (const WithdrawMsgList of [[], [{ MsgKey: '' }], [{}]]) {
      expect(
        officialRecall.schema.safeParse({ ...samples.official, WithdrawMsgList }).success,
      ).toBe(false);
    }
  });
});

describe('officialRecall: identity and grouping', () => {
  it('is the same recall whatever the order of its keys', () => {
    expect(officialRecall.dedupeParts(four)).toEqual(['#TOA#_123', ...[...keys].sort()]);
    const reordered = parse({
      ...samples.official,
      WithdrawMsgList: [...keys].reverse().map((MsgKey) => ({ MsgKey })),
    });
    expect(officialRecall.dedupeParts(reordered)).toEqual(officialRecall.dedupeParts(four));
  });

  it('groups by account', () => {
    expect(officialRecall.conversationKey(four)).toEqual(['#TOA#_123']);
    expect(officialRecall.conversationTitle(four, new Values())).toBe(
      '*Official Channel* · `#TOA#_123`',
    );
    expect(officialRecall.messageCount(four)).toBe(4);
  });
});

describe('officialRecall: the sends it withdraws', () => {
  it('names their account and MsgKeys, in its own order', () => {
    expect(officialRecall.withdraws.sentMessages(four)).toEqual({
      account: '#TOA#_123',
      msgKeys: keys,
    });
  });

  it('narrows to the keys one post shows, keeping the rest of the body', () => {
    const narrowed = officialRecall.withdraws.narrowedTo(four, ['72_1_1']);
    expect(narrowed).toEqual({ ...four, WithdrawMsgList: [{ MsgKey: '72_1_1' }] });
    expect(four.WithdrawMsgList).toHaveLength(4);
  });
});

describe('officialRecall: views', () => {
  it('shows one key among the facts, several as a list', () => {
    expect(officialRecall.view(one, new Values()).facts).toEqual([
      '*Account* `#TOA#_123`',
      '*MsgKey* `71_1_1698741698`',
    ]);
    const view = officialRecall.view(four, new Values());
    expect(view.list).toEqual(keys.map((k) => `• \`${k}\``));
    expect(view.listLabel).toBe('*MsgKeys* (4)');
    expect(view.fallback).toBe('#TOA#_123, 4 messages');
  });

  it('lists three keys in a digest line and every key in the file', () => {
    expect(officialRecall.compactLine(four, new Values())).toBe(
      '`73_1_1`, `71_1_1`, `72_1_1` +1 more',
    );
    expect(officialRecall.details(four)).toEqual([
      'Account: #TOA#_123',
      'MsgKeys (4):',
      ...keys.map((k) => `  ${k}`),
    ]);
  });
});
