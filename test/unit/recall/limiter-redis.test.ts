import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  clusteredOptions,
  createRecallLimiter,
  isLostClusterState,
  type RecallLimiter,
  spacingMs,
} from '../../../src/recall/limiter.js';

// A database of its own: this file flushes it to make bottleneck lose its keys.
const URL = process.env.REDIS_LIMITER_TEST_URL ?? 'redis://127.0.0.1:6379/12';
const admin = new Redis(URL);
const open: RecallLimiter[] = [];

function limiter(sdkAppId: number, ratePerSecond: number): RecallLimiter {
  const made = createRecallLimiter(sdkAppId, { ratePerSecond }, clusteredOptions(URL));
  open.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  await admin.flushdb();
  admin.disconnect();
});

describe('recall limiter on Redis', () => {
  it('recognises bottleneck lost-state errors in both forms', () => {
    expect(isLostClusterState(new Error('ERR UNKNOWN_CLIENT'))).toBe(true);
    expect(isLostClusterState(new Error('SETTINGS_KEY_NOT_FOUND'))).toBe(true);
    expect(isLostClusterState(new Error('ERR SETTINGS_KEY_NOT_FOUND script: …'))).toBe(true);
    expect(isLostClusterState(new Error('ECONNREFUSED'))).toBe(false);
  });

  it('shares one rate between two limiters (two replicas)', async () => {
    const id = 900_000 + Math.floor(Math.random() * 1000);
    const a = limiter(id, 20);
    const b = limiter(id, 20);
    const starts: number[] = [];
    const job = async () => {
      starts.push(Date.now());
    };
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).schedule(job)));
    starts.sort((x, y) => x - y);
    let most = 0;
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((t) => t >= (starts[i] ?? 0) && t < (starts[i] ?? 0) + 1000);
      most = Math.max(most, inWindow.length);
    }
    expect(starts).toHaveLength(30);
    expect(most).toBeLessThanOrEqual(21);
  });

  it('runs at a rate that does not divide 1000 (Redis refuses fractional expiries)', async () => {
    const id = 902_000 + Math.floor(Math.random() * 1000);
    const a = limiter(id, 30);
    const b = limiter(id, 30);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).schedule(async () => i)),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('spaces clustered starts by a whole number of ms with a margin', () => {
    expect(spacingMs(200, false)).toBe(5);
    expect(spacingMs(300, false)).toBeCloseTo(3.333, 2);
    expect(spacingMs(200, true)).toBe(6);
    expect(spacingMs(30, true)).toBe(35);
  });

  it('keeps working after Redis loses its keys (flush or restart)', async () => {
    const id = 901_000 + Math.floor(Math.random() * 1000);
    const a = limiter(id, 50);
    expect(await a.schedule(async () => 'before')).toBe('before');
    await admin.flushdb();
    // Without recovery every call now fails with ERR UNKNOWN_CLIENT / SETTINGS_KEY_NOT_FOUND.
    expect(await a.schedule(async () => 'after')).toBe('after');
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => a.schedule(async () => i)),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
  });
});
