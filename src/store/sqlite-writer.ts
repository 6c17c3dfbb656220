import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The thread that commits new events. A commit with `synchronous=FULL` waits for the disk; on
 * this thread that wait no longer stalls the event loop, which goes on parsing webhooks (the
 * next batch) meanwhile. Plain JavaScript run with `eval`, so it loads the same way under
 * node, tsx and vitest.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT INTO events (dedupe_key, payload, enqueued_at) VALUES (?, ?, ?)');
const insertAll = db.transaction((keys, payloads, at) => {
  for (let i = 0; i < keys.length; i++) insert.run(keys[i], payloads[i], at);
});
const markDelivered = db.prepare(
  'UPDATE events SET delivered_at = ? WHERE id IN (SELECT value FROM json_each(?))',
);
const statements = new Map();
function statement(sql) {
  let prepared = statements.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    statements.set(sql, prepared);
  }
  return prepared;
}
parentPort.on('message', (batch) => {
  if (batch === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    if (batch.sql) {
      const prepared = statement(batch.sql);
      const result = prepared.reader ? prepared.get(...batch.params) : prepared.run(...batch.params);
      parentPort.postMessage({ ok: true, row: prepared.reader ? result : undefined, changes: prepared.reader ? undefined : result.changes });
      return;
    }
    if (batch.ack) {
      markDelivered.run(batch.at, batch.ack);
    } else {
      // Rows arrive as two newline-joined strings: one copy each instead of one per row.
      insertAll(batch.keys.split('\\n'), batch.payloads.split('\\n'), batch.at);
    }
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
  }
});
`;

interface Answer {
  ok?: boolean;
  error?: string;
  row?: unknown;
  changes?: number;
}

type Param = string | number | null;

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly answers: ((answer: Answer) => void)[] = [];
  private failure: Error | undefined;

  constructor(file: string) {
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    this.worker.on('message', (answer: Answer) => this.answers.shift()?.(answer));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('the SQLite writer thread stopped')));
  }

  /** Why the writer cannot take work, if it cannot. */
  get problem(): Error | undefined {
    return this.failure;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const answer of this.answers.splice(0)) answer({ error: error.message });
  }

  /** Commits one batch of new events in one transaction. */
  async insert(keys: string[], payloads: string[], at: number): Promise<void> {
    // Dedupe keys are base64url and payloads are JSON.stringify output: neither holds a newline.
    await this.send({ keys: keys.join('\n'), payloads: payloads.join('\n'), at });
  }

  /** Marks events delivered, in one statement. */
  async ack(ids: readonly number[], at: number): Promise<void> {
    await this.send({ ack: JSON.stringify(ids), at });
  }

  /**
   * Runs one writing statement in its own transaction; a statement with `RETURNING` gives its
   * row. The thread runs statements one at a time, so each is atomic against the others.
   */
  async execute(sql: string, ...params: Param[]): Promise<{ row: unknown; changes: number }> {
    const answer = await this.send({ sql, params });
    return { row: answer.row, changes: answer.changes ?? 0 };
  }

  private send(message: Record<string, unknown>): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.answers.push((answer) =>
        answer.ok ? resolve(answer) : reject(new Error(answer.error ?? 'write failed')),
      );
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    await exited;
  }
}
