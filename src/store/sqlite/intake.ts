import type { FeedEvent } from '../../kinds/feed-event.js';
import { DEDUPE_RETENTION_MS } from '../queue.js';
import type { SqliteConnection } from './connection.js';

interface PendingWrite {
  dedupeKey: string;
  payload: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * How new events enter the SQLite queue: committed in batches. The webhooks that arrive while
 * one batch is being committed form the next batch (one transaction, one fsync), and each
 * webhook is answered after its own commit.
 *
 * Dedupe keys live in memory (rebuilt from the table at start, pruned with it): a unique index on
 * random hashes would touch a random page per event and cost most of each commit. One process
 * owns the file, so the in-memory check is exact.
 */
export class EventIntake {
  private writes: PendingWrite[] = [];
  private flushScheduled = false;
  /** The batch the writer is committing, if any. */
  private inFlight: Promise<void> | undefined;
  /** Dedupe keys of every event kept: pending, or delivered within the retention window. */
  private readonly seen = new Set<string>();
  /** Dedupe keys whose first copy is being committed: a duplicate waits for that commit. */
  private readonly committing = new Map<string, Promise<boolean>>();

  constructor(
    private readonly connection: SqliteConnection,
    /** A batch was committed: claims waiting for events can go. */
    private readonly onCommitted: () => void,
  ) {
    const keep = connection.db.prepare(
      'SELECT dedupe_key FROM events WHERE delivered_at IS NULL OR delivered_at >= ?',
    );
    for (const row of keep.iterate(connection.now() - DEDUPE_RETENTION_MS)) {
      this.seen.add((row as { dedupe_key: string }).dedupe_key);
    }
  }

  /** Events accepted and not yet committed. */
  get waiting(): number {
    return this.writes.length;
  }

  enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean> {
    if (this.connection.closed) return Promise.reject(new Error('store is closed'));
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

  /** Dedupe keys pruned with their delivered events: a copy sent now is new. */
  forget(dedupeKeys: Iterable<string>): void {
    for (const key of dedupeKeys) this.seen.delete(key);
  }

  /** Commits every event accepted so far (on close). */
  async drain(): Promise<void> {
    while (this.inFlight || this.writes.length > 0) await (this.inFlight ?? this.flush());
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
      await this.connection.writer.insert(
        batch.map((w) => w.dedupeKey),
        batch.map((w) => w.payload),
        this.connection.now(),
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
    this.onCommitted();
  }
}
