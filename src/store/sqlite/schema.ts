import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CodedError } from '../../lib/errors.js';

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
  CREATE TABLE IF NOT EXISTS post_attempts (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS recalled_keys (
    group_key TEXT NOT NULL,
    msg_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_key, msg_key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS recall_jobs (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS recall_keys (
    job_id TEXT NOT NULL,
    msg_key TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (job_id, msg_key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS write_probe (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    pad BLOB
  );
`;

/** Columns added after the first release: a file made by an older version gains them. */
const ADDED_COLUMNS: Record<string, string> = {
  dead_at: 'ALTER TABLE events ADD COLUMN dead_at INTEGER',
  dead_reason: 'ALTER TABLE events ADD COLUMN dead_reason TEXT',
};

const AFTER_COLUMNS = `
  CREATE INDEX IF NOT EXISTS events_dead ON events (id) WHERE dead_at IS NOT NULL;
`;

/** A write of a few pages, as a webhook's commit is: if this fails, so would they. */
export const WRITE_PROBE_SQL =
  'INSERT INTO write_probe (id, at, pad) VALUES (1, ?, zeroblob(8192)) ON CONFLICT(id) DO UPDATE SET at = excluded.at, pad = excluded.pad';

/** The store's folder could not be used at start; the message names `DATA_DIR` and why. */
export class DataDirError extends CodedError<'data_dir_unusable'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('data_dir_unusable', message, options);
  }
}

const ERRNO_MEANINGS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'a folder on the path does not exist or cannot be created',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  SQLITE_FULL: 'the disk is full',
  SQLITE_CANTOPEN: 'the database file cannot be opened or created there',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_IOERR: 'the disk reported an input/output error',
  SQLITE_BUSY: 'another process holds a lock on the database',
  SQLITE_NOTADB: 'the file there is not a recall-bot database',
  SQLITE_CORRUPT: 'the database file is damaged',
};

/** An error's code and message in words an operator can act on. */
export function explainStorageError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string') return message;
  // SQLite's extended codes (SQLITE_IOERR_WRITE) share the meaning of their primary code.
  const primary = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
  const meaning = ERRNO_MEANINGS[code] ?? ERRNO_MEANINGS[primary];
  return meaning ? `${meaning} (${message})` : message;
}

/**
 * `mkdir -p` that cannot spin: Node's recursive `mkdirSync` loops for ever where `mkdir` answers
 * ENOENT under a parent that exists (e.g. `/proc/x`). Each missing folder is made once, from the
 * top, and the first refusal is thrown.
 */
export function makeFolder(folder: string): void {
  const missing: string[] = [];
  for (let dir = folder; !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) mkdirSync(dir);
}

/**
 * Opens (creating where needed) the database file in `dataDir`, brings its schema up to date and
 * proves that it can be written. Any failure is one `DataDirError` naming the folder and why.
 */
export function openDatabase(
  dataDir: string,
  now: number,
): { db: Database.Database; file: string } {
  const folder = resolve(dataDir);
  let db: Database.Database | undefined;
  try {
    makeFolder(folder);
    const file = join(folder, 'recall-bot.sqlite');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    const columns = new Set(
      (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name),
    );
    for (const [column, sql] of Object.entries(ADDED_COLUMNS)) {
      if (!columns.has(column)) db.exec(sql);
    }
    db.exec(AFTER_COLUMNS);
    db.prepare(WRITE_PROBE_SQL).run(now);
    return { db, file };
  } catch (error) {
    db?.close();
    throw new DataDirError(`DATA_DIR ${folder} cannot be used: ${explainStorageError(error)}`, {
      cause: error,
    });
  }
}
