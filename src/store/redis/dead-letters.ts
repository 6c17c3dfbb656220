import { z } from 'zod';
import { feedEventSchema } from '../../kinds/feed-event.js';
import { readJson } from '../../lib/json.js';
import type { DeadLetter } from '../queue.js';
import type { RedisConnection } from './connection.js';
import { compareStreamIds, forChunks, streamIds } from './entries.js';
import { GROUP } from './group.js';

const deadRecordSchema = z.object({
  payload: z.string(),
  reason: z.string(),
  at: z.number(),
});

/**
 * Dead letters: entries moved out of the stream into a hash (by their stream ID), with the
 * reason, until they are replayed at the end of the stream.
 */
export class RedisDeadLetters {
  constructor(private readonly connection: RedisConnection) {}

  /** Resolves the IDs that could name entries (those no longer held). */
  async setAside(ids: readonly string[], reason: string): Promise<string[]> {
    const { redis, keys } = this.connection;
    const valid = streamIds(ids);
    await forChunks(valid, (part) =>
      redis.deadLetterEvents(
        keys.stream,
        keys.dead,
        GROUP,
        reason.slice(0, 500),
        this.connection.now(),
        ...part,
      ),
    );
    return valid;
  }

  async list(limit: number): Promise<DeadLetter[]> {
    const all = await this.connection.redis.hgetall(this.connection.keys.dead);
    const out: DeadLetter[] = [];
    for (const [id, stored] of Object.entries(all)) {
      // One that cannot be read is counted but not listed (as on SQLite).
      const record = readJson(deadRecordSchema, stored);
      const event = record && readJson(feedEventSchema, record.payload);
      if (!record || !event) continue;
      out.push({ id, event, reason: record.reason, at: record.at });
    }
    return out.sort((a, b) => compareStreamIds(a.id, b.id)).slice(0, limit);
  }

  count(): Promise<number> {
    return this.connection.redis.hlen(this.connection.keys.dead);
  }

  async replay(ids?: readonly string[]): Promise<number> {
    const { redis, keys } = this.connection;
    const all = ids ?? (await redis.hkeys(keys.dead));
    const replayed = await forChunks(all, (part) =>
      redis.replayDeadLetters(keys.stream, keys.dead, keys.attemptsByEvent, keys.attempts, ...part),
    );
    return replayed.reduce((sum, n) => sum + n, 0);
  }
}
