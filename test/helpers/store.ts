import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { OnceStore } from '../../src/store/once.js';
import type { PostLinks } from '../../src/store/post-links.js';
import type { EventQueue } from '../../src/store/queue.js';
import type { RecallJobStore } from '../../src/store/recall-jobs.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { Store } from '../../src/store/store.js';

/** A SQLite store in a fresh temporary directory, for unit tests, with its roles at hand. */
export interface TestStore {
  /** The whole store. */
  store: Store;
  /** The durable queue of feed events and its dead letters. */
  queue: EventQueue;
  /** Once-values and locks: confirmations, click locks, holds. */
  once: OnceStore;
  /** Post links and a group post's recalled keys. */
  links: PostLinks;
  /** Recall jobs and the state of their keys. */
  recallJobs: RecallJobStore;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

export function openTestStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'recall-bot-unit-'));
  const store = new SqliteStore({ dataDir: dir });
  return {
    store,
    queue: store.queue,
    once: store.once,
    links: store.links,
    recallJobs: store.recallJobs,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `openTestStore` for the describe block it is called in: closed and removed after it. */
export function useTestStore(): TestStore {
  const opened = openTestStore();
  afterAll(() => opened.close());
  return opened;
}
