import type { RecallLimiter } from '../../src/recall/limiter.js';

/** The most of `times` (sorted, ms) that fall in any half-open window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[start] ?? 0) <= (times[end] ?? 0) - windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

export interface Measured {
  /** Start times (ms, `performance.now()`), sorted. */
  starts: number[];
  /** Starts in the first `seconds` after the first start, per second. */
  rate: number;
  /** The most starts in any one-second window. */
  mostInASecond: number;
}

/**
 * Keeps `limiters` (one, or several sharing a rate as replicas do) busy for a little over
 * `seconds` and measures when the jobs start: the rate over the first `seconds` and the most
 * starts in any one second. Jobs are spread over the limiters in turn.
 */
export async function measureRate(
  limiters: readonly RecallLimiter[],
  ratePerSecond: number,
  seconds: number,
): Promise<Measured> {
  const jobs = Math.ceil(ratePerSecond * (seconds + 0.5));
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: jobs }, (_, i) =>
      limiters[i % limiters.length]?.schedule(async () => {
        starts.push(performance.now());
      }),
    ),
  );
  starts.sort((a, b) => a - b);
  const first = starts[0] ?? 0;
  const inTime = starts.filter((t) => t < first + seconds * 1000).length;
  return { starts, rate: inTime / seconds, mostInASecond: maxInWindow(starts, 1000) };
}
