import type { RecallJobStore, StoredRecallJob } from '../recall-jobs.js';
import type { SqliteConnection } from './connection.js';

interface KeyWrite {
  id: string;
  states: readonly (readonly [string, string])[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Recall jobs in the `recall_jobs` table, the states of their keys in `recall_keys`. */
export class SqliteRecallJobStore implements RecallJobStore {
  /** Recall key states waiting for the next transaction (see `saveRecallKeys`). */
  private keyWrites: KeyWrite[] = [];

  constructor(private readonly connection: SqliteConnection) {}

  async saveRecallJob(id: string, record: string): Promise<void> {
    await this.connection.writer.transaction([
      {
        sql: 'INSERT INTO recall_jobs (id, record, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at',
        params: [id, record, this.connection.now()],
      },
    ]);
  }

  /**
   * Key states written at the same moment (the requests of a recall going out together) share
   * one transaction: one disk wait instead of one each.
   */
  saveRecallKeys(id: string, states: readonly (readonly [string, string])[]): Promise<void> {
    if (states.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.keyWrites.push({ id, states, resolve, reject });
      if (this.keyWrites.length === 1) setImmediate(() => void this.flushKeyWrites());
    });
  }

  private async flushKeyWrites(): Promise<void> {
    const batch = this.keyWrites.splice(0);
    try {
      await this.connection.writer.transaction(
        batch.map(({ id, states }) => ({
          sql: "INSERT INTO recall_keys (job_id, msg_key, state) SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) WHERE true ON CONFLICT(job_id, msg_key) DO UPDATE SET state = excluded.state",
          params: [id, JSON.stringify(states)],
        })),
      );
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const write of batch) write.resolve();
  }

  async loadRecallJob(id: string): Promise<StoredRecallJob | undefined> {
    const { db } = this.connection;
    const job = db.prepare('SELECT record FROM recall_jobs WHERE id = ?').get(id) as
      | { record: string }
      | undefined;
    if (!job) return undefined;
    const rows = db.prepare('SELECT msg_key, state FROM recall_keys WHERE job_id = ?').all(id) as {
      msg_key: string;
      state: string;
    }[];
    return { record: job.record, keys: new Map(rows.map((r) => [r.msg_key, r.state])) };
  }

  async recallJobIds(): Promise<string[]> {
    const rows = this.connection.db
      .prepare('SELECT id FROM recall_jobs ORDER BY updated_at')
      .all() as { id: string }[];
    return rows.map((r) => r.id);
  }

  async deleteRecallJob(id: string): Promise<void> {
    await this.connection.writer.transaction([
      { sql: 'DELETE FROM recall_keys WHERE job_id = ?', params: [id] },
      { sql: 'DELETE FROM recall_jobs WHERE id = ?', params: [id] },
    ]);
  }
}
