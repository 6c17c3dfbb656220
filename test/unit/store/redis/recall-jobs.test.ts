import { describe, expect, it } from 'vitest';
import { RedisRecallJobStore } from '../../../../src/store/redis/recall-jobs.js';
import { redisStoreFactory, useTestConnection } from '../../../helpers/redis-store.js';
import { describeRecallJobsContract } from '../../../helpers/store-contract/recall-jobs.js';

describeRecallJobsContract('redis', redisStoreFactory());

describe('RedisRecallJobStore', () => {
  const { prefix, raw, connection } = useTestConnection('recall-jobs');

  it('lists a job in its index until deleted, and leaves no key of it behind', async () => {
    const jobs = new RedisRecallJobStore(connection());
    await jobs.saveRecallJob('j1', '{}');
    await jobs.saveRecallKeys('j1', [['1_1_1', 'sent']]);
    await jobs.saveRecallKeys('j1', []);
    expect(await raw.smembers(`${prefix}recall-job:`)).toEqual(['j1']);
    await jobs.deleteRecallJob('j1');
    expect(await raw.keys(`${prefix}recall-*`)).toEqual([]);
  });

  it('fails a save whose step Redis refuses', async () => {
    const jobs = new RedisRecallJobStore(connection());
    // The index is a set: a string in its place makes SADD fail inside the MULTI.
    await raw.set(`${prefix}recall-job:`, 'not a set');
    await expect(jobs.saveRecallJob('j2', '{}')).rejects.toThrow(/WRONGTYPE/);
    await raw.del(`${prefix}recall-job:`);
  });
});
