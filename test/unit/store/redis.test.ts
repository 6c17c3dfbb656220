import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisStore, type RedisStoreOptions } from '../../../src/store/redis.js';
import { DEDUPE_RETENTION_MS } from '../../../src/store/store.js';
import {
  deleteKeysWithPrefix,
  type RedisProxy,
  startRedisProxy,
  testRedisUrl,
  uniquePrefix,
} from '../../helpers/redis.js';
import { c2cEvent, describeStoreContract } from '../../helpers/store-contract.js';

const prefixes: string[] = [];
let current = '';
function newPrefix(): string {
  current = uniquePrefix('store');
  prefixes.push(current);
  return current;
}
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
});

describeStoreContract('redis', {
  open: () => RedisStore.connect({ url: testRedisUrl(), prefix: newPrefix() }),
  reopen: () => RedisStore.connect({ url: testRedisUrl(), prefix: current }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` resolves truthy, or fails the test after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe('RedisStore', () => {
  const opened: RedisStore[] = [];
  const proxies: RedisProxy[] = [];
  const raw = new Redis(testRedisUrl());
  let prefix = '';

  /** A replica on this test's prefix. */
  async function replica(options: Partial<RedisStoreOptions> = {}): Promise<RedisStore> {
    const store = await RedisStore.connect({ url: testRedisUrl(), prefix, ...options });
    opened.push(store);
    return store;
  }

  async function proxy(): Promise<RedisProxy> {
    const started = await startRedisProxy();
    proxies.push(started);
    return started;
  }

  async function fill(store: RedisStore, count: number): Promise<void> {
    await Promise.all(
      Array.from({ length: count }, (_, i) => store.enqueue(`k${i}`, c2cEvent(`m${i}`))),
    );
  }

  async function owners(): Promise<string[]> {
    const pending = (await raw.xpending(`${prefix}events`, 'feed', '-', '+', 1000)) as [
      string,
      string,
    ][];
    return pending.map(([, consumer]) => consumer);
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const started of proxies.splice(0)) await started.close();
    prefix = newPrefix();
  });
  afterAll(async () => {
    await raw.quit();
  });
  prefix = newPrefix();

  it('never hands one event to two replicas claiming at once', async () => {
    const [a, b] = [await replica(), await replica()];
    await fill(a, 200);
    const drain = async (store: RedisStore) => {
      const ids: string[] = [];
      for (let got = await store.claim(7, 0); got.length > 0; got = await store.claim(7, 0)) {
        ids.push(...got.map((e) => e.id));
      }
      return ids;
    };
    const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect(new Set([...fromA, ...fromB]).size).toBe(200);
    expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
    await Promise.all([a.ack(fromA), b.ack(fromB)]);
    expect(await a.pendingCount()).toBe(0);
  });

  it('lets a replica take over what a silent one held, after the lease, for good', async () => {
    const network = await proxy();
    const silent = await replica({ url: network.url, leaseMs: 300 });
    const other = await replica({ leaseMs: 300 });
    await fill(other, 5);
    const held = await silent.claim(10, 0);
    expect(held).toHaveLength(5);

    network.cut();
    const cutAt = Date.now();
    expect(await other.claim(10, 0)).toEqual([]);
    const taken = await eventually(async () => {
      const got = await other.claim(10, 0);
      return got.length > 0 ? got : undefined;
    });
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(150);
    expect(taken.map((e) => e.id)).toEqual(held.map((e) => e.id));

    // Back on the network, the silent one's heartbeat must not take them back.
    network.restore();
    await eventually(() => silent.check().then(() => true));
    // The silent one must not post for events another replica took over.
    expect(await silent.confirmHeld(held.map((e) => e.id))).toBe(false);
    await sleep(400);
    expect(await owners()).toEqual(Array(5).fill(other.consumer));
    expect(await other.confirmHeld(taken.map((e) => e.id))).toBe(true);
    await other.ack(taken.map((e) => e.id));
    expect(await other.pendingCount()).toBe(0);
  });

  it('keeps what it holds from other replicas while it heartbeats', async () => {
    const holder = await replica({ leaseMs: 300 });
    const other = await replica({ leaseMs: 300 });
    await fill(holder, 5);
    const held = await holder.claim(10, 0);
    for (const started = Date.now(); Date.now() - started < 1_500; await sleep(50)) {
      expect(await other.claim(10, 0)).toEqual([]);
    }
    expect(await holder.claim(10, 0)).toEqual([]);
    await holder.ack(held.map((e) => e.id));
    expect(await other.pendingCount()).toBe(0);
  });

  it('releases what it holds on close, so another replica takes it at once', async () => {
    const closing = await replica();
    const other = await replica();
    await fill(closing, 3);
    expect(await closing.claim(10, 0)).toHaveLength(3);
    await closing.close();
    expect(await other.claim(10, 0)).toHaveLength(3);
  });

  it('accepts a dedupe key once across replicas enqueueing it at the same time', async () => {
    const [a, b] = [await replica(), await replica()];
    const keys = Array.from({ length: 50 }, (_, i) => `same${i}`);
    const results = await Promise.all(
      keys.map(async (key) => {
        const both = await Promise.all([
          a.enqueue(key, c2cEvent(key)),
          b.enqueue(key, c2cEvent(key)),
        ]);
        return both.filter(Boolean).length;
      }),
    );
    expect(results).toEqual(Array(50).fill(1));
    expect(await a.pendingCount()).toBe(50);
  });

  it('drops an entry it cannot read instead of wedging the queue', async () => {
    const corrupt: string[] = [];
    const store = await replica({ onCorrupt: (id) => corrupt.push(id) });
    const badId = await raw.xadd(`${prefix}events`, '*', 'payload', '{"not":"an event"}');
    await store.enqueue('good', c2cEvent('good'));
    const got = await store.claim(10, 0);
    expect(got.map((e) => e.event.body)).toEqual([c2cEvent('good').body]);
    expect(corrupt).toEqual([badId]);
    expect(await store.pendingCount()).toBe(1);
  });

  it('keeps dedupe keys while pending and for the retention window after ack', async () => {
    const store = await replica();
    await store.enqueue('k', c2cEvent('m'));
    expect(await raw.pttl(`${prefix}dedupe:k`)).toBe(-1);
    const [event] = await store.claim(1, 0);
    await store.ack([event?.id ?? '']);
    const left = await raw.pttl(`${prefix}dedupe:k`);
    expect(left).toBeGreaterThan(DEDUPE_RETENTION_MS - 60_000);
    expect(left).toBeLessThanOrEqual(DEDUPE_RETENTION_MS);
  });

  it('keeps post links for 30 days', async () => {
    const store = await replica();
    await store.savePostLink('oa:x:1', { channel: 'C1', ts: '1.0001' });
    const left = await raw.pttl(`${prefix}post:oa:x:1`);
    expect(left).toBeGreaterThan(29 * 24 * 60 * 60 * 1000);
  });

  it('waits a claim out for longer than the command timeout when nothing arrives', async () => {
    const store = await replica({ commandTimeoutMs: 300 });
    const started = Date.now();
    expect(await store.claim(10, 800)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
  });

  it('ends a waiting claim when closed', async () => {
    const store = await replica();
    const started = Date.now();
    const waiting = store.claim(10, 10_000);
    await sleep(50);
    await store.close();
    expect(await waiting).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails checks and enqueues fast while Redis is unreachable, and recovers', async () => {
    const network = await proxy();
    const store = await replica({ url: network.url });
    await expect(store.check()).resolves.toBeUndefined();
    network.cut();
    const cutAt = Date.now();
    await expect(store.check()).rejects.toThrow();
    await expect(store.enqueue('k', c2cEvent('m'))).rejects.toThrow();
    expect(Date.now() - cutAt).toBeLessThan(2_000);
    network.restore();
    await eventually(() => store.check().then(() => true));
    expect(await store.enqueue('k', c2cEvent('m'))).toBe(true);
  });

  it('gives up connecting, fast, when nothing listens', async () => {
    const started = Date.now();
    await expect(
      RedisStore.connect({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300 }),
    ).rejects.toThrow(/not ready within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('forgets consumers of earlier runs that hold nothing, and keeps those that do', async () => {
    const empty = await replica();
    expect(await empty.claim(10, 0)).toEqual([]);
    await empty.close();
    const holding = await replica();
    await fill(holding, 1);
    expect(await holding.claim(10, 0)).toHaveLength(1);
    await holding.close();

    await replica({ forgetIdleConsumersAfterMs: 0 });
    const consumers = (await raw.xinfo('CONSUMERS', `${prefix}events`, 'feed')) as string[][];
    expect(consumers.map((info) => info[1])).toEqual([holding.consumer]);
  });
});
