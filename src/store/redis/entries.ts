import { z } from 'zod';
import { feedEventSchema } from '../../kinds/feed-event.js';
import { chunk } from '../../lib/lists.js';
import type { QueuedEvent } from '../queue.js';

/** IDs per script call: keeps each script short (it blocks Redis) and under Lua's unpack limit. */
export const IDS_PER_SCRIPT = 500;

/**
 * Runs `run` on `ids` a chunk of `IDS_PER_SCRIPT` at a time, one after the other (a script a
 * chunk: each one blocks Redis while it runs); resolves the result of each chunk, in order.
 */
export async function forChunks<T>(
  ids: readonly string[],
  run: (part: string[]) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (const part of chunk(ids, IDS_PER_SCRIPT)) results.push(await run(part));
  return results;
}

export const streamEntrySchema = z.tuple([z.string(), z.array(z.string())]);
export type StreamEntry = z.infer<typeof streamEntrySchema>;

const storedEntrySchema = z.object({
  payload: z.string(),
  enqueuedAt: z.coerce.number().int().nonnegative(),
});

const STREAM_ID = /^\d+-\d+$/;

/** The IDs that can name a stream entry (Redis would refuse a whole script for one that cannot). */
export function streamIds(ids: readonly string[]): string[] {
  return ids.filter((id) => STREAM_ID.test(id));
}

/** Stream IDs in the stream's order. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** The queued event an entry holds; throws when it cannot be read. */
export function toQueuedEvent([id, fields]: StreamEntry): QueuedEvent {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i] ?? ''] = fields[i + 1] ?? '';
  const stored = storedEntrySchema.parse(map);
  const event = feedEventSchema.parse(JSON.parse(stored.payload));
  return { id, event, enqueuedAt: stored.enqueuedAt };
}
