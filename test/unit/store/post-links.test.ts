import { describe, expect, it } from 'vitest';
import { compactSend } from '../../../src/feed/sends.js';
import { POST_LINK_RETENTION_MS, postLinkSchema } from '../../../src/store/post-links.js';
import { sendOf } from '../../helpers/feed.js';
import { feedEvent } from '../../helpers/render.js';

const send = feedEvent(sendOf('71_1_1698741698'));

describe('postLinkSchema', () => {
  it('takes a link to one post with the event it shows', () => {
    const link = { channel: 'C1', ts: '1.1', event: compactSend(send) };
    expect(postLinkSchema.parse(link)).toEqual(link);
  });

  it('takes a group record without a ts (a file share Slack had not finished)', () => {
    const record = { channel: 'C1', sends: [compactSend(send), compactSend(send)] };
    expect(postLinkSchema.parse(record)).toEqual(record);
  });

  it("takes a send's link to its group record", () => {
    const link = { channel: 'C1', ts: '1.1', group: 'group:p1' };
    expect(postLinkSchema.parse(link)).toEqual(link);
  });

  it('needs a channel, and refuses what is not a link', () => {
    const parses = (value: unknown) => postLinkSchema.safeParse(value).success;
    expect(parses({ channel: 'C1' })).toBe(true);
    expect(parses({ ts: '1.1' })).toBe(false);
    expect(parses({ channel: 1 })).toBe(false);
    expect(parses({ channel: 'C1', ts: 1.1 })).toBe(false);
    expect(parses({ channel: 'C1', group: ['g'] })).toBe(false);
    expect(parses({ channel: 'C1', event: { body: 'not an event' } })).toBe(false);
    expect(parses({ channel: 'C1', sends: [{ receivedAt: 1 }] })).toBe(false);
  });
});

describe('POST_LINK_RETENTION_MS', () => {
  it('keeps a link for 30 days: a recall can come long after the send', () => {
    expect(POST_LINK_RETENTION_MS).toBe(30 * 24 * 60 * 60 * 1000);
  });
});
