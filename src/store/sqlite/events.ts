import { type FeedEvent, feedEventSchema } from '../../kinds/feed-event.js';
import type { QueuedEvent } from '../queue.js';

/** A row of the `events` table as the queue reads it. */
export interface EventRow {
  id: number;
  payload: string;
  enqueued_at: number;
}

/** Event IDs as SQLite takes them (`json_each`): the queue's IDs are its row IDs. */
export const idList = (list: readonly string[]) => JSON.stringify(list.map(Number));

/** A stored event, or why it cannot be read. */
export function readEvent(
  payload: string,
): { success: true; data: FeedEvent } | { success: false; error: string } {
  try {
    const parsed = feedEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed : { success: false, error: parsed.error.message.slice(0, 200) };
  } catch (error) {
    return { success: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The queued event of a row, or why it cannot be read. */
export function readQueuedEvent(
  row: EventRow,
): { success: true; data: QueuedEvent } | { success: false; error: string } {
  const event = readEvent(row.payload);
  if (!event.success) return event;
  return {
    success: true,
    data: { id: String(row.id), event: event.data, enqueuedAt: row.enqueued_at },
  };
}

/** The queued event of a row, if it can be read. */
export function queuedEventOf(row: EventRow): QueuedEvent | undefined {
  const queued = readQueuedEvent(row);
  return queued.success ? queued.data : undefined;
}
