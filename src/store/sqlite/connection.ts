import type Database from 'better-sqlite3';
import { explainStorageError, openDatabase, WRITE_PROBE_SQL } from './schema.js';
import { SqliteWriter } from './writer.js';

/** How long a write may wait for a lock held by another process (Tencent waits 2 s for OK). */
const BUSY_TIMEOUT_MS = 1_500;

/**
 * The SQLite file every role of the embedded store shares: reads on this thread (`db`), every
 * write through the one writer thread (`writer`), so a transaction is atomic against all others.
 */
export class SqliteConnection {
  readonly db: Database.Database;
  readonly writer: SqliteWriter;
  private closing = false;

  constructor(
    dataDir: string,
    readonly now: () => number = Date.now,
  ) {
    const { db, file } = openDatabase(dataDir, this.now());
    this.db = db;
    this.writer = new SqliteWriter(file, BUSY_TIMEOUT_MS);
  }

  /** Set once the store starts closing: the roles take no more work. */
  get closed(): boolean {
    return this.closing;
  }

  /** The store starts closing: from now on the roles take no more work. */
  beginClose(): void {
    this.closing = true;
  }

  /** Throws when the file cannot be read or written (the writer thread stopped, a full disk). */
  async check(): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    if (this.writer.problem) throw this.writer.problem;
    this.db.prepare('SELECT 1').get();
    try {
      await this.writer.transaction([{ sql: WRITE_PROBE_SQL, params: [this.now()] }]);
    } catch (error) {
      throw new Error(`cannot write to DATA_DIR: ${explainStorageError(error)}`, { cause: error });
    }
  }

  /** Stops the writer thread (after the writes sent to it) and closes the file. */
  async close(): Promise<void> {
    await this.writer.close();
    this.db.close();
  }
}
