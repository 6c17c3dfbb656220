import { describe, expect, it } from 'vitest';
import { SqliteEventQueue } from '../../../../src/store/sqlite/queue.js';
import { SqliteStore } from '../../../../src/store/sqlite/store.js';
import { sqliteStoreFactory, tempDirs } from '../../../helpers/sqlite-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';
import { describeQueueContract } from '../../../helpers/store-contract/queue.js';

describeQueueContract('sqlite', sqliteStoreFactory());

describe('SqliteEventQueue', () => {
  const newDir = tempDirs();

  it('stops a claim at its byte budget (at least one event), leaving the rest for the next', async () => {
    const store = new SqliteStore({ dataDir: newDir(), claimBytes: 3000 });
    expect(store.queue).toBeInstanceOf(SqliteEventQueue);
    const big = (key: string) => ({
      ...c2cEvent(key),
      body: { ...c2cEvent(key).body, From_Account: 'a'.repeat(200) },
    });
    for (let i = 0; i < 20; i++) await store.queue.enqueue(`k${i}`, big(`m${i}`));
    const first = await store.queue.claim(100, 0);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    const second = await store.queue.claim(100, 0);
    expect(second.length).toBeGreaterThan(0);
    expect(new Set([...first, ...second].map((e) => e.id)).size).toBe(first.length + second.length);
    await store.close();
  });

  it('commits a burst of concurrent enqueues in few transactions and keeps them all', async () => {
    const dir = newDir();
    const store = new SqliteStore({ dataDir: dir });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.queue.enqueue(`k${i}`, c2cEvent(`m${i}`))),
    );
    expect(results.every(Boolean)).toBe(true);
    await store.close();
    const reopened = new SqliteStore({ dataDir: dir });
    expect(await reopened.queue.pendingCount()).toBe(1000);
    await reopened.close();
  });

  it('forgets dedupe keys of delivered events after the retention window', async () => {
    const dir = newDir();
    let now = 1_000_000;
    const store = new SqliteStore({ dataDir: dir, now: () => now });
    await store.queue.enqueue('k', c2cEvent('m'));
    const [event] = await store.queue.claim(1, 0);
    await store.queue.ack([event?.id ?? '']);
    await store.close();
    now += 25 * 60 * 60 * 1000;
    const dayLater = new SqliteStore({ dataDir: dir, now: () => now });
    expect(await dayLater.queue.enqueue('k', c2cEvent('m'))).toBe(false);
    await dayLater.close();
    now += 48 * 60 * 60 * 1000;
    const later = new SqliteStore({ dataDir: dir, now: () => now });
    expect(await later.queue.enqueue('k', c2cEvent('m'))).toBe(true);
    await later.close();
  });

  it('sets a row it cannot read aside instead of handing it out', async () => {
    const errors: unknown[] = [];
    const dir = newDir();
    const store = new SqliteStore({ dataDir: dir, onError: (error) => errors.push(error) });
    await store.queue.enqueue('good', c2cEvent('good'));
    await store.close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(`${dir}/recall-bot.sqlite`);
    db.prepare(
      'INSERT INTO events (dedupe_key, payload, enqueued_at) VALUES (\'bad\', \'{"not":"an event"}\', 1)',
    ).run();
    db.close();
    const reopened = new SqliteStore({ dataDir: dir });
    const claimed = await reopened.queue.claim(10, 0);
    expect(claimed.map((e) => e.event)).toEqual([c2cEvent('good')]);
    await expect.poll(() => reopened.queue.deadLetterCount()).toBe(1);
    const [letter] = await reopened.queue.peek(['2']);
    expect(letter).toBeUndefined();
    expect(errors).toEqual([]);
    await reopened.close();
  });
});
