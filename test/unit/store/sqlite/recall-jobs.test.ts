import { afterAll, describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { SqliteRecallJobStore } from '../../../../src/store/sqlite/recall-jobs.js';
import { sqliteStoreFactory, tempDirs } from '../../../helpers/sqlite-store.js';
import { describeRecallJobsContract } from '../../../helpers/store-contract/recall-jobs.js';

describeRecallJobsContract('sqlite', sqliteStoreFactory());

describe('SqliteRecallJobStore', () => {
  const connection = new SqliteConnection(tempDirs()());
  const jobs = new SqliteRecallJobStore(connection);
  afterAll(() => connection.close());

  it('saves the key states of several jobs written at the same moment', async () => {
    await Promise.all([jobs.saveRecallJob('a', '{}'), jobs.saveRecallJob('b', '{}')]);
    await Promise.all([
      jobs.saveRecallKeys('a', [['1_1_1', 'sent']]),
      jobs.saveRecallKeys('b', [['2_1_1', 'sent']]),
      jobs.saveRecallKeys('a', [['3_1_1', 'sent']]),
      jobs.saveRecallKeys('b', []),
    ]);
    expect(Object.fromEntries((await jobs.loadRecallJob('a'))?.keys ?? [])).toEqual({
      '1_1_1': 'sent',
      '3_1_1': 'sent',
    });
    expect(Object.fromEntries((await jobs.loadRecallJob('b'))?.keys ?? [])).toEqual({
      '2_1_1': 'sent',
    });
  });

  it('fails every key write of a transaction the writer cannot make', async () => {
    const dir = tempDirs()();
    const broken = new SqliteConnection(dir);
    const brokenJobs = new SqliteRecallJobStore(broken);
    await broken.close();
    await expect(brokenJobs.saveRecallKeys('c', [['4_1_1', 'sent']])).rejects.toThrow(
      /writer thread stopped/,
    );
  });
});
