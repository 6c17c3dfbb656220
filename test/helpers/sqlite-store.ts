import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { StoreFactory } from './store-contract/events.js';

/** Makes folders of the test file's own, each deleted after its tests. */
export function tempDirs(prefix = 'recall-bot-store-'): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** SQLite stores for the contract suites: a new folder for each `open`, the same on `reopen`. */
export function sqliteStoreFactory(): StoreFactory {
  const newDir = tempDirs();
  let current = '';
  return {
    async open() {
      current = newDir();
      return new SqliteStore({ dataDir: current });
    },
    async reopen() {
      return new SqliteStore({ dataDir: current });
    },
  };
}
