import { describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';

describe('SqliteConnection', () => {
  const newDir = tempDirs();

  it('passes its check while the file can be read and written', async () => {
    const connection = new SqliteConnection(newDir());
    await expect(connection.check()).resolves.toBeUndefined();
    await connection.close();
  });

  it('fails its check once the store is closing, and once the writer thread is gone', async () => {
    const closing = new SqliteConnection(newDir());
    closing.beginClose();
    await expect(closing.check()).rejects.toThrow('store is closed');
    await closing.close();
    const connection = new SqliteConnection(newDir());
    await connection.writer.close();
    await expect(connection.check()).rejects.toThrow(/writer thread stopped/);
    connection.db.close();
  });
});
