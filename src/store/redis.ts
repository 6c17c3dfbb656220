import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { type FeedEvent, feedEventSchema } from '../kinds/feed-event.js';
import { chunk } from '../lib/lists.js';
import { withTimeout } from '../lib/sleep.js';
import { type ScriptedRedis, withScripts } from './redis/scripts.js';
import {
  type AttemptResult,
  DEDUPE_RETENTION_MS,
  type DeadLetter,
  doneAttempt,
  POST_LINK_RETENTION_MS,
  type PostAttempt,
  type PostLink,
  postAttemptSchema,
  postLinkSchema,
  type QueuedEvent,
  type Store,
} from './store.js';

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

const DEFAULTS = {
  prefix: 'recall-bot:',
  leaseMs: 30_000,
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 1_500,
  forgetIdleConsumersAfterMs: 60 * 60 * 1000,
} as const;

/** The consumer group every replica reads the stream through. */
const GROUP = 'feed';
/** Entries released on close get this idle time, so any replica's next claim takes them at once. */
const RELEASED_IDLE_MS = 365 * 24 * 60 * 60 * 1000;
/** IDs per script call: keeps each script short (it blocks Redis) and under Lua's unpack limit. */
const IDS_PER_SCRIPT = 500;
/** A health probe answers within this, even when the reply to its PING never comes. */
const CHECK_TIMEOUT_MS = 1_000;
/** A blocking read answered this long after its BLOCK time is taken for lost (dead connection). */
const BLOCKING_GRACE_MS = 2_000;

const streamEntrySchema = z.tuple([z.string(), z.array(z.string())]);
type StreamEntry = z.infer<typeof streamEntrySchema>;
/** XAUTOCLAIM: next cursor, claimed entries (nil for deleted ones before Redis 7), deleted IDs. */
const autoClaimReplySchema = z.tuple(
  [z.string(), z.array(streamEntrySchema.nullable())],
  z.unknown(),
);
/** XREADGROUP: one [stream, entries] pair per stream, or nil when the wait ran out. */
const readGroupReplySchema = z.array(z.tuple([z.string(), z.array(streamEntrySchema)])).nullable();
const storedEntrySchema = z.object({
  payload: z.string(),
  enqueuedAt: z.coerce.number().int().nonnegative(),
});
const STREAM_ID = /^\d+-\d+$/;
const deadRecordSchema = z.object({
  payload: z.string(),
  reason: z.string(),
  at: z.number(),
});

/** Throws the first error of a MULTI's replies (ioredis resolves them, it does not throw). */
function failedStep(replies: [Error | null, unknown][] | null): void {
  const failed = replies?.find(([error]) => error)?.[0];
  if (failed) throw failed;
}

function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

function toQueuedEvent([id, fields]: StreamEntry): QueuedEvent {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i] ?? ''] = fields[i + 1] ?? '';
  const stored = storedEntrySchema.parse(map);
  const event = feedEventSchema.parse(JSON.parse(stored.payload));
  return { id, event, enqueuedAt: stored.enqueuedAt };
}

function isNoGroupError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
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
 * The store for many replicas sharing one Redis. The queue is a stream read through a consumer
 * group: each instance is one consumer; entries it holds are kept from other replicas by a
 * heartbeat, and taken over by any replica once their holder has been silent for a lease.
 * Durability is Redis's: an answered enqueue survives a Redis crash only with AOF persistence
 * (`appendonly yes`, `appendfsync always`), and keys must never be evicted (`noeviction`).
 */
export class RedisStore implements Store {
  /** This instance's name in the consumer group: unique per process and instance. */
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly redis: ScriptedRedis;
  /** Only for blocking reads, so they never hold up enqueues, acks or heartbeats. */
  private readonly blocking: Redis;
  private readonly keys: {
    stream: string;
    prefix: string;
    dead: string;
    attempts: string;
    attemptsByEvent: string;
  };
  private readonly leaseMs: number;
  private readonly now: () => number;
  /** Entries handed out and not yet acked: never handed out twice, and kept alive. */
  private readonly held = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  private heartbeatInFlight = false;
  private lastError: unknown;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: RedisStoreOptions) {
    const prefix = options.prefix ?? DEFAULTS.prefix;
    this.keys = {
      prefix,
      stream: `${prefix}events`,
      dead: `${prefix}dead-letters`,
      attempts: `${prefix}attempts`,
      attemptsByEvent: `${prefix}attempts-by-event`,
    };
    this.leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    this.now = options.now ?? Date.now;
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
    this.heartbeat = setInterval(() => void this.renewLease(), Math.max(10, this.leaseMs / 3));
    this.heartbeat.unref();
  }

  /** A store whose connections are ready and whose consumer group exists. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const store = new RedisStore(options);
    try {
      const timeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
      const lastError = () => store.lastError;
      await Promise.all([
        whenReady(store.redis, timeoutMs, lastError),
        whenReady(store.blocking, timeoutMs, lastError),
      ]);
      await store.createGroup();
      await store.redis.forgetIdleConsumers(
        store.keys.stream,
        GROUP,
        options.forgetIdleConsumersAfterMs ?? DEFAULTS.forgetIdleConsumersAfterMs,
      );
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Once-values and acquired keys share one namespace, as they share one table in SQLite. */
  private key(
    kind: 'dedupe' | 'post' | 'once' | 'recalled' | 'recall-job' | 'recall-keys',
    name: string,
  ): string {
    return `${this.keys.prefix}${kind}:${name}`;
  }

  private async createGroup(): Promise<void> {
    try {
      // From 0, not $: should the group ever be lost, entries already waiting are still delivered
      // (delivered ones are deleted on ack, so nothing goes out twice).
      await this.redis.xgroup('CREATE', this.keys.stream, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  /** Runs a group command; re-creates the group once if it vanished (key deleted, db flushed). */
  private async inGroup<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (!isNoGroupError(error)) throw error;
      await this.createGroup();
      return command();
    }
  }

  private get closed(): boolean {
    return this.closing !== undefined;
  }

  async enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    if (this.closed) throw new Error('store is closed');
    const added = await this.redis.enqueueEvent(
      this.key('dedupe', dedupeKey),
      this.keys.stream,
      JSON.stringify(event),
      this.now(),
    );
    return added === 1;
  }

  async claim(limit: number, waitMs: number): Promise<QueuedEvent[]> {
    if (this.closed || limit <= 0) return [];
    const taken = await this.takeOverAbandoned(limit);
    const wait = taken.length === 0 ? waitMs : 0;
    const fresh = taken.length < limit ? await this.readNew(limit - taken.length, wait) : [];
    return this.handOut([...taken, ...fresh]);
  }

  /** Entries whose holder has been silent for a lease: a replica that died while posting them. */
  private async takeOverAbandoned(limit: number): Promise<StreamEntry[]> {
    const out: StreamEntry[] = [];
    let cursor = '0-0';
    do {
      const start = cursor;
      const reply = await this.inGroup(() =>
        this.redis.xautoclaim(
          this.keys.stream,
          GROUP,
          this.consumer,
          this.leaseMs,
          start,
          'COUNT',
          limit - out.length,
        ),
      );
      const [next, entries] = autoClaimReplySchema.parse(reply);
      for (const entry of entries) if (entry) out.push(entry);
      cursor = next;
    } while (cursor !== '0-0' && out.length < limit);
    return out;
  }

  private async readNew(count: number, waitMs: number): Promise<StreamEntry[]> {
    const stream = this.keys.stream;
    let reply: unknown;
    try {
      reply = await this.inGroup(() =>
        waitMs > 0
          ? this.blocking.xreadgroup(
              'GROUP',
              GROUP,
              this.consumer,
              'COUNT',
              count,
              'BLOCK',
              Math.max(1, Math.round(waitMs)),
              'STREAMS',
              stream,
              '>',
            )
          : this.redis.xreadgroup(
              'GROUP',
              GROUP,
              this.consumer,
              'COUNT',
              count,
              'STREAMS',
              stream,
              '>',
            ),
      );
    } catch (error) {
      // close() cuts the blocking connection to end the wait: that is no failure.
      if (this.closed) return [];
      throw error;
    }
    return readGroupReplySchema.parse(reply)?.flatMap(([, entries]) => entries) ?? [];
  }

  /** Parses entries for the worker; those that cannot be read are dropped so they cannot wedge. */
  private async handOut(entries: StreamEntry[]): Promise<QueuedEvent[]> {
    const out: QueuedEvent[] = [];
    const corrupt: string[] = [];
    for (const entry of entries) {
      const id = entry[0];
      if (this.held.has(id)) continue;
      try {
        out.push(toQueuedEvent(entry));
        this.held.add(id);
      } catch (error) {
        corrupt.push(id);
        this.options.onCorrupt?.(id, error);
      }
    }
    if (corrupt.length > 0) await this.ackInRedis(corrupt);
    return out;
  }

  async ack(ids: readonly string[]): Promise<void> {
    // An ID that is not a stream ID names no entry (Redis would refuse the whole script).
    const valid = ids.filter((id) => STREAM_ID.test(id));
    await this.ackInRedis(valid);
    for (const id of valid) this.held.delete(id);
  }

  private async ackInRedis(ids: readonly string[]): Promise<void> {
    for (const part of chunk(ids, IDS_PER_SCRIPT)) {
      await this.redis.ackEvents(
        this.keys.stream,
        this.keys.attempts,
        this.keys.attemptsByEvent,
        GROUP,
        DEDUPE_RETENTION_MS,
        ...part,
      );
    }
  }

  /** Resets the idle time of held entries; forgets those another replica has taken over. */
  private async renewLease(): Promise<void> {
    if (this.heartbeatInFlight || this.held.size === 0 || this.closed) return;
    this.heartbeatInFlight = true;
    try {
      await this.setIdleOfHeld(0);
    } catch (error) {
      // A missed beat is retried on the next tick; only a lease's worth of misses loses entries.
      this.options.onError?.(error, 'heartbeat');
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  private async setIdleOfHeld(
    idleMs: number,
    ids: readonly string[] = [...this.held],
  ): Promise<void> {
    for (const part of chunk(ids, IDS_PER_SCRIPT)) {
      const owned = new Set(
        await this.redis.renewHeld(this.keys.stream, GROUP, this.consumer, idleMs, ...part),
      );
      for (const id of part) if (!owned.has(id)) this.held.delete(id);
    }
  }

  async pendingCount(): Promise<number> {
    // Acked entries are deleted, so the stream holds exactly the undelivered ones.
    return this.redis.xlen(this.keys.stream);
  }

  async peek(ids: readonly string[]): Promise<QueuedEvent[]> {
    const valid = ids.filter((id) => STREAM_ID.test(id));
    const entries = await Promise.all(
      valid.map((id) => this.redis.xrange(this.keys.stream, id, id)),
    );
    return entries.flatMap((found) => {
      const [entry] = z.array(streamEntrySchema).parse(found);
      if (!entry) return [];
      try {
        return [toQueuedEvent(entry)];
      } catch {
        return [];
      }
    });
  }

  async release(ids: readonly string[]): Promise<void> {
    const mine = ids.filter((id) => this.held.has(id));
    for (const id of mine) this.held.delete(id);
    if (mine.length === 0) return;
    try {
      // Released entries go to the next claim of any replica, not after a lease.
      await this.setIdleOfHeld(RELEASED_IDLE_MS, mine);
    } catch (error) {
      // No longer renewed, they are taken over once the lease runs out.
      this.options.onError?.(error, 'release');
    }
  }

  async oldestPendingAt(): Promise<number | undefined> {
    const [first] = z
      .array(streamEntrySchema)
      .parse(await this.redis.xrange(this.keys.stream, '-', '+', 'COUNT', 1));
    if (!first) return undefined;
    try {
      return toQueuedEvent(first).enqueuedAt;
    } catch {
      // An unreadable entry is dropped by the next claim; its ID still tells its age.
      return Number(first[0].split('-')[0]);
    }
  }

  async deadLetter(ids: readonly string[], reason: string): Promise<void> {
    const valid = ids.filter((id) => STREAM_ID.test(id));
    for (const part of chunk(valid, IDS_PER_SCRIPT)) {
      await this.redis.deadLetterEvents(
        this.keys.stream,
        this.keys.dead,
        GROUP,
        reason.slice(0, 500),
        this.now(),
        ...part,
      );
    }
    for (const id of valid) this.held.delete(id);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const all = await this.redis.hgetall(this.keys.dead);
    const out: DeadLetter[] = [];
    for (const [id, stored] of Object.entries(all)) {
      const parsed = deadRecordSchema.safeParse(JSON.parse(stored));
      if (!parsed.success) continue;
      const event = feedEventSchema.safeParse(JSON.parse(parsed.data.payload));
      if (!event.success) continue;
      out.push({ id, event: event.data, reason: parsed.data.reason, at: parsed.data.at });
    }
    return out.sort((a, b) => compareStreamIds(a.id, b.id)).slice(0, limit);
  }

  async deadLetterCount(): Promise<number> {
    return this.redis.hlen(this.keys.dead);
  }

  async replayDeadLetters(ids?: readonly string[]): Promise<number> {
    const all = ids ?? (await this.redis.hkeys(this.keys.dead));
    let replayed = 0;
    // A script a chunk: each one blocks Redis while it runs.
    for (const part of chunk(all, IDS_PER_SCRIPT)) {
      replayed += await this.redis.replayDeadLetters(
        this.keys.stream,
        this.keys.dead,
        this.keys.attemptsByEvent,
        this.keys.attempts,
        ...part,
      );
    }
    return replayed;
  }

  async beginAttempt(attempt: PostAttempt): Promise<void> {
    await this.redis.beginAttempt(
      this.keys.attempts,
      this.keys.attemptsByEvent,
      attempt.id,
      JSON.stringify(attempt),
      ...attempt.eventIds,
    );
  }

  async finishAttempt(attempt: PostAttempt, result: AttemptResult): Promise<void> {
    const done = doneAttempt(attempt, result);
    const links = result.links ?? [];
    const ack = (result.ack ?? []).filter((id) => STREAM_ID.test(id));
    await this.redis.finishAttempt(
      3 + links.length,
      this.keys.stream,
      this.keys.attempts,
      this.keys.attemptsByEvent,
      ...links.map((l) => this.key('post', l.key)),
      GROUP,
      DEDUPE_RETENTION_MS,
      POST_LINK_RETENTION_MS,
      done.id,
      JSON.stringify(done),
      ...links.map((l) => JSON.stringify(l.link)),
      ...ack,
    );
    for (const id of ack) this.held.delete(id);
  }

  async abandonAttempt(id: string): Promise<void> {
    const stored = await this.redis.hget(this.keys.attempts, id);
    const parsed = stored ? postAttemptSchema.safeParse(JSON.parse(stored)) : undefined;
    await this.redis.abandonAttempt(
      this.keys.attempts,
      this.keys.attemptsByEvent,
      id,
      ...(parsed?.success ? parsed.data.eventIds : []),
    );
  }

  async attemptsFor(eventIds: readonly string[]): Promise<PostAttempt[]> {
    if (eventIds.length === 0) return [];
    const lists = await this.redis.hmget(this.keys.attemptsByEvent, ...eventIds);
    const attemptIds = new Set(
      lists.flatMap((list) => (list ? z.array(z.string()).parse(JSON.parse(list)) : [])),
    );
    if (attemptIds.size === 0) return [];
    const records = await this.redis.hmget(this.keys.attempts, ...attemptIds);
    return records.flatMap((record) => {
      const parsed = record ? postAttemptSchema.safeParse(JSON.parse(record)) : undefined;
      return parsed?.success ? [parsed.data] : [];
    });
  }

  async confirmHeld(ids: readonly string[]): Promise<boolean> {
    if (this.closed || ids.some((id) => !this.held.has(id))) return false;
    await this.setIdleOfHeld(0, ids);
    return ids.every((id) => this.held.has(id));
  }

  async addRecalled(group: string, msgKeys: readonly string[]): Promise<string[]> {
    const key = this.key('recalled', group);
    const multi = this.redis.multi();
    if (msgKeys.length > 0) multi.sadd(key, ...msgKeys).pexpire(key, POST_LINK_RETENTION_MS);
    multi.smembers(key);
    const results = (await multi.exec()) ?? [];
    const [error, members] = results[results.length - 1] ?? [new Error('no answer'), undefined];
    if (error) throw error;
    return z.array(z.string()).parse(members);
  }

  async savePostLink(key: string, link: PostLink): Promise<void> {
    const value = JSON.stringify(link);
    await this.redis.set(this.key('post', key), value, 'PX', POST_LINK_RETENTION_MS);
  }

  async getPostLink(key: string): Promise<PostLink | undefined> {
    const value = await this.redis.get(this.key('post', key));
    if (value === null) return undefined;
    try {
      return postLinkSchema.parse(JSON.parse(value));
    } catch (error) {
      // A link we cannot read only costs the in-place update; the recall is still posted.
      this.options.onCorrupt?.(this.key('post', key), error);
      return undefined;
    }
  }

  async saveRecallJob(id: string, record: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.key('recall-job', id), record)
      .sadd(this.key('recall-job', ''), id)
      .exec()
      .then(failedStep);
  }

  async saveRecallKeys(id: string, states: readonly (readonly [string, string])[]): Promise<void> {
    if (states.length === 0) return;
    await this.redis.hset(this.key('recall-keys', id), Object.fromEntries(states));
  }

  async loadRecallJob(
    id: string,
  ): Promise<{ record: string; keys: Map<string, string> } | undefined> {
    const [record, keys] = await Promise.all([
      this.redis.get(this.key('recall-job', id)),
      this.redis.hgetall(this.key('recall-keys', id)),
    ]);
    return record === null ? undefined : { record, keys: new Map(Object.entries(keys)) };
  }

  async recallJobIds(): Promise<string[]> {
    return this.redis.smembers(this.key('recall-job', ''));
  }

  async deleteRecallJob(id: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.key('recall-job', id), this.key('recall-keys', id))
      .srem(this.key('recall-job', ''), id)
      .exec()
      .then(failedStep);
  }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key('once', key), value, 'PX', ttl(ttlMs));
  }

  async takeOnce(key: string): Promise<string | undefined> {
    return (await this.redis.getdel(this.key('once', key))) ?? undefined;
  }

  async peekOnce(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.key('once', key))) ?? undefined;
  }

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key('once', key), '1', 'PX', ttl(ttlMs), 'NX')) === 'OK';
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.leaseKey(this.key('once', key), owner, ttl(ttlMs))) === 1;
  }

  async extendLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.renewLeaseKey(this.key('once', key), owner, ttl(ttlMs))) === 1;
  }

  async unlease(key: string, owner: string): Promise<void> {
    await this.redis.unleaseKey(this.key('once', key), owner);
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

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.heartbeat);
    // Ends a waiting claim now instead of after its BLOCK time.
    this.blocking.disconnect();
    if (this.held.size > 0 && this.redis.status === 'ready') {
      try {
        // Released entries go to the next claim of any replica, not after a lease.
        await this.setIdleOfHeld(RELEASED_IDLE_MS);
      } catch (error) {
        this.options.onError?.(error, 'release on close');
      }
    }
    this.held.clear();
    if (this.redis.status === 'ready') {
      // QUIT is answered after every command sent before it: enqueues in flight complete.
      // Should it fail, the connection is going anyway: cut it so nothing keeps the process up.
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }
}
