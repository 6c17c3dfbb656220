import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsumerGroup, GROUP } from '../../../../src/store/redis/group.js';
import { HeldEntries } from '../../../../src/store/redis/held.js';
import { testRedisUrl } from '../../../helpers/redis.js';
import {
  eventually,
  fill,
  sleep,
  testConnection,
  useReplicas,
} from '../../../helpers/redis-store.js';

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

  it('confirms only what it still owns, and hands back what it releases at once', async () => {
    const { connection, close } = await testConnection({ prefix: prefix() });
    await new ConsumerGroup(connection).create();
    const stream = `${prefix()}events`;
    const [first, second] = [
      await raw.xadd(stream, '*', 'n', '1'),
      await raw.xadd(stream, '*', 'n', '2'),
    ];
    await raw.xreadgroup('GROUP', GROUP, 'mine', 'COUNT', 10, 'STREAMS', stream, '>');
    const held = new HeldEntries(connection, 'mine', 60_000);
    try {
      for (const id of [first, second]) held.add(id ?? '');
      expect(await held.confirm([first ?? ''])).toBe(true);
      expect(await held.confirm(['0-1'])).toBe(false);
      // Another replica took the first over: it is no longer this one's, and is forgotten.
      await raw.xclaim(stream, GROUP, 'theirs', 0, first ?? '');
      expect(await held.confirm([first ?? ''])).toBe(false);
      expect(held.has(first ?? '')).toBe(false);
      await held.release([second ?? '']);
      expect(held.has(second ?? '')).toBe(false);
      const [pending] = (await raw.xpending(stream, GROUP, second ?? '', second ?? '', 1)) as [
        string,
        string,
        number,
      ][];
      expect(pending?.[2]).toBeGreaterThan(300 * 24 * 60 * 60 * 1000);
    } finally {
      await held.releaseAll();
      await close();
    }
  });
});
