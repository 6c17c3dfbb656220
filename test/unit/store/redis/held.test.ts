import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../helpers/redis.js';
import { eventually, fill, sleep, useReplicas } from '../../../helpers/redis-store.js';

describe('HeldEntries: the heartbeat of what a replica holds', () => {
  const { prefix, replica, proxy } = useReplicas();
  const raw = new Redis(testRedisUrl());
  afterAll(async () => {
    await raw.quit();
  });

  async function owners(): Promise<string[]> {
    const pending = (await raw.xpending(`${prefix()}events`, 'feed', '-', '+', 1000)) as [
      string,
      string,
    ][];
    return pending.map(([, consumer]) => consumer);
  }

  it('lets a replica take over what a silent one held, after the lease, for good', async () => {
    const network = await proxy();
    const silent = await replica({ url: network.url, leaseMs: 300 });
    const other = await replica({ leaseMs: 300 });
    await fill(other, 5);
    const held = await silent.queue.claim(10, 0);
    expect(held).toHaveLength(5);

    network.cut();
    const cutAt = Date.now();
    expect(await other.queue.claim(10, 0)).toEqual([]);
    const taken = await eventually(async () => {
      const got = await other.queue.claim(10, 0);
      return got.length > 0 ? got : undefined;
    });
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(150);
    expect(taken.map((e) => e.id)).toEqual(held.map((e) => e.id));

    // Back on the network, the silent one's heartbeat must not take them back.
    network.restore();
    await eventually(() => silent.check().then(() => true));
    // The silent one must not post for events another replica took over.
    expect(await silent.queue.confirmHeld(held.map((e) => e.id))).toBe(false);
    await sleep(400);
    expect(await owners()).toEqual(Array(5).fill(other.queue.consumer));
    expect(await other.queue.confirmHeld(taken.map((e) => e.id))).toBe(true);
    await other.queue.ack(taken.map((e) => e.id));
    expect(await other.queue.pendingCount()).toBe(0);
  });

  it('keeps what it holds from other replicas while it heartbeats', async () => {
    const holder = await replica({ leaseMs: 300 });
    const other = await replica({ leaseMs: 300 });
    await fill(holder, 5);
    const held = await holder.queue.claim(10, 0);
    for (const started = Date.now(); Date.now() - started < 1_500; await sleep(50)) {
      expect(await other.queue.claim(10, 0)).toEqual([]);
    }
    expect(await holder.queue.claim(10, 0)).toEqual([]);
    await holder.queue.ack(held.map((e) => e.id));
    expect(await other.queue.pendingCount()).toBe(0);
  });
});
