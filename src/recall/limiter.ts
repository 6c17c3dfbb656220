import Bottleneck from 'bottleneck';
import { Redis, type RedisOptions } from 'ioredis';
import { CodedError } from '../lib/errors.js';
import { sleep } from '../lib/sleep.js';
import { type Logger, silentLogger } from '../log.js';
import { JITTER_GUARD_MS, type Pace, paceFor } from './pace.js';
import { LocalWindow, RedisWindow, type StartWindow } from './window.js';

/** A recall refused before it was sent: too many requests already wait for their turn. */
export class RecallQueueFullError extends CodedError<'recall_queue_full'> {
  constructor(readonly maxQueued: number) {
    super(
      'recall_queue_full',
      `Too many recall requests are waiting (${maxQueued}); nothing was sent for these messages, try again in a minute`,
    );
  }
}

/** A request that never got its turn: the limiter was closed, or its Redis did not answer. */
export class RecallLimiterError extends CodedError<'closed' | 'unavailable'> {
  constructor(message: string, code: 'closed' | 'unavailable') {
    super(code, message);
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
 * each, and every tick starts the next `perTick` requests waiting here, once the start window
 * (see `StartWindow`) admits them. Clustered on Redis, every replica's ticks share one schedule
 * and one window, so the whole fleet keeps the rate.
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
  const id = `recall-${sdkAppId}`;
  const clientOptions = (bottleneckOptions as { clientOptions?: RedisOptions }).clientOptions;
  const windowMs = 1000 + JITTER_GUARD_MS;
  const logError = onceIn(30_000, (error: unknown) =>
    logger.warn('recall limiter: its Redis is failing', { error }),
  );
  const window: StartWindow =
    bottleneckOptions.datastore === 'ioredis' && clientOptions
      ? new RedisWindow(
          new Redis(clientOptions),
          `recallbot:limiter:${id}`,
          windowMs,
          options.ratePerSecond,
          logError,
        )
      : new LocalWindow(windowMs, options.ratePerSecond);
  /**
   * A tick not granted within this long means the datastore does not answer (slots come at
   * least every `everyMs`, and other replicas' ticks go first at most a few times).
   */
  const stallMs = Math.max(10_000, 20 * pace.everyMs);
  const build = () => {
    const limiter = new Bottleneck({
      id,
      minTime: pace.everyMs,
      maxConcurrent: null,
      ...bottleneckOptions,
    });
    limiter.on('error', (error: unknown) => {
      logError(error);
      // A tick bottleneck could not register stays in its queue and never settles: start over.
      if (isLostClusterState(error)) abandon(limiter);
    });
    return limiter;
  };
  let bottleneck = build();
  const queue: Waiting[] = [];
  const running = new Set<Promise<unknown>>();
  let ticking = false;
  let lostAt = 0;
  let closed: Promise<void> | undefined;
  let stallTimer: NodeJS.Timeout | undefined;

  const refuseAll = (error: Error, list = queue.splice(0)) => {
    for (const waiting of list) waiting.refuse(error);
  };
  const unavailable = (what: string) =>
    new RecallLimiterError(`the rate limiter ${what} (is Redis reachable?)`, 'unavailable');

  /**
   * Drops a bottleneck that failed (its Redis keys lost, a tick never granted) for a fresh one:
   * the tick it holds starts nothing if it ever comes, and the next tick is asked of the new one.
   */
  const abandon = (broken: Bottleneck) => {
    if (bottleneck !== broken || closed) return;
    clearTimeout(stallTimer);
    logger.warn('recall limiter: registering again with its datastore');
    bottleneck = build();
    void broken
      .stop({ dropWaitingJobs: true })
      .catch(() => undefined)
      .then(() => broken.disconnect(false))
      .catch(() => undefined);
    ticking = false;
    pump();
  };

  /** Starts `batch` once the window admits it; a window that cannot be asked refuses it. */
  const startWhenAdmitted = async (batch: Waiting[]) => {
    for (;;) {
      if (closed) return refuseAll(closedError(), batch);
      let wait: number;
      try {
        wait = await window.admit(batch.length);
      } catch (error) {
        logError(error);
        return refuseAll(unavailable('could not count its starts'), batch);
      }
      if (wait === 0) break;
      await sleep(wait);
    }
    if (closed) return refuseAll(closedError(), batch);
    for (const waiting of batch) waiting.start();
  };

  /** Keeps one tick asked for while requests wait. */
  const pump = () => {
    if (ticking || closed || queue.length === 0) return;
    ticking = true;
    const limiter = bottleneck;
    let ran = false;
    stallTimer = setTimeout(() => {
      logger.warn('recall limiter: no turn granted; the requests waiting are refused', {
        waitedMs: stallMs,
      });
      refuseAll(unavailable(`did not give a turn within ${Math.round(stallMs / 1000)} s`));
      abandon(limiter);
    }, stallMs);
    stallTimer.unref();
    limiter
      .schedule(async () => {
        if (limiter !== bottleneck) return; // abandoned: its turn no longer counts
        ran = true;
        clearTimeout(stallTimer);
        await startWhenAdmitted(queue.splice(0, pace.perTick));
      })
      .then(
        () => undefined,
        (error: unknown) => {
          clearTimeout(stallTimer);
          if (ran || closed || limiter !== bottleneck) return;
          // Lost keys (Redis restarted empty, flushed): no tick ran, so the requests simply wait
          // for a fresh registration; only a second loss within a second refuses them.
          if (isLostClusterState(error) && Date.now() - lostAt > 1000) {
            lostAt = Date.now();
            abandon(limiter);
            return;
          }
          logError(error);
          refuseAll(unavailable(`could not be reached (${messageOf(error)})`));
          // A datastore that failed to start keeps that failure (its `ready` stays rejected): a
          // fresh one, a second later, so a Redis that is down is not hammered. A connection that
          // is merely down reconnects by itself.
          if (isLostClusterState(error)) abandon(limiter);
          else void limiter.ready().catch(() => setTimeout(() => abandon(limiter), 1000).unref());
        },
      )
      .catch((error: unknown) => logger.error('recall limiter failed', { error }))
      .finally(() => {
        if (limiter !== bottleneck) return;
        ticking = false;
        pump();
      });
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
        await window.close();
      })();
      return closed;
    },
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `log` at most once every `everyMs` (a Redis that is down fails every call). */
function onceIn(everyMs: number, log: (error: unknown) => void): (error: unknown) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    log(error);
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
  return /\b(UNKNOWN_CLIENT|SETTINGS_KEY_NOT_FOUND)\b/.test(messageOf(error));
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
