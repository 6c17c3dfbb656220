import type { RecallJobStore, StoredRecallJob } from '../recall-jobs.js';
import { failedStep, type RedisConnection } from './connection.js';

/**
 * A recall job is a string key (its record) and a hash (its keys' states); the set under the
 * empty name lists the jobs not yet deleted.
 */
export class RedisRecallJobStore implements RecallJobStore {
  constructor(private readonly connection: RedisConnection) {}

  private job(id: string): string {
    return this.connection.key('recall-job', id);
  }

  private keys(id: string): string {
    return this.connection.key('recall-keys', id);
  }

  async saveRecallJob(id: string, record: string): Promise<void> {
    await this.connection.redis
      .multi()
      .set(this.job(id), record)
      .sadd(this.job(''), id)
      .exec()
      .then(failedStep);
  }

  async saveRecallKeys(id: string, states: readonly (readonly [string, string])[]): Promise<void> {
    if (states.length === 0) return;
    await this.connection.redis.hset(this.keys(id), Object.fromEntries(states));
  }

  async loadRecallJob(id: string): Promise<StoredRecallJob | undefined> {
    const [record, keys] = await Promise.all([
      this.connection.redis.get(this.job(id)),
      this.connection.redis.hgetall(this.keys(id)),
    ]);
    return record === null ? undefined : { record, keys: new Map(Object.entries(keys)) };
  }

  async recallJobIds(): Promise<string[]> {
    return this.connection.redis.smembers(this.job(''));
  }

  async deleteRecallJob(id: string): Promise<void> {
    await this.connection.redis
      .multi()
      .del(this.job(id), this.keys(id))
      .srem(this.job(''), id)
      .exec()
      .then(failedStep);
  }
}
