import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJson, SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';

describe('SqliteConnection', () => {
  const newDir = tempDirs();

  it('passes its check while the file can be read and written', async () => {
    const connection = new SqliteConnection(newDir());
    await expect(connection.check()).resolves.toBeUndefined();
    await connection.close();
  });

  it('fails its check once the store is closing, and once the writer thread is gone', async () => {
    const connection = new SqliteConnection(newDir());
    connection.closed = true;
    await expect(connection.check()).rejects.toThrow('store is closed');
    connection.closed = false;
    await connection.writer.close();
    await expect(connection.check()).rejects.toThrow(/writer thread stopped/);
    connection.db.close();
  });
});

describe('readJson', () => {
  const schema = z.object({ n: z.number() });

  it('reads a stored value that matches the schema, and skips one that does not', () => {
    expect(readJson(schema, '{"n":1}')).toEqual({ n: 1 });
    expect(readJson(schema, '{"n":"1"}')).toBeUndefined();
    expect(readJson(schema, 'not json')).toBeUndefined();
  });
});
