import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type FeedEvent, feedEventSchema } from '../tencent/webhook/schemas.js';
import { SqliteWriter } from './sqlite-writer.js';
import {
  DEDUPE_RETENTION_MS,
  POST_LINK_RETENTION_MS,
  type PostLink,
  postLinkSchema,
  type QueuedEvent,
  type Store,
} from './store.js';

interface PendingWrite {
  dedupeKey: string;
  payload: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface EventRow {
  id: number;
  payload: string;
  enqueued_at: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    enqueued_at INTEGER NOT NULL,
    delivered_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS events_pending ON events (id) WHERE delivered_at IS NULL;
  CREATE INDEX IF NOT EXISTS events_delivered ON events (delivered_at) WHERE delivered_at IS NOT NULL;
  CREATE TABLE IF NOT EXISTS post_links (
    key TEXT PRIMARY KEY,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS once_values (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
`;

const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface SqliteStoreOptions {
  dataDir: string;
  now?: () => number;
}

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit survives
 * a crash or power loss. Every write goes through one writer thread, so the wait for the disk
 * never stalls the event loop; reads stay here. New events are committed in batches: the
 * webhooks that arrive while one batch is being committed form the next batch (one transaction,
 * one fsync), and each webhook is answered after its own commit.
 *
 * Dedupe keys live in memory (rebuilt from the table at start, pruned with it): a unique index on
 * random hashes would touch a random page per event and cost most of each commit. One process
 * owns the file, so the in-memory check is exact.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly writer: SqliteWriter;
  private writes: PendingWrite[] = [];
  private flushScheduled = false;
  /** The batch the writer is committing, if any. */
  private inFlight: Promise<void> | undefined;
  /** Events handed to the worker and not yet acked: never handed out twice in this process. */
  private readonly claimed = new Set<number>();
  /** Dedupe keys of every event kept: pending, or delivered within the retention window. */
  private readonly seen = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;

  private readonly selectPending: Database.Statement<[number, number], EventRow>;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.now = options.now ?? Date.now;
    const file = join(options.dataDir, 'recall-bot.sqlite');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.writer = new SqliteWriter(file);
    this.prune();
    for (const row of this.db.prepare('SELECT dedupe_key FROM events').iterate()) {
      this.seen.add((row as { dedupe_key: string }).dedupe_key);
    }
    this.selectPending = this.db.prepare(
      'SELECT id, payload, enqueued_at FROM events WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT ?',
    );
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.seen.has(dedupeKey)) return Promise.resolve(false);
    this.seen.add(dedupeKey);
    return new Promise((resolve, reject) => {
      this.writes.push({
        dedupeKey,
        payload: JSON.stringify(event),
        resolve: () => resolve(true),
        reject: (error) => {
          // Not stored: the same event may come again and must then be taken.
          this.seen.delete(dedupeKey);
          reject(error);
        },
      });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.inFlight = this.flush().finally(() => {
        this.inFlight = undefined;
        if (this.writes.length > 0) this.scheduleFlush();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.writes;
    this.writes = [];
    if (batch.length === 0) return;
    try {
      await this.writer.insert(
        batch.map((w) => w.dedupeKey),
        batch.map((w) => w.payload),
        this.now(),
      );
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
    this.wakeClaimers();
  }

  async claim(limit: number, waitMs: number): Promise<QueuedEvent[]> {
    const ready = this.readUnclaimed(limit);
    if (ready.length > 0 || waitMs <= 0 || this.closed) return ready;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, waitMs);
      this.waiters.add(wake);
    });
    return this.readUnclaimed(limit);
  }

  private readUnclaimed(limit: number): QueuedEvent[] {
    if (this.closed) return [];
    const out: QueuedEvent[] = [];
    let after = 0;
    // Claimed rows are few (one batch in flight), so skipping them in memory is cheap.
    while (out.length < limit) {
      const rows = this.selectPending.all(after, limit + this.claimed.size);
      if (rows.length === 0) break;
      for (const row of rows) {
        after = row.id;
        if (this.claimed.has(row.id)) continue;
        this.claimed.add(row.id);
        out.push({
          id: String(row.id),
          event: feedEventSchema.parse(JSON.parse(row.payload)),
          enqueuedAt: row.enqueued_at,
        });
        if (out.length === limit) break;
      }
    }
    return out;
  }

  private wakeClaimers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const rowIds = ids.map(Number);
    await this.writer.ack(rowIds, this.now());
    for (const id of rowIds) this.claimed.delete(id);
  }

  async pendingCount(): Promise<number> {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM events WHERE delivered_at IS NULL')
      .get() as { n: number };
    return row.n + this.writes.length;
  }

  async savePostLink(key: string, link: PostLink): Promise<void> {
    await this.writer.execute(
      'INSERT INTO post_links (key, link, created_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET link = excluded.link',
      key,
      JSON.stringify(link),
      this.now(),
    );
  }

  async getPostLink(key: string): Promise<PostLink | undefined> {
    const row = this.db.prepare('SELECT link FROM post_links WHERE key = ?').get(key) as
      | { link: string }
      | undefined;
    if (!row) return undefined;
    const parsed = postLinkSchema.safeParse(JSON.parse(row.link));
    return parsed.success ? parsed.data : undefined;
  }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    await this.writer.execute(
      'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      key,
      value,
      this.now() + ttlMs,
    );
  }

  async takeOnce(key: string): Promise<string | undefined> {
    // DELETE … RETURNING is one statement: two takes can never both see the value.
    const { row } = await this.writer.execute(
      'DELETE FROM once_values WHERE key = ? RETURNING value, expires_at',
      key,
    );
    const taken = row as { value: string; expires_at: number } | undefined;
    return taken && taken.expires_at > this.now() ? taken.value : undefined;
  }

  async peekOnce(key: string): Promise<string | undefined> {
    const row = this.db
      .prepare('SELECT value FROM once_values WHERE key = ? AND expires_at > ?')
      .get(key, this.now()) as { value: string } | undefined;
    return row?.value;
  }

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const { changes } = await this.writer.execute(
      'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE once_values.expires_at <= ?',
      key,
      '1',
      now + ttlMs,
      now,
    );
    return changes > 0;
  }

  async check(): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    if (this.writer.problem) throw this.writer.problem;
    this.db.prepare('SELECT 1').get();
  }

  private prune(): void {
    const now = this.now();
    const forgotten = this.db
      .prepare(
        'DELETE FROM events WHERE delivered_at IS NOT NULL AND delivered_at < ? RETURNING dedupe_key',
      )
      .all(now - DEDUPE_RETENTION_MS) as { dedupe_key: string }[];
    for (const row of forgotten) this.seen.delete(row.dedupe_key);
    this.db.prepare('DELETE FROM once_values WHERE expires_at < ?').run(now);
    this.db
      .prepare('DELETE FROM post_links WHERE created_at < ?')
      .run(now - POST_LINK_RETENTION_MS);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight || this.writes.length > 0) await (this.inFlight ?? this.flush());
    await this.writer.close();
    clearInterval(this.pruneTimer);
    this.wakeClaimers();
    this.db.close();
  }
}
