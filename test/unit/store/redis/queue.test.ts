import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DEDUPE_RETENTION_MS } from '../../../../src/store/queue.js';
import { RedisEventQueue } from '../../../../src/store/redis/queue.js';
import type { RedisStore } from '../../../../src/store/redis/store.js';
import { testRedisUrl } from '../../../helpers/redis.js';
import { fill, redisStoreFactory, useReplicas } from '../../../helpers/redis-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';
import { describeQueueContract } from '../../../helpers/store-contract/queue.js';

describeQueueContract('redis', redisStoreFactory());

describe('RedisEventQueue', () => {
  const { prefix, replica } = useReplicas();
  const raw = new Redis(testRedisUrl());
  afterAll(async () => {
    await raw.quit();
  });

  it('never hands one event to two replicas claiming at once', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(a.queue).toBeInstanceOf(RedisEventQueue);
    await fill(a, 200);
    const drain = async (store: RedisStore) => {
      const ids: string[] = [];
      for (
        let got = await store.queue.claim(7, 0);
        got.length > 0;
        got = await store.queue.claim(7, 0)
      ) {
        ids.push(...got.map((e) => e.id));
      }
      return ids;
    };
    const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect(new Set([...fromA, ...fromB]).size).toBe(200);
    expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
    await Promise.all([a.queue.ack(fromA), b.queue.ack(fromB)]);
    expect(await a.queue.pendingCount()).toBe(0);
  });

  it('accepts a dedupe key once across replicas enqueueing it at the same time', async () => {
    const [a, b] = [await replica(), await replica()];
    const keys = Array.from({ length: 50 }, (_, i) => `same${i}`);
    const results = await Promise.all(
      keys.map(async (key) => {
        const both = await Promise.all([
          a.queue.enqueue(key, c2cEvent(key)),
          b.queue.enqueue(key, c2cEvent(key)),
        ]);
        return both.filter(Boolean).length;
      }),
    );
    expect(results).toEqual(Array(50).fill(1));
    expect(await a.queue.pendingCount()).toBe(50);
  });

  it('drops an entry it cannot read instead of wedging the queue', async () => {
    const corrupt: string[] = [];
    const store = await replica({ onCorrupt: (id) => corrupt.push(id) });
    const badId = await raw.xadd(`${prefix()}events`, '*', 'payload', '{"not":"an event"}');
    await store.queue.enqueue('good', c2cEvent('good'));
    const got = await store.queue.claim(10, 0);
    expect(got.map((e) => e.event.body)).toEqual([c2cEvent('good').body]);
    expect(corrupt).toEqual([badId]);
    expect(await store.queue.pendingCount()).toBe(1);
  });

  it('keeps dedupe keys while pending and for the retention window after ack', async () => {
    const store = await replica();
    await store.queue.enqueue('k', c2cEvent('m'));
    expect(await raw.pttl(`${prefix()}dedupe:k`)).toBe(-1);
    const [event] = await store.queue.claim(1, 0);
    await store.queue.ack([event?.id ?? '']);
    const left = await raw.pttl(`${prefix()}dedupe:k`);
    expect(left).toBeGreaterThan(DEDUPE_RETENTION_MS - 60_000);
    expect(left).toBeLessThanOrEqual(DEDUPE_RETENTION_MS);
  });

  it('waits a claim out for longer than the command timeout when nothing arrives', async () => {
    const store = await replica({ commandTimeoutMs: 300 });
    const started = Date.now();
    expect(await store.queue.claim(10, 800)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
  });

  it('forgets consumers of earlier runs that hold nothing, and keeps those that do', async () => {
    const empty = await replica();
    expect(await empty.queue.claim(10, 0)).toEqual([]);
    await empty.close();
    const holding = await replica();
    await fill(holding, 1);
    expect(await holding.queue.claim(10, 0)).toHaveLength(1);
    await holding.close();

    await replica({ forgetIdleConsumersAfterMs: 0 });
    const consumers = (await raw.xinfo('CONSUMERS', `${prefix()}events`, 'feed')) as string[][];
    expect(consumers.map((info) => info[1])).toEqual([holding.queue.consumer]);
  });
});
