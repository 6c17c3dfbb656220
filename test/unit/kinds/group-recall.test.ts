import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/kinds/fields.js';
import { groupRecall } from '../../../src/kinds/group-recall.js';
import { Values } from '../../../src/kinds/values.js';
import { samples } from '../../helpers/tencent-samples.js';

const parse = (body: object) => groupRecall.schema.parse(body);
const topic = parse(samples.group);
const old = parse(samples.groupOld);
const several = parse({
  ...samples.groupOld,
  MsgSeqList: [{ MsgSeq: 5 }, { MsgSeq: '3', MsgId: 'm3' }, { MsgSeq: 4 }, { MsgSeq: 9 }],
});

describe('groupRecall: schema', () => {
  it('takes MsgSeq and EventTime as numeric strings (the Community sample sends a string)', () => {
    expect(topic.EventTime).toBe(1670574414123);
    expect(several.MsgSeqList[1]).toEqual({ MsgSeq: 3, MsgId: 'm3' });
  });

  it('refuses an empty list, one too long and a MsgSeq that is not a number', () => {
    for (const MsgSeqList of [
      [],
      Array.from({ length: LIMITS.listItems + 1 }, (_, MsgSeq) => ({ MsgSeq })),
      [{ MsgSeq: 'x' }],
      [{ MsgSeq: -1 }],
    ]) {
      expect(groupRecall.schema.safeParse({ ...samples.group, MsgSeqList }).success).toBe(false);
    }
  });
});

describe('groupRecall: identity and grouping', () => {
  it('is the same recall whatever the order of its messages, and differs by topic', () => {
    const reordered = parse({
      ...samples.groupOld,
      MsgSeqList: [9, 4, 3, 5].map((n) => ({ MsgSeq: n })),
    });
    expect(groupRecall.dedupeParts(several)).toEqual(['@TGS#2J4SZEAEL', '', '3', '4', '5', '9']);
    expect(groupRecall.dedupeParts(reordered)).toEqual(groupRecall.dedupeParts(several));
    const otherTopic = parse({ ...samples.group, TopicId: 'other' });
    expect(groupRecall.dedupeParts(otherTopic)).not.toEqual(groupRecall.dedupeParts(topic));
  });

  it('groups by group and topic, and titles the place', () => {
    expect(groupRecall.conversationKey(old)).toEqual(['@TGS#2J4SZEAEL', '']);
    expect(groupRecall.conversationKey(topic)).toEqual([
      '1213456',
      '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic',
    ]);
    expect(groupRecall.conversationTitle(old, new Values())).toBe(
      '*Group* `@TGS#2J4SZEAEL` (`Public`)',
    );
    expect(groupRecall.conversationTitle(topic, new Values())).toContain(
      ' · *Topic* `@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic`',
    );
  });

  it('counts its messages', () => {
    expect(groupRecall.messageCount(old)).toBe(1);
    expect(groupRecall.messageCount(several)).toBe(4);
  });
});

describe('groupRecall: views', () => {
  it('shows one message among the facts, several as a list', () => {
    const one = groupRecall.view(topic, new Values());
    expect(one.facts).toContain('MsgSeq `130` · MsgId `144115213033478435-1739361321-2512805311`');
    expect(one.list).toEqual([]);
    const many = groupRecall.view(several, new Values());
    expect(many.facts).toEqual(['*Recalled by* `admin`', '*Group* `@TGS#2J4SZEAEL` (`Public`)']);
    expect(many.list).toEqual([
      '• MsgSeq `5`',
      '• MsgSeq `3` · MsgId `m3`',
      '• MsgSeq `4`',
      '• MsgSeq `9`',
    ]);
    expect(many.listLabel).toBe('*Messages* (4)');
    expect(many.fallback).toBe('by admin in group @TGS#2J4SZEAEL, 4 messages');
  });

  it('lists at most three messages in a digest line, and says it shortened', () => {
    const values = new Values();
    expect(groupRecall.compactLine(several, values)).toBe(
      'by `admin` · MsgSeq `5`, MsgSeq `3` (`m3`), MsgSeq `4` +1 more',
    );
    expect(values.shortened).toBe(true);
  });

  it('gives the file every message', () => {
    expect(groupRecall.details(several)).toEqual([
      'Recalled by: admin',
      'Group: @TGS#2J4SZEAEL (Public)',
      'Messages (4):',
      '  MsgSeq 5',
      '  MsgSeq 3  MsgId m3',
      '  MsgSeq 4',
      '  MsgSeq 9',
    ]);
    expect(groupRecall.details(topic)).toContain('Topic: @TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic');
  });
});
