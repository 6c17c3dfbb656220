import { describe, expect, it } from 'vitest';
import * as ids from '../../../src/slack/ids.js';

describe('Slack action and callback IDs', () => {
  it('are distinct, and within Slack’s 255 characters', () => {
    const values = Object.values(ids);
    expect(new Set(values).size).toBe(values.length);
    for (const id of values) expect(id).toMatch(/^[a-z_]{1,255}$/);
  });

  it('keep the IDs already in posted messages and in the manifest', () => {
    expect(ids.FEED_RECALL_ACTION_ID).toBe('feed_recall');
    expect(ids.FEED_RECALL_ALL_ACTION_ID).toBe('feed_recall_all');
    expect(ids.CONFIRM_RECALL_ACTION_ID).toBe('confirm_recall');
    expect(ids.RECALL_SHORTCUT_ID).toBe('recall_messages');
  });
});
