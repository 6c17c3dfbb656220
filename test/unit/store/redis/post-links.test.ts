import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisPostLinks } from '../../../../src/store/redis/post-links.js';
import { testRedisUrl } from '../../../helpers/redis.js';
import { redisStoreFactory, testConnection, useReplicas } from '../../../helpers/redis-store.js';
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

  it('reads a link it cannot parse as none, and reports it', async () => {
    const corrupt: string[] = [];
    const { connection, close } = await testConnection({ prefix: prefix() });
    const links = new RedisPostLinks(connection, { onCorrupt: (key) => corrupt.push(key) });
    await raw.set(`${prefix()}post:oa:x:2`, '{"ts":1}');
    expect(await links.getPostLink('oa:x:2')).toBeUndefined();
    expect(corrupt).toEqual([`${prefix()}post:oa:x:2`]);
    await close();
  });

  it('keeps the recalled keys of a group post as long as its link', async () => {
    const store = await replica();
    await store.links.addRecalled('group:g', ['a']);
    expect(await raw.pttl(`${prefix()}recalled:group:g`)).toBeGreaterThan(29 * 24 * 60 * 60 * 1000);
  });
});
