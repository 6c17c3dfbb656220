import { z } from 'zod';
import { readJson } from '../../lib/json.js';
import { POST_LINK_RETENTION_MS } from '../post-links.js';
import {
  type AttemptResult,
  DEDUPE_RETENTION_MS,
  doneAttempt,
  type PostAttempt,
  postAttemptSchema,
} from '../queue.js';
import type { RedisConnection } from './connection.js';
import { streamIds } from './entries.js';
import { GROUP } from './group.js';
import { encodePostLink, postLinkKey } from './post-links.js';

/**
 * The writes to Slack recorded for queued events: a hash of records by attempt, and a hash of
 * attempt IDs by event (acking an event forgets its writes). Finishing a write acks its events
 * and saves its post links in the same script.
 */
export class RedisAttempts {
  constructor(private readonly connection: RedisConnection) {}

  async begin(attempt: PostAttempt): Promise<void> {
    const { redis, keys } = this.connection;
    await redis.beginAttempt(
      keys.attempts,
      keys.attemptsByEvent,
      attempt.id,
      JSON.stringify(attempt),
      ...attempt.eventIds,
    );
  }

  /** Resolves the events acked with it. */
  async finish(attempt: PostAttempt, result: AttemptResult): Promise<string[]> {
    const { redis, keys } = this.connection;
    const done = doneAttempt(attempt, result);
    const links = result.links ?? [];
    const ack = streamIds(result.ack ?? []);
    await redis.finishAttempt(
      3 + links.length,
      keys.stream,
      keys.attempts,
      keys.attemptsByEvent,
      ...links.map((l) => postLinkKey(this.connection, l.key)),
      GROUP,
      DEDUPE_RETENTION_MS,
      POST_LINK_RETENTION_MS,
      done.id,
      JSON.stringify(done),
      ...links.map((l) => encodePostLink(l.link)),
      ...ack,
    );
    return ack;
  }

  async abandon(id: string): Promise<void> {
    const { redis, keys } = this.connection;
    const stored = await redis.hget(keys.attempts, id);
    const parsed = stored ? readJson(postAttemptSchema, stored) : undefined;
    await redis.abandonAttempt(
      keys.attempts,
      keys.attemptsByEvent,
      id,
      ...(parsed?.eventIds ?? []),
    );
  }

  async of(eventIds: readonly string[]): Promise<PostAttempt[]> {
    if (eventIds.length === 0) return [];
    const { redis, keys } = this.connection;
    const lists = await redis.hmget(keys.attemptsByEvent, ...eventIds);
    const attemptIds = new Set(
      lists.flatMap((list) => (list ? z.array(z.string()).parse(JSON.parse(list)) : [])),
    );
    if (attemptIds.size === 0) return [];
    const records = await redis.hmget(keys.attempts, ...attemptIds);
    return records.flatMap((record) => {
      const parsed = record ? readJson(postAttemptSchema, record) : undefined;
      return parsed ? [parsed] : [];
    });
  }
}
