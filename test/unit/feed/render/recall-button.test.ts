import { describe, expect, it } from 'vitest';
import { renderEvent } from '../../../../src/feed/render/event.js';
import {
  isRecallActions,
  recallBlock,
  recallButtonElement,
} from '../../../../src/feed/render/recall-button.js';
import { renderRecalledNotice } from '../../../../src/feed/render/recalled.js';
import { Values } from '../../../../src/kinds/values.js';
import { FEED_RECALL_ACTION_ID } from '../../../../src/slack/ids.js';
import { feedEvent, recallButtons, textsOf } from '../../../helpers/render.js';
import { samples } from '../../../helpers/tencent-samples.js';

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

describe('recallButtonElement', () => {
  it('carries the account and MsgKey as the recall takes them', () => {
    const button = recallButtonElement({ account: '@TOA#_1', msgKey: '71_1_1' });
    expect(button?.action_id).toBe(FEED_RECALL_ACTION_ID);
    expect(JSON.parse(button?.value ?? '')).toEqual({ account: '@TOA#_1', msgKey: '71_1_1' });
  });

  it('is none for a MsgKey no recall takes', () => {
    expect(recallButtonElement({ account: '@TOA#_1', msgKey: 'abc' })).toBeUndefined();
  });
});

describe('recallBlock and isRecallActions', () => {
  it('finds the button, or the note in its place, among a post’s blocks', () => {
    const values = new Values();
    const withButton = recallBlock({ account: 'a', msgKey: '71_1_1' }, values);
    const noKey = recallBlock({ account: 'a', msgKey: 'abc' }, values);
    expect(values.shortened).toBe(false);
    const tooLong = recallBlock({ account: '\u0001'.repeat(2000), msgKey: '71_1_1' }, values);
    expect(values.shortened).toBe(true);
    for (const block of [withButton, noKey, tooLong]) expect(isRecallActions(block)).toBe(true);
    expect(isRecallActions({ type: 'context', elements: [{ type: 'mrkdwn', text: 'x' }] })).toBe(
      false,
    );
  });
});
