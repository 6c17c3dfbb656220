/**
 * How a recall limiter paces request starts: `perTick` requests start together, one tick every
 * `everyMs`. A tick is one bottleneck job, so bottleneck (locally or on Redis, shared by every
 * replica) only has to space ticks, never single requests: its own per-job cost (a timer turn
 * locally, a Redis round trip clustered) no longer caps the rate, and `everyMs` is a whole number
 * of milliseconds as bottleneck's Redis scripts need.
 *
 * The bound: any window of `windowMs` (one second plus a guard) holds at most `ticksPerWindow`
 * ticks, so at most `perTick × ticksPerWindow ≤ rate` starts. The guard absorbs the jitter
 * between the tick's slot and the moment its requests leave (a timer firing late, a Redis round
 * trip): a start late by up to `windowMs - 1000` ms still cannot put one second over the rate.
 */
export interface Pace {
  /** Milliseconds between ticks (whole, ≥ 20 unless the rate is lower than 50/s). */
  everyMs: number;
  /** Requests that start together at each tick. */
  perTick: number;
  /** Ticks in a window of `windowMs`. */
  ticksPerWindow: number;
  /** One second plus the jitter guard. */
  windowMs: number;
  /** Starts per second when every tick is used: `perTick × 1000 / everyMs`. */
  achieved: number;
}

/** The least room, in ms, left for a start to be late without tipping a second over the rate. */
export const JITTER_GUARD_MS = 20;
/** Ticks closer than about 20 ms would cost a Redis round trip each for little smoothness. */
const MAX_TICKS_PER_WINDOW = 50;
/** The smoothest pace reaching this share of the rate wins over a faster, burstier one. */
const GOOD_ENOUGH = 0.975;

/** The pace for `ratePerSecond` (a whole number ≥ 1): the smoothest that reaches 97.5 %. */
export function paceFor(ratePerSecond: number): Pace {
  if (!Number.isInteger(ratePerSecond) || ratePerSecond < 1) {
    throw new RangeError(`a rate must be a whole number of requests per second ≥ 1`);
  }
  let best: Pace | undefined;
  for (let ticks = Math.min(ratePerSecond, MAX_TICKS_PER_WINDOW); ticks >= 1; ticks--) {
    // The smallest window ≥ 1 s + guard that `ticks` whole-millisecond steps fill exactly.
    const everyMs = Math.ceil((1000 + JITTER_GUARD_MS) / ticks);
    const perTick = Math.floor(ratePerSecond / ticks);
    const pace = {
      everyMs,
      perTick,
      ticksPerWindow: ticks,
      windowMs: everyMs * ticks,
      achieved: (perTick * 1000) / everyMs,
    };
    if (pace.achieved >= GOOD_ENOUGH * ratePerSecond) return pace;
    if (!best || pace.achieved > best.achieved) best = pace;
  }
  // Unreachable for rates ≥ 1 (one tick per window reaches 1000 / 1020), kept for the types.
  return best!;
}
