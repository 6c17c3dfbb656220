import { describe, expect, it } from 'vitest';
import { dateToken } from '../../../src/kinds/time.js';
import { SAMPLE_TIME_TOKEN } from '../../helpers/render.js';

describe('dateToken', () => {
  it("uses Slack's date token with an ISO UTC fallback", () => {
    expect(dateToken(1670574414123)).toBe(SAMPLE_TIME_TOKEN);
    expect(dateToken(0)).toBe('<!date^0^{date_short_pretty} {time_secs}|1970-01-01T00:00:00Z>');
  });
});
