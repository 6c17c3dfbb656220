import { afterAll, describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { linkStatement, SqlitePostLinks } from '../../../../src/store/sqlite/post-links.js';
import { sqliteStoreFactory, tempDirs } from '../../../helpers/sqlite-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';
import { describePostLinksContract } from '../../../helpers/store-contract/post-links.js';

describePostLinksContract('sqlite', sqliteStoreFactory());

describe('SqlitePostLinks', () => {
  const connection = new SqliteConnection(tempDirs()());
  const links = new SqlitePostLinks(connection);
  afterAll(() => connection.close());

  it('reads a link saved by another transaction (the queue saves them with their write)', async () => {
    const link = { channel: 'C1', ts: '1.000100', event: c2cEvent('with-write') };
    await connection.writer.transaction([linkStatement({ key: 'oa:x:1', link }, connection.now())]);
    expect(await links.getPostLink('oa:x:1')).toEqual(link);
  });

  it('reads a link it cannot parse as none (the post is then not updated in place)', async () => {
    await links.savePostLink('oa:x:2', { channel: 'C1', ts: '2.000100' });
    connection.db.prepare("UPDATE post_links SET link = '{\"ts\":1}' WHERE key = 'oa:x:2'").run();
    expect(await links.getPostLink('oa:x:2')).toBeUndefined();
  });

  it('reads a link that is not JSON as none, without throwing', async () => {
    await links.savePostLink('oa:x:3', { channel: 'C1', ts: '3.000100' });
    connection.db.prepare("UPDATE post_links SET link = 'not json' WHERE key = 'oa:x:3'").run();
    expect(await links.getPostLink('oa:x:3')).toBeUndefined();
  });
});
