import { afterAll, describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { SqliteWriter } from '../../../../src/store/sqlite/writer.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';

describe('SqliteWriter', () => {
  const connection = new SqliteConnection(tempDirs()());
  const file = connection.db.name;
  const writer = new SqliteWriter(file, 100);
  afterAll(async () => {
    await writer.close();
    await connection.close();
  });

  it('runs a transaction whole or not at all, with the code of the statement that failed', async () => {
    const insert = {
      sql: 'INSERT INTO post_links (key, link, created_at) VALUES (?, ?, ?)',
      params: ['k1', '{}', 1],
    };
    const failure = writer.transaction([insert, { ...insert, params: ['k1', '{}', 2] }]);
    await expect(failure).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(connection.db.prepare('SELECT count(*) AS n FROM post_links').get()).toEqual({ n: 0 });
  });

  it('answers the rows of a statement that returns any, and the changes of the others', async () => {
    const [inserted, read] = await writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?)',
        params: ['k', 'v', 1],
      },
      { sql: 'SELECT value FROM once_values WHERE key = ?', params: ['k'] },
    ]);
    expect(inserted).toEqual({ changes: 1 });
    expect(read?.rows).toEqual([{ value: 'v' }]);
  });

  it('commits a batch of new events in one insert', async () => {
    await writer.insert(['a', 'b'], ['{"n":1}', '{"n":2}'], 5);
    expect(connection.db.prepare('SELECT dedupe_key, enqueued_at FROM events').all()).toEqual([
      { dedupe_key: 'a', enqueued_at: 5 },
      { dedupe_key: 'b', enqueued_at: 5 },
    ]);
  });
});
