import { readJson } from '../../lib/json.js';
import { type LinkToSave, type PostLink, type PostLinks, postLinkSchema } from '../post-links.js';
import type { SqliteConnection } from './connection.js';
import type { Statement } from './writer.js';

/** Saves a link (the queue saves them with the write that made the post, in one commit). */
export function linkStatement({ key, link }: LinkToSave, now: number): Statement {
  return {
    sql: 'INSERT INTO post_links (key, link, created_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET link = excluded.link',
    params: [key, JSON.stringify(link), now],
  };
}

/** Post links in the `post_links` table; recalled keys of group posts in `recalled_keys`. */
export class SqlitePostLinks implements PostLinks {
  constructor(private readonly connection: SqliteConnection) {}

  async savePostLink(key: string, link: PostLink): Promise<void> {
    await this.connection.writer.transaction([linkStatement({ key, link }, this.connection.now())]);
  }

  async getPostLink(key: string): Promise<PostLink | undefined> {
    const row = this.connection.db.prepare('SELECT link FROM post_links WHERE key = ?').get(key) as
      | { link: string }
      | undefined;
    if (!row) return undefined;
    // A link we cannot read only costs the in-place update; the recall is still posted.
    return readJson(postLinkSchema, row.link);
  }

  async addRecalled(group: string, msgKeys: readonly string[]): Promise<string[]> {
    const [, read] = await this.connection.writer.transaction([
      {
        sql: 'INSERT OR IGNORE INTO recalled_keys (group_key, msg_key, created_at) SELECT ?, value, ? FROM json_each(?)',
        params: [group, this.connection.now(), JSON.stringify(msgKeys)],
      },
      { sql: 'SELECT msg_key FROM recalled_keys WHERE group_key = ?', params: [group] },
    ]);
    return ((read?.rows ?? []) as { msg_key: string }[]).map((row) => row.msg_key);
  }
}
