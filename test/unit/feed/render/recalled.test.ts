import { describe, expect, it } from 'vitest';
import { renderRecalledNotice, renderThreadReply } from '../../../../src/feed/render/recalled.js';
import { feedEvent, recallButtons, SAMPLE_TIME_TOKEN, textsOf } from '../../../helpers/render.js';
import { samples } from '../../../helpers/tencent-samples.js';

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
