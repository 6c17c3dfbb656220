import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type FeedEvent, feedEventSchema } from '../tencent/webhook/schemas.js';
import {
  DEDUPE_RETENTION_MS,
  type PostLink,
  postLinkSchema,
  type QueuedEvent,
  type Store,
} from './store.js';

interface PendingWrite {
  dedupeKey: string;
  payload: string;
  resolve: (stored: boolean) => void;
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
    dedupe_key TEXT NOT NULL UNIQUE,
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

/** How long a post link is kept: a recall can come long after the send. */
const POST_LINK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface SqliteStoreOptions {
  dataDir: string;
  now?: () => number;
}

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit survives
 * a crash or power loss. Writes from concurrent webhooks are grouped into one transaction
 * (one fsync) per turn of the event loop; each webhook is answered after its commit.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private writes: PendingWrite[] = [];
  private flushScheduled = false;
  /** Events handed to the worker and not yet acked: never handed out twice in this process. */
  private readonly claimed = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;

  private readonly insertEvent: Database.Statement<[string, string, number]>;
  private readonly selectPending: Database.Statement<[number, number], EventRow>;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.now = options.now ?? Date.now;
    this.db = new Database(join(options.dataDir, 'recall-bot.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insertEvent = this.db.prepare(
      'INSERT OR IGNORE INTO events (dedupe_key, payload, enqueued_at) VALUES (?, ?, ?)',
    );
    this.selectPending = this.db.prepare(
      'SELECT id, payload, enqueued_at FROM events WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT ?',
    );
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      this.writes.push({ dedupeKey, payload: JSON.stringify(event), resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private readonly insertBatch = (batch: PendingWrite[], at: number): boolean[] =>
    this.db.transaction(() =>
      batch.map((w) => this.insertEvent.run(w.dedupeKey, w.payload, at).changes > 0),
    )();

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.writes;
    this.writes = [];
    if (batch.length === 0) return;
    let stored: boolean[];
    try {
      stored = this.insertBatch(batch, this.now());
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      w.resolve(stored[i] === true);
    });
    if (stored.some(Boolean)) this.wakeClaimers();
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
    const at = this.now();
    const mark = this.db.prepare('UPDATE events SET delivered_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, Number(id));
    })();
    for (const id of ids) this.claimed.delete(Number(id));
  }

  async pendingCount(): Promise<number> {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM events WHERE delivered_at IS NULL')
      .get() as { n: number };
    return row.n + this.writes.length;
  }

  async savePostLink(key: string, link: PostLink): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO post_links (key, link, created_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET link = excluded.link',
      )
      .run(key, JSON.stringify(link), this.now());
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
    this.db
      .prepare(
        'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      )
      .run(key, value, this.now() + ttlMs);
  }

  async takeOnce(key: string): Promise<string | undefined> {
    // DELETE … RETURNING is one statement: two takes can never both see the value.
    const row = this.db
      .prepare('DELETE FROM once_values WHERE key = ? RETURNING value, expires_at')
      .get(key) as { value: string; expires_at: number } | undefined;
    return row && row.expires_at > this.now() ? row.value : undefined;
  }

  async peekOnce(key: string): Promise<string | undefined> {
    const row = this.db
      .prepare('SELECT value FROM once_values WHERE key = ? AND expires_at > ?')
      .get(key, this.now()) as { value: string } | undefined;
    return row?.value;
  }

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = this.db
      .prepare(
        'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE once_values.expires_at <= ?',
      )
      .run(key, '1', now + ttlMs, now);
    return result.changes > 0;
  }

  async check(): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    this.db.prepare('SELECT 1').get();
  }

  private prune(): void {
    const now = this.now();
    this.db
      .prepare('DELETE FROM events WHERE delivered_at IS NOT NULL AND delivered_at < ?')
      .run(now - DEDUPE_RETENTION_MS);
    this.db.prepare('DELETE FROM once_values WHERE expires_at < ?').run(now);
    this.db
      .prepare('DELETE FROM post_links WHERE created_at < ?')
      .run(now - POST_LINK_RETENTION_MS);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.pruneTimer);
    this.wakeClaimers();
    this.db.close();
  }
}
