import { describe, expect, it } from 'vitest';
import { webhookBodySchema } from '../../../src/kinds/registry.js';
import { dateToken, eventTimeMs, isoUtc } from '../../../src/kinds/time.js';
import { SAMPLE_TIME_TOKEN } from '../../helpers/render.js';
import { samples } from '../../helpers/tencent-samples.js';

describe('dateToken', () => {
  it("uses Slack's date token with an ISO UTC fallback", () => {
    expect(dateToken(1670574414123)).toBe(SAMPLE_TIME_TOKEN);
    expect(dateToken(0)).toBe('<!date^0^{date_short_pretty} {time_secs}|1970-01-01T00:00:00Z>');
  });
});

describe('isoUtc', () => {
  it('writes UTC to the second', () => {
    expect(isoUtc(1670574414123)).toBe('2022-12-09T08:26:54Z');
  });
});

describe('eventTimeMs', () => {
  it("takes Tencent's EventTime, or when the event was received without one", () => {
    const body = webhookBodySchema.parse(samples.c2c);
    expect(eventTimeMs({ body, receivedAt: 42 })).toBe(42);
    expect(eventTimeMs({ body: { ...body, EventTime: 7 }, receivedAt: 42 })).toBe(7);
  });
});
