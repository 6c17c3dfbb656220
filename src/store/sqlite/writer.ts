import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The thread every write goes through. A commit with `synchronous=FULL` waits for the disk; on
 * this thread that wait no longer stalls the event loop, which goes on parsing webhooks (the
 * next batch) meanwhile. A failing write (disk full, database locked by another process) fails
 * only its own message: the thread stays up. Plain JavaScript run with `eval`, so it loads the
 * same way under node, tsx and vitest.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const insert = db.prepare('INSERT INTO events (dedupe_key, payload, enqueued_at) VALUES (?, ?, ?)');
const insertAll = db.transaction((keys, payloads, at) => {
  for (let i = 0; i < keys.length; i++) insert.run(keys[i], payloads[i], at);
});
const statements = new Map();
function statement(sql) {
  let prepared = statements.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    statements.set(sql, prepared);
  }
  return prepared;
}
const runAll = db.transaction((list) =>
  list.map(({ sql, params }) => {
    const prepared = statement(sql);
    if (prepared.reader) return { rows: prepared.all(...params), changes: 0 };
    return { changes: prepared.run(...params).changes };
  }),
);
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    if (message.tx) {
      parentPort.postMessage({ ok: true, results: runAll(message.tx) });
      return;
    }
    // Rows arrive as two newline-joined strings: one copy each instead of one per row.
    insertAll(message.keys.split('\\n'), message.payloads.split('\\n'), message.at);
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({
      error: String(error && error.message ? error.message : error),
      code: error && typeof error.code === 'string' ? error.code : undefined,
    });
  }
});
`;

export type Param = string | number | null;

/** One statement of a transaction. */
export interface Statement {
  sql: string;
  params: Param[];
}

/** What a statement did: its rows when it returns any (`SELECT`, `RETURNING`), and its changes. */
export interface StatementResult {
  rows?: unknown[];
  changes: number;
}

interface Answer {
  ok?: boolean;
  error?: string;
  /** SQLite's code (`SQLITE_FULL`, `SQLITE_BUSY`…) of a failed write. */
  code?: string;
  results?: StatementResult[];
}

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly answers: ((answer: Answer) => void)[] = [];
  private failure: Error | undefined;

  constructor(file: string, busyTimeoutMs: number) {
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        file,
        busyTimeoutMs,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    this.worker.on('message', (answer: Answer) => this.answers.shift()?.(answer));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('the SQLite writer thread stopped')));
  }

  /** Why the writer cannot take work at all, if it cannot. */
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

  /**
   * Runs statements in one transaction: all of them or none. The thread runs one message at a
   * time, so each transaction is atomic against every other write.
   */
  async transaction(statements: Statement[]): Promise<StatementResult[]> {
    const answer = await this.send({ tx: statements });
    return answer.results ?? [];
  }

  private send(message: Record<string, unknown>): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.answers.push((answer) =>
        answer.ok
          ? resolve(answer)
          : reject(Object.assign(new Error(answer.error ?? 'write failed'), { code: answer.code })),
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
