import { Redis } from 'ioredis';
import { withTimeout } from '../../lib/sleep.js';
import { loadScripts, type ScriptedRedis, withScripts } from './scripts.js';

export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL; its path picks the database. */
  url: string;
  /** Put before every key, so several apps (or tests) can share one Redis. */
  prefix?: string;
  /**
   * How long a claimed entry may go without a heartbeat before another replica takes it over:
   * the time a crashed replica's events wait. Heartbeats run every third of it.
   */
  leaseMs?: number;
  /** Clock for `enqueuedAt`. */
  now?: () => number;
  /** How long `connect` waits for Redis before it gives up. */
  connectTimeoutMs?: number;
  /** Longest wait for one (non-blocking) reply; bounds webhook answers and `check()`. */
  commandTimeoutMs?: number;
  /** Consumers of earlier runs that hold nothing are forgotten after this long without a read. */
  forgetIdleConsumersAfterMs?: number;
  /** A queue entry that cannot be read was dropped (acked and deleted) so it cannot wedge the queue. */
  onCorrupt?: (id: string, error: unknown) => void;
  /** A background task (heartbeat, release on close) failed; the lease covers the gap. */
  onError?: (error: unknown, during: string) => void;
}

export const DEFAULTS = {
  prefix: 'recall-bot:',
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 1_500,
} as const;

/** A health probe answers within this, even when the reply to its PING never comes. */
const CHECK_TIMEOUT_MS = 1_000;
/** A blocking read answered this long after its BLOCK time is taken for lost (dead connection). */
const BLOCKING_GRACE_MS = 2_000;

/** The kinds of keys named by the roles (`<prefix><kind>:<name>`). */
export type KeyKind = 'dedupe' | 'post' | 'once' | 'recalled' | 'recall-job' | 'recall-keys';

/** Throws the first error of a MULTI's replies (ioredis resolves them, it does not throw). */
export function failedStep(replies: [Error | null, unknown][] | null): void {
  const failed = replies?.find(([error]) => error)?.[0];
  if (failed) throw failed;
}

/** Resolves when the connection is ready; rejects after `timeoutMs` with the last error seen. */
function whenReady(redis: Redis, timeoutMs: number, lastError: () => unknown): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      const cause = lastError();
      const reason = cause instanceof Error ? `: ${cause.message}` : '';
      reject(new Error(`Redis was not ready within ${timeoutMs} ms${reason}`, { cause }));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/**
 * The two connections every role of the Redis store shares: `redis` for commands and scripts,
 * `blocking` only for the queue's blocking reads, so they never hold up enqueues, acks or
 * heartbeats. Also the names of the keys, all under one prefix.
 */
export class RedisConnection {
  readonly redis: ScriptedRedis;
  readonly blocking: Redis;
  readonly now: () => number;
  readonly keys: {
    prefix: string;
    stream: string;
    dead: string;
    attempts: string;
    attemptsByEvent: string;
  };
  private lastError: unknown;

  constructor(private readonly options: RedisStoreOptions) {
    const prefix = options.prefix ?? DEFAULTS.prefix;
    this.keys = {
      prefix,
      stream: `${prefix}events`,
      dead: `${prefix}dead-letters`,
      attempts: `${prefix}attempts`,
      attemptsByEvent: `${prefix}attempts-by-event`,
    };
    this.now = options.now ?? Date.now;
    // Read before connecting: a missing script file fails here, with no connection left open.
    const scripts = loadScripts();
    this.redis = withScripts(
      new Redis(options.url, {
        // While Redis is away, fail at once rather than queue: a webhook must be answered within
        // Tencent's 2 s, and a health probe must say "down". Reconnects go on in the background.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
        keepAlive: 30_000,
        enableAutoPipelining: true,
      }),
      scripts,
    );
    this.blocking = this.redis.duplicate({
      enableAutoPipelining: false,
      // A blocking read waits for as long as it asked to; the grace below bounds it instead.
      commandTimeout: undefined,
      blockingTimeout: BLOCKING_GRACE_MS,
      blockingTimeoutGrace: BLOCKING_GRACE_MS,
      // A read lost with its connection is not sent again: Redis may have delivered entries to
      // the first one (the lease recovers those); a second read would only add to them.
      autoResendUnfulfilledCommands: false,
    });
    // Without a listener ioredis prints every failed reconnect; the last one explains `check()`.
    const remember = (error: unknown) => {
      this.lastError = error;
    };
    this.redis.on('error', remember);
    this.blocking.on('error', remember);
  }

  private closing = false;

  /** Set once the store starts closing: the roles take no more work. */
  get closed(): boolean {
    return this.closing;
  }

  /** The store starts closing: from now on the roles take no more work. */
  beginClose(): void {
    this.closing = true;
  }

  /** `<prefix><kind>:<name>`. */
  key(kind: KeyKind, name: string): string {
    return `${this.keys.prefix}${kind}:${name}`;
  }

  /** Resolves once both connections are ready; rejects after the connect timeout. */
  async ready(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    const lastError = () => this.lastError;
    await Promise.all([
      whenReady(this.redis, timeoutMs, lastError),
      whenReady(this.blocking, timeoutMs, lastError),
    ]);
  }

  async check(): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    if (this.redis.status !== 'ready') {
      const cause = this.lastError instanceof Error ? ` (${this.lastError.message})` : '';
      throw new Error(`Redis connection is ${this.redis.status}${cause}`);
    }
    // A write, not a PING: a Redis out of memory (noeviction) still answers PING.
    await withTimeout(
      this.redis.set(`${this.keys.prefix}write-probe`, String(this.now()), 'PX', 60_000),
      CHECK_TIMEOUT_MS,
      'Redis did not answer a write',
    );
  }

  /** Ends a waiting blocking read now instead of after its BLOCK time. */
  cutBlocking(): void {
    this.blocking.disconnect();
  }

  async quit(): Promise<void> {
    if (this.redis.status === 'ready') {
      // QUIT is answered after every command sent before it: enqueues in flight complete.
      // Should it fail, the connection is going anyway: cut it so nothing keeps the process up.
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }
}
