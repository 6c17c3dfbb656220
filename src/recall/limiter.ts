import Bottleneck from 'bottleneck';
import { Redis, type RedisOptions } from 'ioredis';
import { type Logger, silentLogger } from '../log.js';
import { type Pace, paceFor } from './pace.js';

/** A recall refused before it was sent: too many requests already wait for their turn. */
export class RecallQueueFullError extends Error {
  constructor(readonly maxQueued: number) {
    super(
      `Too many recall requests are waiting (${maxQueued}); nothing was sent for these messages, try again in a minute`,
    );
    this.name = 'RecallQueueFullError';
  }
}

/** A request that never got its turn: the limiter was closed, or its Redis did not answer. */
export class RecallLimiterError extends Error {
  constructor(
    message: string,
    readonly code: 'closed' | 'unavailable',
  ) {
    super(message);
    this.name = 'RecallLimiterError';
  }
}

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
  /** The pace it keeps. */
  readonly pace: Pace;
  /** Refuses what waits, waits for what runs, and disconnects a clustered datastore. */
  close(): Promise<void>;
}

interface Waiting {
  start: () => void;
  refuse: (error: Error) => void;
}

/**
 * A limiter that starts requests in ticks (see `paceFor`): bottleneck spaces the ticks, one job
 * each, and every tick starts the next `perTick` requests waiting here. Clustered on Redis, every
 * replica's ticks share one schedule, so the whole fleet keeps the rate.
 *
 * `bottleneckOptions` is for clustering, e.g. `clusteredOptions(redisUrl)`.
 */
export function createRecallLimiter(
  sdkAppId: number,
  options: RecallLimiterOptions,
  bottleneckOptions: Bottleneck.ConstructorOptions = {},
): RecallLimiter {
  const pace = paceFor(options.ratePerSecond);
  const maxQueued = options.maxQueued ?? 5000;
  const logger = options.logger ?? silentLogger;
  /**
   * A tick not granted within this long means the datastore does not answer (slots come at
   * least every `everyMs`, and other replicas' ticks go first at most a few times).
   */
  const stallMs = Math.max(10_000, 20 * pace.everyMs);
  const build = () => {
    const limiter = new Bottleneck({
      id: `recall-${sdkAppId}`,
      minTime: pace.everyMs,
      maxConcurrent: null,
      ...bottleneckOptions,
    });
    limiter.on('error', (error: unknown) => logger.error('recall limiter error', { error }));
    return limiter;
  };
  let bottleneck = build();
  const queue: Waiting[] = [];
  const running = new Set<Promise<unknown>>();
  let ticking = false;
  let closed: Promise<void> | undefined;
  let stallTimer: NodeJS.Timeout | undefined;

  const refuseAll = (error: Error) => {
    for (const waiting of queue.splice(0)) waiting.refuse(error);
  };

  /** Keeps one tick asked for while requests wait. */
  const pump = () => {
    if (ticking || closed || queue.length === 0) return;
    ticking = true;
    const limiter = bottleneck;
    let ran = false;
    const armStall = () => {
      stallTimer = setTimeout(() => {
        logger.warn('recall limiter: no turn granted; the requests waiting are refused', {
          waitedMs: stallMs,
        });
        refuseAll(
          new RecallLimiterError(
            `the rate limiter did not give a turn within ${stallMs / 1000} s (is Redis reachable?)`,
            'unavailable',
          ),
        );
        // The tick stays asked for (it may still come); requests that wait meanwhile are bounded too.
        armStall();
      }, stallMs);
      stallTimer.unref();
    };
    armStall();
    limiter
      .schedule(async () => {
        ran = true;
        clearTimeout(stallTimer);
        for (const waiting of queue.splice(0, pace.perTick)) waiting.start();
      })
      .then(
        () => undefined,
        async (error: unknown) => {
          clearTimeout(stallTimer);
          if (ran || closed) return;
          if (isLostClusterState(error)) {
            await rebuild(limiter);
            return;
          }
          logger.warn('recall limiter could not give a turn', { error });
          refuseAll(
            new RecallLimiterError(
              `the rate limiter could not be reached (${error instanceof Error ? error.message : String(error)})`,
              'unavailable',
            ),
          );
        },
      )
      .finally(() => {
        ticking = false;
        pump();
      });
  };

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

  return {
    pace,
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(closedError());
      // Waiting requests live in this process whatever the datastore: bound them here.
      if (queue.length >= maxQueued) return Promise.reject(new RecallQueueFullError(maxQueued));
      return new Promise<T>((resolve, reject) => {
        queue.push({
          start: () => {
            const run = Promise.resolve().then(fn);
            running.add(run);
            run.then(resolve, reject).finally(() => running.delete(run));
          },
          refuse: reject,
        });
        pump();
      });
    },
    waiting: () => queue.length,
    close() {
      closed ??= (async () => {
        clearTimeout(stallTimer);
        refuseAll(closedError());
        await bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
        await Promise.allSettled([...running]);
        await bottleneck.disconnect().catch(() => undefined);
      })();
      return closed;
    },
  };
}

function closedError(): RecallLimiterError {
  return new RecallLimiterError('the recall limiter is closed (the app is stopping)', 'closed');
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
    // Redis gone is told at once (and the request retried later), not queued until it returns.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
  };
}
