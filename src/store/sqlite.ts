import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { type FeedEvent, feedEventSchema } from '../kinds/feed-event.js';
import { AttemptIndex } from './sqlite-attempts.js';
import { explainStorageError, openDatabase, WRITE_PROBE_SQL } from './sqlite-schema.js';
import { SqliteWriter, type Statement } from './sqlite-writer.js';
import {
  type AttemptResult,
  DEDUPE_RETENTION_MS,
  type DeadLetter,
  doneAttempt,
  type LinkToSave,
  POST_LINK_RETENTION_MS,
  type PostAttempt,
  type PostLink,
  postAttemptSchema,
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

const PRUNE_EVERY_MS = 10 * 60 * 1000;
/** How long a write may wait for a lock held by another process (Tencent waits 2 s for OK). */
const BUSY_TIMEOUT_MS = 1_500;

export interface SqliteStoreOptions {
  dataDir: string;
  now?: () => number;
  /** A background write (pruning) failed; the next run tries again. */
  onError?: (error: unknown, during: string) => void;
  /** Stored bytes one claim hands out at most (always at least one event). */
  claimBytes?: number;
}

/**
 * One claim stops at this many stored bytes: events are small (Tencent's messages are at most
 * 12 KB), but a valid webhook may be 1 MiB, and a batch of 5,000 of those would not fit memory.
 */
const CLAIM_BYTES = 32 * 1024 * 1024;

const ids = (list: readonly string[]) => JSON.stringify(list.map(Number));

function readJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function readEvent(
  payload: string,
): { success: true; data: FeedEvent } | { success: false; error: string } {
  try {
    const parsed = feedEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed : { success: false, error: parsed.error.message.slice(0, 200) };
  } catch (error) {
    return { success: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit survives
 * a crash or power loss. Every write goes through one writer thread, so the wait for the disk
 * never stalls the event loop and a failed write (disk full, locked) fails only itself; reads
 * stay here. New events are committed in batches: the webhooks that arrive while one batch is
 * being committed form the next batch (one transaction, one fsync), and each webhook is
 * answered after its own commit.
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
  /** Dedupe keys whose first copy is being committed: a duplicate waits for that commit. */
  private readonly committing = new Map<string, Promise<boolean>>();
  private readonly waiters = new Set<() => void>();
  /** Recall key states waiting for the next transaction (see `saveRecallKeys`). */
  private keyWrites: {
    id: string;
    states: readonly (readonly [string, string])[];
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  /** Writes recorded and not yet settled (see `AttemptIndex`). */
  private readonly attempts = new AttemptIndex();
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;

  private readonly selectPending: Database.Statement<[number, number], EventRow>;

  constructor(private readonly options: SqliteStoreOptions) {
    this.now = options.now ?? Date.now;
    const { db, file } = openDatabase(options.dataDir, this.now());
    this.db = db;
    this.writer = new SqliteWriter(file, BUSY_TIMEOUT_MS);
    for (const row of this.db.prepare('SELECT record FROM post_attempts').iterate()) {
      const parsed = readJson(postAttemptSchema, (row as { record: string }).record);
      if (parsed) this.attempts.put(parsed);
    }
    const keep = this.db.prepare(
      'SELECT dedupe_key FROM events WHERE delivered_at IS NULL OR delivered_at >= ?',
    );
    for (const row of keep.iterate(this.now() - DEDUPE_RETENTION_MS)) {
      this.seen.add((row as { dedupe_key: string }).dedupe_key);
    }
    this.selectPending = this.db.prepare(
      'SELECT id, payload, enqueued_at FROM events WHERE delivered_at IS NULL AND dead_at IS NULL AND id > ? ORDER BY id LIMIT ?',
    );
    void this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const first = this.committing.get(dedupeKey);
    // Answered OK only once the first copy is committed; if that commit fails, this copy is stored.
    if (first)
      return first.then(
        () => false,
        () => this.enqueue(dedupeKey, event),
      );
    if (this.seen.has(dedupeKey)) return Promise.resolve(false);
    let payload: string;
    try {
      payload = JSON.stringify(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const committed = new Promise<boolean>((resolve, reject) => {
      this.writes.push({ dedupeKey, payload, resolve: () => resolve(true), reject });
      this.scheduleFlush();
    });
    this.committing.set(dedupeKey, committed);
    return committed;
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
      for (const w of batch) {
        this.committing.delete(w.dedupeKey);
        w.reject(error);
      }
      return;
    }
    for (const w of batch) {
      this.seen.add(w.dedupeKey);
      this.committing.delete(w.dedupeKey);
      w.resolve();
    }
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
    let bytes = 0;
    const budget = this.options.claimBytes ?? CLAIM_BYTES;
    // Claimed rows are few (the batches in flight), so skipping them in memory is cheap. Rows are
    // read one at a time, so a claim stops at its byte budget without loading the rest.
    for (let more = true; more && out.length < limit && bytes < budget; ) {
      more = false;
      for (const row of this.selectPending.iterate(after, limit + this.claimed.size)) {
        more = true;
        after = row.id;
        if (this.claimed.has(row.id)) continue;
        this.claimed.add(row.id);
        const event = readEvent(row.payload);
        if (!event.success) {
          // A row that cannot be read would fail every claim: it is set aside instead.
          this.deadLetter([String(row.id)], `unreadable: ${event.error}`).catch((error: unknown) =>
            this.options.onError?.(error, 'setting an unreadable event aside'),
          );
          continue;
        }
        out.push({ id: String(row.id), event: event.data, enqueuedAt: row.enqueued_at });
        bytes += row.payload.length;
        if (out.length === limit || bytes >= budget) break;
      }
    }
    return out;
  }

  private wakeClaimers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Acking events also forgets the writes recorded for them: `attempts` says which. */
  private ackStatements(list: readonly string[], attempts: readonly string[]): Statement[] {
    return [
      {
        sql: 'UPDATE events SET delivered_at = ? WHERE id IN (SELECT value FROM json_each(?))',
        params: [this.now(), ids(list)],
      },
      ...(attempts.length > 0
        ? [
            {
              sql: 'DELETE FROM post_attempts WHERE id IN (SELECT value FROM json_each(?))',
              params: [JSON.stringify(attempts)],
            },
          ]
        : []),
    ];
  }

  private linkStatement({ key, link }: LinkToSave): Statement {
    return {
      sql: 'INSERT INTO post_links (key, link, created_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET link = excluded.link',
      params: [key, JSON.stringify(link), this.now()],
    };
  }

  private forget(list: readonly string[]): void {
    for (const id of list) this.claimed.delete(Number(id));
  }

  async ack(list: readonly string[]): Promise<void> {
    if (list.length === 0) return;
    const attempts = this.attempts.covering(list);
    await this.writer.transaction(this.ackStatements(list, attempts));
    this.forget(list);
    for (const id of attempts) this.attempts.remove(id);
  }

  async peek(list: readonly string[]): Promise<QueuedEvent[]> {
    if (list.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT id, payload, enqueued_at FROM events WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
      )
      .all(ids(list)) as EventRow[];
    return rows.flatMap((row) => {
      const event = readEvent(row.payload);
      return event.success
        ? [{ id: String(row.id), event: event.data, enqueuedAt: row.enqueued_at }]
        : [];
    });
  }

  async release(list: readonly string[]): Promise<void> {
    this.forget(list);
    if (list.length > 0) this.wakeClaimers();
  }

  async pendingCount(): Promise<number> {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM events WHERE delivered_at IS NULL AND dead_at IS NULL')
      .get() as { n: number };
    return row.n + this.writes.length;
  }

  async oldestPendingAt(): Promise<number | undefined> {
    const row = this.db
      .prepare(
        'SELECT enqueued_at FROM events WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1',
      )
      .get() as { enqueued_at: number } | undefined;
    return row?.enqueued_at;
  }

  async deadLetter(list: readonly string[], reason: string): Promise<void> {
    if (list.length === 0) return;
    await this.writer.transaction([
      {
        sql: 'UPDATE events SET dead_at = ?, dead_reason = ? WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))',
        params: [this.now(), reason.slice(0, 500), ids(list)],
      },
    ]);
    this.forget(list);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const rows = this.db
      .prepare(
        'SELECT id, payload, dead_reason, dead_at FROM events WHERE dead_at IS NOT NULL ORDER BY id LIMIT ?',
      )
      .all(limit) as { id: number; payload: string; dead_reason: string | null; dead_at: number }[];
    return rows.map((row) => ({
      id: String(row.id),
      event: feedEventSchema.parse(JSON.parse(row.payload)),
      reason: row.dead_reason ?? '',
      at: row.dead_at,
    }));
  }

  async deadLetterCount(): Promise<number> {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM events WHERE dead_at IS NOT NULL')
      .get() as { n: number };
    return row.n;
  }

  async replayDeadLetters(list?: readonly string[]): Promise<number> {
    const [result] = await this.writer.transaction([
      list
        ? {
            sql: 'UPDATE events SET dead_at = NULL, dead_reason = NULL WHERE dead_at IS NOT NULL AND id IN (SELECT value FROM json_each(?))',
            params: [ids(list)],
          }
        : {
            sql: 'UPDATE events SET dead_at = NULL, dead_reason = NULL WHERE dead_at IS NOT NULL',
            params: [],
          },
    ]);
    this.wakeClaimers();
    return result?.changes ?? 0;
  }

  private attemptStatement(attempt: PostAttempt): Statement {
    return {
      sql: 'INSERT INTO post_attempts (id, record, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record',
      params: [attempt.id, JSON.stringify(attempt), this.now()],
    };
  }

  async beginAttempt(attempt: PostAttempt): Promise<void> {
    await this.writer.transaction([this.attemptStatement(attempt)]);
    this.attempts.put(attempt);
  }

  async finishAttempt(attempt: PostAttempt, result: AttemptResult): Promise<void> {
    const done = doneAttempt(attempt, result);
    const ack = result.ack ?? [];
    const forgotten = this.attempts.covering(ack);
    await this.writer.transaction([
      ...(forgotten.includes(done.id) ? [] : [this.attemptStatement(done)]),
      ...(result.links ?? []).map((link) => this.linkStatement(link)),
      ...(ack.length > 0 ? this.ackStatements(ack, forgotten) : []),
    ]);
    this.forget(ack);
    this.attempts.put(done);
    for (const id of forgotten) this.attempts.remove(id);
  }

  async abandonAttempt(id: string): Promise<void> {
    await this.writer.transaction([
      { sql: 'DELETE FROM post_attempts WHERE id = ?', params: [id] },
    ]);
    this.attempts.remove(id);
  }

  async attemptsFor(eventIds: readonly string[]): Promise<PostAttempt[]> {
    return this.attempts.of(eventIds);
  }

  async savePostLink(key: string, link: PostLink): Promise<void> {
    await this.writer.transaction([this.linkStatement({ key, link })]);
  }

  async getPostLink(key: string): Promise<PostLink | undefined> {
    const row = this.db.prepare('SELECT link FROM post_links WHERE key = ?').get(key) as
      | { link: string }
      | undefined;
    if (!row) return undefined;
    const parsed = postLinkSchema.safeParse(JSON.parse(row.link));
    return parsed.success ? parsed.data : undefined;
  }

  async addRecalled(group: string, msgKeys: readonly string[]): Promise<string[]> {
    const [, read] = await this.writer.transaction([
      {
        sql: 'INSERT OR IGNORE INTO recalled_keys (group_key, msg_key, created_at) SELECT ?, value, ? FROM json_each(?)',
        params: [group, this.now(), JSON.stringify(msgKeys)],
      },
      { sql: 'SELECT msg_key FROM recalled_keys WHERE group_key = ?', params: [group] },
    ]);
    return ((read?.rows ?? []) as { msg_key: string }[]).map((row) => row.msg_key);
  }

  async saveRecallJob(id: string, record: string): Promise<void> {
    await this.writer.transaction([
      {
        sql: 'INSERT INTO recall_jobs (id, record, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at',
        params: [id, record, this.now()],
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
      await this.writer.transaction(
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

  async loadRecallJob(
    id: string,
  ): Promise<{ record: string; keys: Map<string, string> } | undefined> {
    const job = this.db.prepare('SELECT record FROM recall_jobs WHERE id = ?').get(id) as
      | { record: string }
      | undefined;
    if (!job) return undefined;
    const rows = this.db
      .prepare('SELECT msg_key, state FROM recall_keys WHERE job_id = ?')
      .all(id) as { msg_key: string; state: string }[];
    return { record: job.record, keys: new Map(rows.map((r) => [r.msg_key, r.state])) };
  }

  async recallJobIds(): Promise<string[]> {
    const rows = this.db.prepare('SELECT id FROM recall_jobs ORDER BY updated_at').all() as {
      id: string;
    }[];
    return rows.map((r) => r.id);
  }

  async deleteRecallJob(id: string): Promise<void> {
    await this.writer.transaction([
      { sql: 'DELETE FROM recall_keys WHERE job_id = ?', params: [id] },
      { sql: 'DELETE FROM recall_jobs WHERE id = ?', params: [id] },
    ]);
  }

  /** One process holds the file: what it claimed stays its own. */
  async confirmHeld(): Promise<boolean> {
    return !this.closed;
  }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    await this.writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
        params: [key, value, this.now() + ttlMs],
      },
    ]);
  }

  async takeOnce(key: string): Promise<string | undefined> {
    // DELETE … RETURNING is one statement: two takes can never both see the value.
    const [result] = await this.writer.transaction([
      { sql: 'DELETE FROM once_values WHERE key = ? RETURNING value, expires_at', params: [key] },
    ]);
    const taken = result?.rows?.[0] as { value: string; expires_at: number } | undefined;
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
    const [result] = await this.writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE once_values.expires_at <= ?',
        params: [key, '1', now + ttlMs, now],
      },
    ]);
    return (result?.changes ?? 0) > 0;
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const [result] = await this.writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE once_values.value = excluded.value OR once_values.expires_at <= ?',
        params: [key, owner, now + ttlMs, now],
      },
    ]);
    return (result?.changes ?? 0) > 0;
  }

  async extendLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const [result] = await this.writer.transaction([
      {
        sql: 'UPDATE once_values SET expires_at = ? WHERE key = ? AND value = ? AND expires_at > ?',
        params: [now + ttlMs, key, owner, now],
      },
    ]);
    return (result?.changes ?? 0) > 0;
  }

  async unlease(key: string, owner: string): Promise<void> {
    await this.writer.transaction([
      { sql: 'DELETE FROM once_values WHERE key = ? AND value = ?', params: [key, owner] },
    ]);
  }

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

  /**
   * Forgets what no longer matters (runs every 10 minutes): on the writer thread, and a failure
   * (a lock held by another process, a full disk) is reported and waits for the next run.
   */
  async prune(): Promise<void> {
    const now = this.now();
    try {
      const [forgotten] = await this.writer.transaction([
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
      for (const row of (forgotten?.rows ?? []) as { dedupe_key: string }[]) {
        this.seen.delete(row.dedupe_key);
      }
    } catch (error) {
      if (!this.closed) this.options.onError?.(error, 'prune');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    while (this.inFlight || this.writes.length > 0) await (this.inFlight ?? this.flush());
    await this.writer.close();
    this.wakeClaimers();
    this.db.close();
  }
}
