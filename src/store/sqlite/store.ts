import { POST_LINK_RETENTION_MS } from '../post-links.js';
import { DEDUPE_RETENTION_MS } from '../queue.js';
import type { Store } from '../store.js';
import { SqliteConnection } from './connection.js';
import { SqliteOnceStore } from './once.js';
import { SqlitePostLinks } from './post-links.js';
import { SqliteEventQueue } from './queue.js';
import { SqliteRecallJobStore } from './recall-jobs.js';

const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface SqliteStoreOptions {
  dataDir: string;
  now?: () => number;
  /** A background write (pruning) failed; the next run tries again. */
  onError?: (error: unknown, during: string) => void;
  /** Stored bytes one claim hands out at most (always at least one event). */
  claimBytes?: number;
}

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit survives
 * a crash or power loss. Every write goes through one writer thread, so the wait for the disk
 * never stalls the event loop and a failed write (disk full, locked) fails only itself; reads
 * stay here. Each role keeps its own tables in the file; this opens it, prunes what no longer
 * matters, and closes it.
 */
export class SqliteStore implements Store {
  readonly queue: SqliteEventQueue;
  readonly links: SqlitePostLinks;
  readonly once: SqliteOnceStore;
  readonly recallJobs: SqliteRecallJobStore;
  private readonly connection: SqliteConnection;
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(private readonly options: SqliteStoreOptions) {
    this.connection = new SqliteConnection(options.dataDir, options.now);
    this.queue = new SqliteEventQueue(this.connection, options);
    this.links = new SqlitePostLinks(this.connection);
    this.once = new SqliteOnceStore(this.connection);
    this.recallJobs = new SqliteRecallJobStore(this.connection);
    void this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  check(): Promise<void> {
    return this.connection.check();
  }

  /**
   * Forgets what no longer matters (runs every 10 minutes): on the writer thread, and a failure
   * (a lock held by another process, a full disk) is reported and waits for the next run.
   */
  async prune(): Promise<void> {
    const now = this.connection.now();
    try {
      const [forgotten] = await this.connection.writer.transaction([
        {
          sql: 'DELETE FROM events WHERE delivered_at IS NOT NULL AND delivered_at < ? RETURNING dedupe_key',
          params: [now - DEDUPE_RETENTION_MS],
        },
        { sql: 'DELETE FROM once_values WHERE expires_at < ?', params: [now] },
        {
          sql: 'DELETE FROM post_links WHERE created_at < ?',
          params: [now - POST_LINK_RETENTION_MS],
        },
        {
          sql: 'DELETE FROM recalled_keys WHERE created_at < ?',
          params: [now - POST_LINK_RETENTION_MS],
        },
      ]);
      const rows = (forgotten?.rows ?? []) as { dedupe_key: string }[];
      this.queue.forgetDedupeKeys(rows.map((row) => row.dedupe_key));
    } catch (error) {
      if (!this.connection.closed) this.options.onError?.(error, 'prune');
    }
  }

  async close(): Promise<void> {
    if (this.connection.closed) return;
    this.connection.beginClose();
    clearInterval(this.pruneTimer);
    await this.queue.drain();
    await this.connection.close();
    this.queue.wakeClaimers();
  }
}
