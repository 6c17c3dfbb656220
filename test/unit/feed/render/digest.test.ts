import { describe, expect, it } from 'vitest';
import { renderCompactLine, renderConversationTitle } from '../../../../src/feed/render/digest.js';
import { feedEvent, SAMPLE_TIME_TOKEN } from '../../../helpers/render.js';
import { samples } from '../../../helpers/tencent-samples.js';

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
