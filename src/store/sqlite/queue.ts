import type Database from 'better-sqlite3';
import type { FeedEvent } from '../../kinds/feed-event.js';
import { readJson } from '../../lib/json.js';
import {
  type AttemptResult,
  type DeadLetter,
  doneAttempt,
  type EventQueue,
  type PostAttempt,
  postAttemptSchema,
  type QueuedEvent,
} from '../queue.js';
import { AttemptIndex } from './attempt-index.js';
import type { SqliteConnection } from './connection.js';
import { SqliteDeadLetters } from './dead-letters.js';
import { type EventRow, idList, queuedEventOf, readQueuedEvent } from './events.js';
import { EventIntake } from './intake.js';
import { linkStatement } from './post-links.js';
import type { Statement } from './writer.js';

/**
 * One claim stops at this many stored bytes: events are small (Tencent's messages are at most
 * 12 KB), but a valid webhook may be 1 MiB, and a batch of 5,000 of those would not fit memory.
 */
const CLAIM_BYTES = 32 * 1024 * 1024;

export interface SqliteQueueOptions {
  /** Stored bytes one claim hands out at most (always at least one event). */
  claimBytes?: number;
  /** A background write (setting an unreadable event aside) failed. */
  onError?: (error: unknown, during: string) => void;
}

/**
 * The queue in the `events` table. One process owns the file: what it claimed is kept in memory
 * (never handed out twice), as are the writes recorded and not yet settled (`AttemptIndex`).
 */
export class SqliteEventQueue implements EventQueue {
  private readonly intake: EventIntake;
  private readonly dead: SqliteDeadLetters;
  /** Events handed to the worker and not yet acked: never handed out twice in this process. */
  private readonly claimed = new Set<number>();
  private readonly waiters = new Set<() => void>();
  /** Writes recorded and not yet settled (see `AttemptIndex`). */
  private readonly attempts = new AttemptIndex();
  private readonly selectPending: Database.Statement<[number, number], EventRow>;

  constructor(
    private readonly connection: SqliteConnection,
    private readonly options: SqliteQueueOptions = {},
  ) {
    const { db } = connection;
    for (const row of db.prepare('SELECT record FROM post_attempts').iterate()) {
      const parsed = readJson(postAttemptSchema, (row as { record: string }).record);
      if (parsed) this.attempts.put(parsed);
    }
    this.intake = new EventIntake(connection, () => this.wakeClaimers());
    this.dead = new SqliteDeadLetters(connection);
    this.selectPending = db.prepare(
      'SELECT id, payload, enqueued_at FROM events WHERE delivered_at IS NULL AND dead_at IS NULL AND id > ? ORDER BY id LIMIT ?',
    );
  }

  enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    return this.intake.enqueue(dedupeKey, event);
  }

  async claim(limit: number, waitMs: number): Promise<QueuedEvent[]> {
    const ready = this.readUnclaimed(limit);
    if (ready.length > 0 || waitMs <= 0 || this.connection.closed) return ready;
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
    if (this.connection.closed) return [];
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
        const queued = readQueuedEvent(row);
        if (!queued.success) {
          // A row that cannot be read would fail every claim: it is set aside instead.
          this.deadLetter([String(row.id)], `unreadable: ${queued.error}`).catch((error: unknown) =>
            this.options.onError?.(error, 'setting an unreadable event aside'),
          );
          continue;
        }
        out.push(queued.data);
        bytes += row.payload.length;
        if (out.length === limit || bytes >= budget) break;
      }
    }
    return out;
  }

  /** Lets every waiting claim look again (events arrived, or the store is closing). */
  wakeClaimers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Commits the events accepted so far (on close). */
  drain(): Promise<void> {
    return this.intake.drain();
  }

  /** Dedupe keys of delivered events pruned from the table. */
  forgetDedupeKeys(keys: Iterable<string>): void {
    this.intake.forget(keys);
  }

  /** Acking events also forgets the writes recorded for them: `attempts` says which. */
  private ackStatements(list: readonly string[], attempts: readonly string[]): Statement[] {
    return [
      {
        sql: 'UPDATE events SET delivered_at = ? WHERE id IN (SELECT value FROM json_each(?))',
        params: [this.connection.now(), idList(list)],
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

  private forget(list: readonly string[]): void {
    for (const id of list) this.claimed.delete(Number(id));
  }

  async ack(list: readonly string[]): Promise<void> {
    if (list.length === 0) return;
    const attempts = this.attempts.covering(list);
    await this.connection.writer.transaction(this.ackStatements(list, attempts));
    this.forget(list);
    for (const id of attempts) this.attempts.remove(id);
  }

  async peek(list: readonly string[]): Promise<QueuedEvent[]> {
    if (list.length === 0) return [];
    const rows = this.connection.db
      .prepare(
        'SELECT id, payload, enqueued_at FROM events WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
      )
      .all(idList(list)) as EventRow[];
    return rows.flatMap((row) => queuedEventOf(row) ?? []);
  }

  async release(list: readonly string[]): Promise<void> {
    this.forget(list);
    if (list.length > 0) this.wakeClaimers();
  }

  async pendingCount(): Promise<number> {
    const row = this.connection.db
      .prepare('SELECT count(*) AS n FROM events WHERE delivered_at IS NULL AND dead_at IS NULL')
      .get() as { n: number };
    return row.n + this.intake.waiting;
  }

  async oldestPendingAt(): Promise<number | undefined> {
    const row = this.connection.db
      .prepare(
        'SELECT enqueued_at FROM events WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1',
      )
      .get() as { enqueued_at: number } | undefined;
    return row?.enqueued_at;
  }

  async deadLetter(list: readonly string[], reason: string): Promise<void> {
    if (list.length === 0) return;
    await this.dead.setAside(list, reason);
    this.forget(list);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.dead.list(limit);
  }

  async deadLetterCount(): Promise<number> {
    return this.dead.count();
  }

  async replayDeadLetters(list?: readonly string[]): Promise<number> {
    const replayed = await this.dead.replay(list);
    this.wakeClaimers();
    return replayed;
  }

  /** One process holds the file: what it claimed stays its own. */
  async confirmHeld(): Promise<boolean> {
    return !this.connection.closed;
  }

  private attemptStatement(attempt: PostAttempt): Statement {
    return {
      sql: 'INSERT INTO post_attempts (id, record, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record',
      params: [attempt.id, JSON.stringify(attempt), this.connection.now()],
    };
  }

  async beginAttempt(attempt: PostAttempt): Promise<void> {
    await this.connection.writer.transaction([this.attemptStatement(attempt)]);
    this.attempts.put(attempt);
  }

  async finishAttempt(attempt: PostAttempt, result: AttemptResult): Promise<void> {
    const done = doneAttempt(attempt, result);
    const ack = result.ack ?? [];
    const forgotten = this.attempts.covering(ack);
    const now = this.connection.now();
    await this.connection.writer.transaction([
      ...(forgotten.includes(done.id) ? [] : [this.attemptStatement(done)]),
      ...(result.links ?? []).map((link) => linkStatement(link, now)),
      ...(ack.length > 0 ? this.ackStatements(ack, forgotten) : []),
    ]);
    this.forget(ack);
    this.attempts.put(done);
    for (const id of forgotten) this.attempts.remove(id);
  }

  async abandonAttempt(id: string): Promise<void> {
    await this.connection.writer.transaction([
      { sql: 'DELETE FROM post_attempts WHERE id = ?', params: [id] },
    ]);
    this.attempts.remove(id);
  }

  async attemptsFor(eventIds: readonly string[]): Promise<PostAttempt[]> {
    return this.attempts.of(eventIds);
  }

  check(): Promise<void> {
    return this.connection.check();
  }
}
