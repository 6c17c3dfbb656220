import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  clusteredOptions,
  createRecallLimiter,
  isLostClusterState,
  type RecallLimiter,
  RecallLimiterError,
} from '../../../src/recall/limiter.js';
import { RedisWindow } from '../../../src/recall/window.js';
import { measureRate } from '../../helpers/rates.js';
import { type RedisServer, startRedisServer } from '../../helpers/redis-server.js';

// A database of its own: this file flushes it to make bottleneck lose its keys.
const URL = process.env.REDIS_LIMITER_TEST_URL ?? 'redis://127.0.0.1:6379/12';
const admin = new Redis(URL);
const open: RecallLimiter[] = [];

function limiter(sdkAppId: number, ratePerSecond: number, url = URL): RecallLimiter {
  const made = createRecallLimiter(sdkAppId, { ratePerSecond }, clusteredOptions(url));
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

  // Two limiters with one id are two replicas: together within 5 % of the rate, never over.
  it.each([50, 200, 1000])(
    'keeps %i/s across two replicas within 5 percent, never over in any second',
    async (rate) => {
      const id = 903_000 + rate * 10 + Math.floor(Math.random() * 10);
      const measured = await measureRate([limiter(id, rate), limiter(id, rate)], rate, 2);
      expect(measured.mostInASecond).toBeLessThanOrEqual(rate);
      expect(measured.rate).toBeGreaterThanOrEqual(0.95 * rate);
    },
  );

  it('refuses at once while its Redis is gone (not sent, no wait), and works again after', async () => {
    const redis: RedisServer = await startRedisServer();
    try {
      const id = 904_000 + Math.floor(Math.random() * 1000);
      const l = limiter(id, 50, redis.url);
      expect(await l.schedule(async () => 'before')).toBe('before');
      await redis.stop();
      let ran = false;
      const refused = await l
        .schedule(async () => {
          ran = true;
        })
        .catch((error: unknown) => error);
      expect(ran).toBe(false);
      expect(refused).toBeInstanceOf(RecallLimiterError);
      expect((refused as RecallLimiterError).code).toBe('unavailable');
      await redis.start();
      // ioredis reconnects on its own; the limiter registers again if Redis lost its keys.
      let after: unknown;
      for (let i = 0; i < 50 && after !== 'after'; i++) {
        after = await l.schedule(async () => 'after').catch((error: unknown) => error);
        if (after !== 'after') await new Promise((r) => setTimeout(r, 200));
      }
      expect(after).toBe('after');
    } finally {
      await redis.close();
    }
  });

  it("counts every replica's starts on Redis's clock, in one window", async () => {
    const key = `recallbot:test-window:${Math.random()}`;
    const a = new RedisWindow(new Redis(URL), key, 1020, 200, () => undefined);
    const b = new RedisWindow(new Redis(URL), key, 1020, 200, () => undefined);
    try {
      expect(await a.admit(150)).toBe(0);
      expect(await b.admit(50)).toBe(0);
      const wait = await b.admit(1);
      // Full: the next start waits until the first ones leave the window (about 1,020 ms).
      expect(wait).toBeGreaterThan(900);
      expect(wait).toBeLessThanOrEqual(1020);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
