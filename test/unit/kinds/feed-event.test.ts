import { describe, expect, it } from 'vitest';
import { feedEventSchema } from '../../../src/kinds/feed-event.js';
import { samples } from '../../helpers/tencent-samples.js';

describe('feedEventSchema', () => {
  it('reads an event as stored: the parsed body, where it came from, when it arrived', () => {
    const stored = { body: samples.group, clientIp: '203.0.113.7', platform: 'iOS', receivedAt: 5 };
    const event = feedEventSchema.parse(JSON.parse(JSON.stringify(stored)));
    expect(event.body.EventTime).toBe(1670574414123);
    expect(event).toMatchObject({ clientIp: '203.0.113.7', platform: 'iOS', receivedAt: 5 });
    expect(feedEventSchema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('refuses a body of no kind, and origins longer than the route keeps', () => {
    const ok = { body: samples.c2c, receivedAt: 1 };
    expect(feedEventSchema.safeParse(ok).success).toBe(true);
    expect(feedEventSchema.safeParse({ ...ok, body: { CallbackCommand: 'X' } }).success).toBe(
      false,
    );
    expect(feedEventSchema.safeParse({ ...ok, clientIp: 'x'.repeat(65) }).success).toBe(false);
    expect(feedEventSchema.safeParse({ ...ok, platform: 'x'.repeat(33) }).success).toBe(false);
    expect(feedEventSchema.safeParse({ body: samples.c2c }).success).toBe(false);
  });
});
