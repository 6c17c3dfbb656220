import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dedupeKeyOf } from '../../../src/kinds/dedupe.js';
import { webhookBodySchema } from '../../../src/kinds/registry.js';
import { samples } from '../../helpers/tencent-samples.js';

const parse = (body: object) => webhookBodySchema.parse(body);

describe('dedupeKeyOf', () => {
  it('hashes the command and the kind’s identity parts (keys already stored stay valid)', () => {
    const parts = ['C2C.CallbackAfterMsgWithDraw', 'jared', 'Jonh', '48374_2837546_1557481126'];
    const expected = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
    expect(dedupeKeyOf(parse(samples.c2c))).toBe(expected);
  });

  it('is the same for a redelivery, whatever the time or the order of the messages', () => {
    expect(dedupeKeyOf(parse(samples.c2cNewer))).toBe(dedupeKeyOf(parse(samples.c2c)));
    const a = parse({ ...samples.group, MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: 2 }] });
    const b = parse({ ...samples.group, MsgSeqList: [{ MsgSeq: '2' }, { MsgSeq: 1 }] });
    expect(dedupeKeyOf(a)).toBe(dedupeKeyOf(b));
  });

  it('differs between kinds with the same identifiers', () => {
    const send = parse({ ...samples.officialSend, Official_Account: '#TOA#_123' });
    const withdrawal = parse(samples.official);
    expect(dedupeKeyOf(send)).not.toBe(dedupeKeyOf(withdrawal));
    const keys = new Set(Object.values(samples).map((body) => dedupeKeyOf(parse(body))));
    expect(keys.size).toBe(Object.keys(samples).length - 1);
  });
});
