import Bottleneck from 'bottleneck';
import { Redis, type RedisOptions } from 'ioredis';
import { type Logger, silentLogger } from '../log.js';

/** A recall refused before it was sent: too many requests already wait for their turn. */
export class RecallQueueFullError extends Error {
  constructor(readonly maxQueued: number) {
    super(
      `Too many recall requests are waiting (${maxQueued}); nothing was sent for these messages, try again in a minute`,
    );
    this.name = 'RecallQueueFullError';
  }
}

/** How bottleneck rejects a job its `highWater` strategy dropped. */
const DROPPED = 'This job has been dropped by Bottleneck';

export interface RecallLimiterOptions {
  /** Requests per second to Tencent (its documented limit for this API is 200). */
  ratePerSecond: number;
  /** Requests that may wait for their turn; more are refused with `RecallQueueFullError`. */
  maxQueued?: number;
  /** Receives the limiter's own errors (clustered limiters report Redis trouble there). */
  logger?: Logger;
}

export interface RecallLimiter {
  /** Runs `fn` when its turn comes; refuses at once when `maxQueued` requests already wait. */
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Requests accepted and not yet started. */
  waiting(): number;
  /** Drops what waits, waits for what runs, and disconnects a clustered datastore. */
  close(): Promise<void>;
}

/**
 * The spacing between request starts. Locally `1000 / rate` exactly: bottleneck only adds
 * `minTime` to the next start, so 300/s is 3.33 ms. On Redis it must be a whole number (its
 * Lua scripts pass it to `PEXPIRE`, which refuses a fraction and wedges every recall), and it
 * keeps a 5 % margin: replicas' first requests arrive bunched, which at exactly the rate tips a
 * one-second window over Tencent's limit.
 */
export function spacingMs(ratePerSecond: number, clustered: boolean): number {
  return clustered ? Math.ceil(1050 / ratePerSecond) : 1000 / ratePerSecond;
}

/**
 * A limiter that spaces request starts (see `spacingMs`). Spacing, not a reservoir: a reservoir
 * refill releases a burst over the per-second limit.
 *
 * `bottleneckOptions` is for clustering many replicas on one Redis, e.g.
 * `{ datastore: 'ioredis', clientOptions, id: 'recall-<sdkAppId>' }`.
 */
export function createRecallLimiter(
  sdkAppId: number,
  options: RecallLimiterOptions,
  bottleneckOptions: Bottleneck.ConstructorOptions = {},
): RecallLimiter {
  const maxQueued = options.maxQueued ?? 5000;
  const logger = options.logger ?? silentLogger;
  const build = () => {
    const limiter = new Bottleneck({
      id: `recall-${sdkAppId}`,
      minTime: spacingMs(options.ratePerSecond, bottleneckOptions.datastore === 'ioredis'),
      maxConcurrent: null,
      // Inert while maxConcurrent is null (bottleneck then moves every job out of its queue at
      // once, into timers), hence the count below; kept so a concurrency cap would still be bounded.
      highWater: maxQueued,
      strategy: Bottleneck.strategy.OVERFLOW,
      ...bottleneckOptions,
    });
    limiter.on('error', (error: unknown) => logger.error('recall limiter error', { error }));
    return limiter;
  };
  let bottleneck = build();
  let rebuilt: Promise<void> | undefined;
  /** A clustered limiter whose Redis keys vanished: drop it and register a fresh one, once. */
  const rebuild = (broken: Bottleneck) => {
    if (bottleneck !== broken) return rebuilt ?? Promise.resolve();
    logger.warn('recall limiter lost its Redis state; registering again');
    bottleneck = build();
    rebuilt = broken
      .disconnect(false)
      .catch(() => undefined)
      .then(() => bottleneck.ready())
      .then(() => undefined);
    return rebuilt;
  };
  let waiting = 0;
  let closed: Promise<void> | undefined;

  return {
    async schedule<T>(fn: () => Promise<T>): Promise<T> {
      // Queued jobs live in this process whatever the datastore: bound them here.
      if (waiting >= maxQueued) throw new RecallQueueFullError(maxQueued);
      waiting += 1;
      let counted = true;
      const started = () => {
        if (counted) waiting -= 1;
        counted = false;
      };
      try {
        for (let attempt = 0; ; attempt++) {
          const limiter = bottleneck;
          let ran = false;
          try {
            return await limiter.schedule(() => {
              ran = true;
              started();
              return fn();
            });
          } catch (error) {
            // The job never ran, so it is safe to schedule it again on a fresh limiter.
            if (!ran && attempt < 3 && isLostClusterState(error)) {
              await rebuild(limiter);
              continue;
            }
            throw error;
          }
        }
      } catch (error) {
        if (error instanceof Bottleneck.BottleneckError && error.message === DROPPED) {
          throw new RecallQueueFullError(maxQueued);
        }
        throw error;
      } finally {
        started();
      }
    },
    waiting: () => waiting,
    close() {
      // bottleneck's stop() rejects when called twice; closing twice should just wait.
      closed ??= bottleneck.stop({ dropWaitingJobs: true }).then(() => bottleneck.disconnect());
      return closed;
    },
  };
}

/**
 * Bottleneck's own recovery looks for the bare `UNKNOWN_CLIENT` / `SETTINGS_KEY_NOT_FOUND`, but
 * Redis 7 prefixes script errors with `ERR `, so after a Redis restart, flush or eviction it fails
 * for good (SGrondin/bottleneck#205, #212, #219). Matching either form lets us re-register.
 */
export function isLostClusterState(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\b(UNKNOWN_CLIENT|SETTINGS_KEY_NOT_FOUND)\b/.test(message);
}

/** Bottleneck options that share one limiter between every replica on a Redis. */
export function clusteredOptions(redisUrl: string): Bottleneck.ConstructorOptions {
  return {
    datastore: 'ioredis',
    Redis,
    clientOptions: redisClientOptions(redisUrl),
    // Keys of a limiter nobody uses expire, and a restarted replica re-registers.
    timeout: 24 * 60 * 60 * 1000,
  } as Bottleneck.ConstructorOptions;
}

function redisClientOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

const limiters = new Map<number, RecallLimiter>();

/**
 * The one limiter of an SDKAppID for the whole process: every recall of every user shares it,
 * since Tencent counts requests per app. The first call's options win.
 */
export function getRecallLimiter(
  sdkAppId: number,
  options: RecallLimiterOptions,
  bottleneckOptions?: Bottleneck.ConstructorOptions,
): RecallLimiter {
  let limiter = limiters.get(sdkAppId);
  if (!limiter) {
    limiter = createRecallLimiter(sdkAppId, options, bottleneckOptions);
    limiters.set(sdkAppId, limiter);
  }
  return limiter;
}

/** Closes and forgets every shared limiter (shutdown, and between tests). */
export async function closeRecallLimiters(): Promise<void> {
  const all = [...limiters.values()];
  limiters.clear();
  await Promise.all(all.map((limiter) => limiter.close()));
}
