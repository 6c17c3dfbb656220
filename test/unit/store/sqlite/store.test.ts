import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { POST_LINK_RETENTION_MS } from '../../../../src/store/post-links.js';
import type { EventQueue } from '../../../../src/store/queue.js';
import { SqliteStore } from '../../../../src/store/sqlite/store.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('SqliteStore', () => {
  const newDir = tempDirs();

  it('prunes expired once-values and links older than their retention', async () => {
    const dir = newDir();
    let now = 1_000_000;
    const store = new SqliteStore({ dataDir: dir, now: () => now });
    await store.once.putOnce('brief', 'v', 1_000);
    await store.links.savePostLink('oa:x:1', { channel: 'C1', ts: '1.0' });
    await store.links.addRecalled('group:g', ['a']);
    now += POST_LINK_RETENTION_MS + 1;
    await store.prune();
    const db = new Database(join(dir, 'recall-bot.sqlite'), { readonly: true });
    for (const table of ['once_values', 'post_links', 'recalled_keys']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    db.close();
    await store.close();
  });

  it('ends a waiting claim and takes no work once closed, keeping what it accepted', async () => {
    const dir = newDir();
    const store = new SqliteStore({ dataDir: dir });
    const waiting = store.queue.claim(10, 10_000);
    const accepted = store.queue.enqueue('k', c2cEvent('m'));
    const started = Date.now();
    await store.close();
    await store.close();
    expect(await accepted).toBe(true);
    expect(await waiting).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(store.check()).rejects.toThrow('store is closed');
    await expect(store.queue.enqueue('k2', c2cEvent('m2'))).rejects.toThrow('store is closed');
    expect(await store.queue.claim(10, 0)).toEqual([]);
    const queue: EventQueue = store.queue;
    expect(await queue.confirmHeld(['1'])).toBe(false);
    const reopened = new SqliteStore({ dataDir: dir });
    expect(await reopened.queue.pendingCount()).toBe(1);
    await reopened.close();
  });
});
