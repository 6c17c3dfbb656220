import { afterAll, describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { SqliteOnceStore } from '../../../../src/store/sqlite/once.js';
import { sqliteStoreFactory, tempDirs } from '../../../helpers/sqlite-store.js';
import { describeOnceContract } from '../../../helpers/store-contract/once.js';

describeOnceContract('sqlite', sqliteStoreFactory());

describe('SqliteOnceStore', () => {
  let now = 1_000_000;
  const connection = new SqliteConnection(tempDirs()(), () => now);
  const once = new SqliteOnceStore(connection);
  afterAll(() => connection.close());

  it('keeps a value until the exact millisecond it expires, by the store clock', async () => {
    await once.putOnce('c', 'value', 1_000);
    now += 999;
    expect(await once.peekOnce('c')).toBe('value');
    now += 1;
    expect(await once.peekOnce('c')).toBeUndefined();
    expect(await once.takeOnce('c')).toBeUndefined();
  });

  it('lets a lease that lapsed go to another owner, and not be extended by the first', async () => {
    expect(await once.lease('job', 'a', 1_000)).toBe(true);
    now += 1_000;
    expect(await once.extendLease('job', 'a', 1_000)).toBe(false);
    expect(await once.lease('job', 'b', 1_000)).toBe(true);
    expect(await once.acquire('job', 1_000)).toBe(false);
  });
});
