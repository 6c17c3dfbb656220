import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  DataDirError,
  explainStorageError,
  makeFolder,
  openDatabase,
} from '../../../../src/store/sqlite/schema.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';

describe('openDatabase', () => {
  const newDir = tempDirs();

  it('creates the folder and the file, in WAL mode with full sync', () => {
    const dir = join(newDir(), 'a', 'b');
    const { db, file } = openDatabase(dir, Date.now());
    expect(file).toBe(join(dir, 'recall-bot.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('adds the columns a file made by an older version lacks, keeping its rows', () => {
    const dir = newDir();
    const old = new Database(join(dir, 'recall-bot.sqlite'));
    old.exec(
      'CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, dedupe_key TEXT NOT NULL, payload TEXT NOT NULL, enqueued_at INTEGER NOT NULL, delivered_at INTEGER)',
    );
    old
      .prepare("INSERT INTO events (dedupe_key, payload, enqueued_at) VALUES ('k', '{}', 1)")
      .run();
    old.close();
    const { db } = openDatabase(dir, Date.now());
    const columns = (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).toEqual(expect.arrayContaining(['dead_at', 'dead_reason']));
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses a folder it cannot use with one error naming DATA_DIR and why', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'file'), 'x');
    const opening = () => openDatabase(join(dir, 'file', 'data'), Date.now());
    expect(opening).toThrow(DataDirError);
    expect(opening).toThrow(/DATA_DIR \S+ cannot be used: a part of the path is a file/);
  });
});

describe('makeFolder', () => {
  it('makes every missing folder of a path, and stops at the first refusal', () => {
    const dir = tempDirs()();
    makeFolder(join(dir, 'x', 'y', 'z'));
    expect(() => makeFolder(join(dir, 'x', 'y', 'z'))).not.toThrow();
    expect(() => makeFolder('/proc/recall-bot-test/data')).toThrow(/ENOENT/);
  });
});

describe('explainStorageError', () => {
  const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('puts a known code in words, extended SQLite codes by their primary code', () => {
    expect(explainStorageError(coded('ENOSPC', 'write failed'))).toBe(
      'no space left on the device (write failed)',
    );
    expect(explainStorageError(coded('SQLITE_IOERR_WRITE', 'disk I/O error'))).toBe(
      'the disk reported an input/output error (disk I/O error)',
    );
  });

  it('keeps the message of an unknown code or an error without one', () => {
    expect(explainStorageError(coded('EWHATEVER', 'odd'))).toBe('odd');
    expect(explainStorageError('plain')).toBe('plain');
  });
});
