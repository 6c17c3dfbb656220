import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { FeedEvent } from '../../kinds/feed-event.js';
import {
  type AttemptResult,
  DEDUPE_RETENTION_MS,
  type DeadLetter,
  type EventQueue,
  type PostAttempt,
  type QueuedEvent,
} from '../queue.js';
import { RedisAttempts } from './attempts.js';
import type { RedisConnection, RedisStoreOptions } from './connection.js';
import { RedisDeadLetters } from './dead-letters.js';
import {
  forChunks,
  type StreamEntry,
  streamEntrySchema,
  streamIds,
  toQueuedEvent,
} from './entries.js';
import { ConsumerGroup, GROUP } from './group.js';
import { HeldEntries } from './held.js';

/** XAUTOCLAIM: next cursor, claimed entries (nil for deleted ones before Redis 7), deleted IDs. */
const autoClaimReplySchema = z.tuple(
  [z.string(), z.array(streamEntrySchema.nullable())],
  z.unknown(),
);
/** XREADGROUP: one [stream, entries] pair per stream, or nil when the wait ran out. */
const readGroupReplySchema = z.array(z.tuple([z.string(), z.array(streamEntrySchema)])).nullable();

/** The queue's options left out (see `RedisStoreOptions`). */
const QUEUE_DEFAULTS = {
  leaseMs: 30_000,
  forgetIdleConsumersAfterMs: 60 * 60 * 1000,
} as const;

export type RedisQueueOptions = Pick<
  RedisStoreOptions,
  'leaseMs' | 'forgetIdleConsumersAfterMs' | 'onCorrupt' | 'onError'
>;

/**
 * The queue is a stream read through a consumer group: each instance is one consumer; entries it
 * holds are kept from other replicas by a heartbeat (`HeldEntries`), and taken over by any
 * replica once their holder has been silent for a lease. Acked entries are deleted, so the
 * stream holds exactly the undelivered ones.
 */
export class RedisEventQueue implements EventQueue {
  /** This instance's name in the consumer group: unique per process and instance. */
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly group: ConsumerGroup;
  private readonly held: HeldEntries;
  private readonly dead: RedisDeadLetters;
  private readonly attempts: RedisAttempts;
  private readonly leaseMs: number;

  constructor(
    private readonly connection: RedisConnection,
    private readonly options: RedisQueueOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? QUEUE_DEFAULTS.leaseMs;
    this.group = new ConsumerGroup(connection);
    this.held = new HeldEntries(connection, this.consumer, this.leaseMs, options.onError);
    this.dead = new RedisDeadLetters(connection);
    this.attempts = new RedisAttempts(connection);
  }

  /** Makes the consumer group (when new) and forgets the idle consumers of earlier runs. */
  async start(): Promise<void> {
    await this.group.create();
    await this.group.forgetIdleConsumers(
      this.options.forgetIdleConsumersAfterMs ?? QUEUE_DEFAULTS.forgetIdleConsumersAfterMs,
    );
  }

  /** Ends a waiting claim and hands back everything held (on close). */
  async stop(): Promise<void> {
    this.connection.cutBlocking();
    await this.held.releaseAll();
  }

  async enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    if (this.connection.closed) throw new Error('store is closed');
    const added = await this.connection.redis.enqueueEvent(
      this.connection.key('dedupe', dedupeKey),
      this.connection.keys.stream,
      JSON.stringify(event),
      this.connection.now(),
    );
    return added === 1;
  }

  async claim(limit: number, waitMs: number): Promise<QueuedEvent[]> {
    if (this.connection.closed || limit <= 0) return [];
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
      const reply = await this.group.run(() =>
        this.connection.redis.xautoclaim(
          this.connection.keys.stream,
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
    const { redis, blocking, keys } = this.connection;
    const read = ['GROUP', GROUP, this.consumer, 'COUNT', count] as const;
    let reply: unknown;
    try {
      reply = await this.group.run(() =>
        waitMs > 0
          ? blocking.xreadgroup(
              ...read,
              'BLOCK',
              Math.max(1, Math.round(waitMs)),
              'STREAMS',
              keys.stream,
              '>',
            )
          : redis.xreadgroup(...read, 'STREAMS', keys.stream, '>'),
      );
    } catch (error) {
      // close() cuts the blocking connection to end the wait: that is no failure.
      if (this.connection.closed) return [];
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
    const valid = streamIds(ids);
    await this.ackInRedis(valid);
    this.held.forget(valid);
  }

  private async ackInRedis(ids: readonly string[]): Promise<void> {
    const { redis, keys } = this.connection;
    await forChunks(ids, (part) =>
      redis.ackEvents(
        keys.stream,
        keys.attempts,
        keys.attemptsByEvent,
        GROUP,
        DEDUPE_RETENTION_MS,
        ...part,
      ),
    );
  }

  async pendingCount(): Promise<number> {
    // Acked entries are deleted, so the stream holds exactly the undelivered ones.
    return this.connection.redis.xlen(this.connection.keys.stream);
  }

  async peek(ids: readonly string[]): Promise<QueuedEvent[]> {
    const { redis, keys } = this.connection;
    const entries = await Promise.all(
      streamIds(ids).map((id) => redis.xrange(keys.stream, id, id)),
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

  release(ids: readonly string[]): Promise<void> {
    return this.held.release(ids);
  }

  async oldestPendingAt(): Promise<number | undefined> {
    const { redis, keys } = this.connection;
    const [first] = z
      .array(streamEntrySchema)
      .parse(await redis.xrange(keys.stream, '-', '+', 'COUNT', 1));
    if (!first) return undefined;
    try {
      return toQueuedEvent(first).enqueuedAt;
    } catch {
      // An unreadable entry is dropped by the next claim; its ID still tells its age.
      return Number(first[0].split('-')[0]);
    }
  }

  async deadLetter(ids: readonly string[], reason: string): Promise<void> {
    this.held.forget(await this.dead.setAside(ids, reason));
  }

  deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.dead.list(limit);
  }

  deadLetterCount(): Promise<number> {
    return this.dead.count();
  }

  replayDeadLetters(ids?: readonly string[]): Promise<number> {
    return this.dead.replay(ids);
  }

  confirmHeld(ids: readonly string[]): Promise<boolean> {
    return this.held.confirm(ids);
  }

  beginAttempt(attempt: PostAttempt): Promise<void> {
    return this.attempts.begin(attempt);
  }

  async finishAttempt(attempt: PostAttempt, result: AttemptResult): Promise<void> {
    this.held.forget(await this.attempts.finish(attempt, result));
  }

  abandonAttempt(id: string): Promise<void> {
    return this.attempts.abandon(id);
  }

  attemptsFor(eventIds: readonly string[]): Promise<PostAttempt[]> {
    return this.attempts.of(eventIds);
  }

  check(): Promise<void> {
    return this.connection.check();
  }
}
