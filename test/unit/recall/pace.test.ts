import { describe, expect, it } from 'vitest';
import { JITTER_GUARD_MS, paceFor } from '../../../src/recall/pace.js';

describe('paceFor', () => {
  it('never plans more than the rate in a window of one second plus the guard', () => {
    for (let rate = 1; rate <= 1000; rate++) {
      const pace = paceFor(rate);
      expect(pace.perTick * pace.ticksPerWindow, `rate ${rate}`).toBeLessThanOrEqual(rate);
      expect(pace.windowMs, `rate ${rate}`).toBe(pace.everyMs * pace.ticksPerWindow);
      expect(pace.windowMs, `rate ${rate}`).toBeGreaterThanOrEqual(1000 + JITTER_GUARD_MS);
    }
  });

  it('reaches at least 97.5 % of every rate from 1 to 1,000/s', () => {
    for (let rate = 1; rate <= 1000; rate++) {
      expect(paceFor(rate).achieved / rate, `rate ${rate}`).toBeGreaterThanOrEqual(0.975);
    }
  });

  it('spaces ticks by whole milliseconds, at least 20 apart once the rate allows it', () => {
    for (let rate = 1; rate <= 1000; rate++) {
      const { everyMs } = paceFor(rate);
      expect(Number.isInteger(everyMs)).toBe(true);
      expect(everyMs).toBeGreaterThanOrEqual(rate < 50 ? Math.floor(1000 / rate) : 20);
    }
  });

  it('plans the documented paces', () => {
    expect(paceFor(1)).toMatchObject({ everyMs: 1020, perTick: 1 });
    expect(paceFor(50)).toMatchObject({ everyMs: 41, perTick: 2, ticksPerWindow: 25 });
    expect(paceFor(200)).toMatchObject({ everyMs: 41, perTick: 8 });
    expect(paceFor(1000)).toMatchObject({ everyMs: 41, perTick: 40 });
  });

  it('refuses a rate that is not a whole number ≥ 1', () => {
    expect(() => paceFor(0)).toThrow(RangeError);
    expect(() => paceFor(2.5)).toThrow(RangeError);
  });
});
