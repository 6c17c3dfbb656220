import { z } from 'zod';
import {
  POST_LINK_RETENTION_MS,
  type PostLink,
  type PostLinks,
  postLinkSchema,
} from '../post-links.js';
import { failedStep, type RedisConnection, type RedisStoreOptions } from './connection.js';

/** The key of the post link of `key`: `<prefix>post:<key>`. */
export function postLinkKey(connection: RedisConnection, key: string): string {
  return connection.key('post', key);
}

/** How a post link is stored (kept `POST_LINK_RETENTION_MS`). */
export function encodePostLink(link: PostLink): string {
  return JSON.stringify(link);
}

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
    // Every step, not only the last: a failed SADD or PEXPIRE would otherwise go unnoticed.
    failedStep(results);
    const [error, members] = results[results.length - 1] ?? [new Error('no answer'), undefined];
    if (error) throw error;
    return z.array(z.string()).parse(members);
  }

  async savePostLink(key: string, link: PostLink): Promise<void> {
    await this.connection.redis.set(
      postLinkKey(this.connection, key),
      encodePostLink(link),
      'PX',
      POST_LINK_RETENTION_MS,
    );
  }

  async getPostLink(key: string): Promise<PostLink | undefined> {
    const value = await this.connection.redis.get(postLinkKey(this.connection, key));
    if (value === null) return undefined;
    try {
      return postLinkSchema.parse(JSON.parse(value));
    } catch (error) {
      // A link we cannot read only costs the in-place update; the recall is still posted.
      this.options.onCorrupt?.(postLinkKey(this.connection, key), error);
      return undefined;
    }
  }
}
