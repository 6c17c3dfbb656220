import { z } from 'zod';
import {
  POST_LINK_RETENTION_MS,
  type PostLink,
  type PostLinks,
  postLinkSchema,
} from '../post-links.js';
import type { RedisConnection, RedisStoreOptions } from './connection.js';

/** A post link is a string key kept 30 days; the recalled keys of a group post, a set. */
export class RedisPostLinks implements PostLinks {
  constructor(
    private readonly connection: RedisConnection,
    private readonly options: Pick<RedisStoreOptions, 'onCorrupt'> = {},
  ) {}

  async addRecalled(group: string, msgKeys: readonly string[]): Promise<string[]> {
    const key = this.connection.key('recalled', group);
    const multi = this.connection.redis.multi();
    if (msgKeys.length > 0) multi.sadd(key, ...msgKeys).pexpire(key, POST_LINK_RETENTION_MS);
    multi.smembers(key);
    const results = (await multi.exec()) ?? [];
    const [error, members] = results[results.length - 1] ?? [new Error('no answer'), undefined];
    if (error) throw error;
    return z.array(z.string()).parse(members);
  }

  async savePostLink(key: string, link: PostLink): Promise<void> {
    const value = JSON.stringify(link);
    await this.connection.redis.set(
      this.connection.key('post', key),
      value,
      'PX',
      POST_LINK_RETENTION_MS,
    );
  }

  async getPostLink(key: string): Promise<PostLink | undefined> {
    const value = await this.connection.redis.get(this.connection.key('post', key));
    if (value === null) return undefined;
    try {
      return postLinkSchema.parse(JSON.parse(value));
    } catch (error) {
      // A link we cannot read only costs the in-place update; the recall is still posted.
      this.options.onCorrupt?.(this.connection.key('post', key), error);
      return undefined;
    }
  }
}
