import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { c2cEvent, describeStoreContract } from '../../helpers/store-contract.js';

const dirs: string[] = [];
let current = '';
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite', {
  async open() {
    current = mkdtempSync(join(tmpdir(), 'recall-bot-store-'));
    dirs.push(current);
    return new SqliteStore({ dataDir: current });
  },
  async reopen() {
    return new SqliteStore({ dataDir: current });
  },
});

describe('SqliteStore', () => {
  it('stops a claim at its byte budget (at least one event), leaving the rest for the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recall-bot-claim-bytes-'));
    dirs.push(dir);
    const store = new SqliteStore({ dataDir: dir, claimBytes: 3000 });
    const big = (key: string) => ({
      ...c2cEvent(key),
      body: { ...c2cEvent(key).body, From_Account: 'a'.repeat(200) },
    });
    for (let i = 0; i < 20; i++) await store.enqueue(`k${i}`, big(`m${i}`));
    const first = await store.claim(100, 0);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    const second = await store.claim(100, 0);
    expect(second.length).toBeGreaterThan(0);
    expect(new Set([...first, ...second].map((e) => e.id)).size).toBe(first.length + second.length);
    await store.close();
  });

  it('commits a burst of concurrent enqueues in few transactions and keeps them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recall-bot-store-'));
    dirs.push(dir);
    const store = new SqliteStore({ dataDir: dir });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.enqueue(`k${i}`, c2cEvent(`m${i}`))),
    );
    expect(results.every(Boolean)).toBe(true);
    await store.close();
    const reopened = new SqliteStore({ dataDir: dir });
    expect(await reopened.pendingCount()).toBe(1000);
    await reopened.close();
  });

  it('forgets dedupe keys of delivered events after the retention window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recall-bot-store-'));
    dirs.push(dir);
    let now = 1_000_000;
    const store = new SqliteStore({ dataDir: dir, now: () => now });
    await store.enqueue('k', c2cEvent('m'));
    const [event] = await store.claim(1, 0);
    await store.ack([event?.id ?? '']);
    await store.close();
    now += 25 * 60 * 60 * 1000;
    const dayLater = new SqliteStore({ dataDir: dir, now: () => now });
    expect(await dayLater.enqueue('k', c2cEvent('m'))).toBe(false);
    await dayLater.close();
    now += 48 * 60 * 60 * 1000;
    const later = new SqliteStore({ dataDir: dir, now: () => now });
    expect(await later.enqueue('k', c2cEvent('m'))).toBe(true);
    await later.close();
  });
});
