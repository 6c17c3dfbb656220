import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../../../src/store/redis/connection.js';
import { RedisOnceStore } from '../../../../src/store/redis/once.js';
import { testRedisUrl } from '../../../helpers/redis.js';
import { redisStoreFactory, testConnection, testPrefixes } from '../../../helpers/redis-store.js';
import { describeOnceContract } from '../../../helpers/store-contract/once.js';

describeOnceContract('redis', redisStoreFactory());

describe('RedisOnceStore', () => {
  const prefix = testPrefixes('once')();
  const raw = new Redis(testRedisUrl());
  let connection: RedisConnection;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ connection, close } = await testConnection({ prefix }));
  });
  afterAll(async () => {
    await close();
    await raw.quit();
  });

  it('keeps values and locks under once:, with an expiry of at least one millisecond', async () => {
    const once = new RedisOnceStore(connection);
    await once.putOnce('c', 'value', 0.2);
    await once.lease('job', 'a', 60_000);
    const left = await raw.pttl(`${prefix}once:job`);
    expect(left).toBeGreaterThan(59_000);
    expect(await raw.get(`${prefix}once:job`)).toBe('a');
  });
});
