import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

/**
 * A SQLite store in a fresh temporary directory, for unit tests, with its roles named as the
 * store is being split (`queue`, `links`, `once`, `recallJobs`): a test hands each module the
 * role it uses, so that when `Store` becomes one interface per role only this helper changes
 * (`once: store.once`, …).
 */
export interface TestStore {
  /** The whole store, for what takes all of it (the listeners' deps). */
  store: Store;
  /** The durable queue of feed events and its dead letters. */
  queue: Store;
  /** Once-values and locks: confirmations, click locks, holds. */
  once: Store;
  /** Post links and a group post's recalled keys. */
  links: Store;
  /** Recall jobs and the state of their keys. */
  recallJobs: Store;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

export function openTestStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'recall-bot-unit-'));
  const store = new SqliteStore({ dataDir: dir });
  return {
    store,
    queue: store,
    once: store,
    links: store,
    recallJobs: store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
