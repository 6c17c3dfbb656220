import { describe, expect, it } from 'vitest';
import { renderEventDetails } from '../../../../src/feed/render/details.js';
import { feedEvent } from '../../../helpers/render.js';
import { samples } from '../../../helpers/tencent-samples.js';

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
