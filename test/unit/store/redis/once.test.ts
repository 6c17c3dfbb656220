import { describe, expect, it } from 'vitest';
import { RedisOnceStore } from '../../../../src/store/redis/once.js';
import { redisStoreFactory, useTestConnection } from '../../../helpers/redis-store.js';
import { describeOnceContract } from '../../../helpers/store-contract/once.js';

describeOnceContract('redis', redisStoreFactory());

describe('RedisOnceStore', () => {
  const { prefix, raw, connection } = useTestConnection('once');

  it('keeps values and locks under once:, with an expiry of at least one millisecond', async () => {
    const once = new RedisOnceStore(connection());
    await once.putOnce('c', 'value', 0.2);
    await once.lease('job', 'a', 60_000);
    const left = await raw.pttl(`${prefix}once:job`);
    expect(left).toBeGreaterThan(59_000);
    expect(await raw.get(`${prefix}once:job`)).toBe('a');
  });
});
