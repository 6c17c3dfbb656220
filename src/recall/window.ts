import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The hard bound behind a limiter's pace: at most `max` starts in any window of `windowMs`.
 * The pace keeps on-time ticks within it; a tick that comes late (a blocked event loop, a
 * replica whose clock is off) would bunch with the next ones, and waits here instead.
 */
export interface StartWindow {
  /** Records `n` starts now and resolves 0, or resolves how many ms to wait before asking again. */
  admit(n: number): Promise<number>;
  close(): Promise<void>;
}

/** The window of one process, on its monotonic clock. */
export class LocalWindow implements StartWindow {
  /** Start times, oldest first, within the last window. */
  private readonly starts: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async admit(n: number): Promise<number> {
    const now = this.now();
    while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.windowMs) {
      this.starts.shift();
    }
    const free = this.max - this.starts.length;
    if (free >= n) {
      for (let i = 0; i < n; i++) this.starts.push(now);
      return 0;
    }
    // Enough starts leave the window when the (n - free)-th oldest does.
    const freeing = this.starts[n - free - 1] ?? now;
    return Math.max(1, Math.ceil(freeing + this.windowMs - now));
  }

  async close(): Promise<void> {}
}

/**
 * Redis keeps the starts of every replica in one sorted set, timed by Redis's own clock, so the
 * bound holds across replicas whatever their clocks say. KEYS: the set. ARGV: window ms, max,
 * n, a unique prefix for the members.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local free = max - redis.call('ZCARD', KEYS[1])
if free >= n then
  for i = 1, n do redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local freeing = redis.call('ZRANGE', KEYS[1], n - free - 1, n - free - 1, 'WITHSCORES')
return math.max(1, tonumber(freeing[2]) + window - now)`;

type WithAdmit = Redis & {
  recallAdmit(key: string, windowMs: number, max: number, n: number, id: string): Promise<number>;
};

/** The window shared by every replica on one Redis. */
export class RedisWindow implements StartWindow {
  private readonly redis: WithAdmit;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly windowMs: number,
    private readonly max: number,
    onError: (error: unknown) => void,
  ) {
    // Without a listener ioredis prints every connection error to the console.
    redis.on('error', onError);
    redis.defineCommand('recallAdmit', { numberOfKeys: 1, lua: ADMIT });
    this.redis = redis as WithAdmit;
  }

  async admit(n: number): Promise<number> {
    return this.redis.recallAdmit(this.key, this.windowMs, this.max, n, randomUUID());
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
