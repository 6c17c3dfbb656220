import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../../../src/store/redis/store.js';
import { eventually, fill, sleep, useReplicas } from '../../../helpers/redis-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('RedisStore', () => {
  const { replica, proxy } = useReplicas();

  it('releases what it holds on close, so another replica takes it at once', async () => {
    const closing = await replica();
    const other = await replica();
    await fill(closing, 3);
    expect(await closing.queue.claim(10, 0)).toHaveLength(3);
    await closing.close();
    expect(await other.queue.claim(10, 0)).toHaveLength(3);
  });

  it('ends a waiting claim when closed', async () => {
    const store = await replica();
    const started = Date.now();
    const waiting = store.queue.claim(10, 10_000);
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
    await expect(store.queue.enqueue('k', c2cEvent('m'))).rejects.toThrow();
    expect(Date.now() - cutAt).toBeLessThan(2_000);
    network.restore();
    await eventually(() => store.check().then(() => true));
    expect(await store.queue.enqueue('k', c2cEvent('m'))).toBe(true);
  });

  it('gives up connecting, fast, when nothing listens', async () => {
    const started = Date.now();
    await expect(
      RedisStore.connect({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300 }),
    ).rejects.toThrow(/not ready within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
