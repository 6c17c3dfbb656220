import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../helpers/redis.js';
import { redisStoreFactory, useReplicas } from '../../../helpers/redis-store.js';
import { describePostLinksContract } from '../../../helpers/store-contract/post-links.js';

describePostLinksContract('redis', redisStoreFactory());

describe('RedisPostLinks', () => {
  const { prefix, replica } = useReplicas();
  const raw = new Redis(testRedisUrl());
  afterAll(async () => {
    await raw.quit();
  });

  it('keeps post links for 30 days', async () => {
    const store = await replica();
    await store.links.savePostLink('oa:x:1', { channel: 'C1', ts: '1.0001' });
    const left = await raw.pttl(`${prefix()}post:oa:x:1`);
    expect(left).toBeGreaterThan(29 * 24 * 60 * 60 * 1000);
  });
});
