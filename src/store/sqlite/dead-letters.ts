import type { DeadLetter } from '../queue.js';
import type { SqliteConnection } from './connection.js';
import { idList, readEvent } from './events.js';

/**
 * Dead letters in the `events` table: rows with `dead_at` set, which claims skip until they are
 * replayed. The queue calls these and keeps its claims in step.
 */
export class SqliteDeadLetters {
  constructor(private readonly connection: SqliteConnection) {}

  async setAside(list: readonly string[], reason: string): Promise<void> {
    await this.connection.writer.transaction([
      {
        sql: 'UPDATE events SET dead_at = ?, dead_reason = ? WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))',
        params: [this.connection.now(), reason.slice(0, 500), idList(list)],
      },
    ]);
  }

  list(limit: number): DeadLetter[] {
    const rows = this.connection.db
      .prepare(
        'SELECT id, payload, dead_reason, dead_at FROM events WHERE dead_at IS NOT NULL ORDER BY id LIMIT ?',
      )
      .all(limit) as { id: number; payload: string; dead_reason: string | null; dead_at: number }[];
    // A row that cannot be read (set aside for that reason) is counted but not listed, as in the
    // Redis store: one bad row must not hide the others.
    return rows.flatMap((row) => {
      const event = readEvent(row.payload);
      if (!event.success) return [];
      return [
        { id: String(row.id), event: event.data, reason: row.dead_reason ?? '', at: row.dead_at },
      ];
    });
  }

  count(): number {
    const row = this.connection.db
      .prepare('SELECT count(*) AS n FROM events WHERE dead_at IS NOT NULL')
      .get() as { n: number };
    return row.n;
  }

  /** Puts dead letters back (all, or those named); how many. */
  async replay(list?: readonly string[]): Promise<number> {
    const [result] = await this.connection.writer.transaction([
      list
        ? {
            sql: 'UPDATE events SET dead_at = NULL, dead_reason = NULL WHERE dead_at IS NOT NULL AND id IN (SELECT value FROM json_each(?))',
            params: [idList(list)],
          }
        : {
            sql: 'UPDATE events SET dead_at = NULL, dead_reason = NULL WHERE dead_at IS NOT NULL',
            params: [],
          },
    ]);
    return result?.changes ?? 0;
  }
}
