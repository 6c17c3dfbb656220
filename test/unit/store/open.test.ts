import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/store/open.js';
import { RedisStore } from '../../../src/store/redis/store.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { testEnv } from '../../helpers/app.js';
import { deleteKeysWithPrefix, testRedisUrl } from '../../helpers/redis.js';
import { tempDirs } from '../../helpers/sqlite-store.js';

/** No Slack is called: only the store is opened. */
const NO_SLACK = 'http://127.0.0.1:1/api/';

describe('openStore', () => {
  const newDir = tempDirs();

  it('opens SQLite in DATA_DIR by default', async () => {
    const store = await openStore(
      parseConfig(testEnv(NO_SLACK, { DATA_DIR: newDir() })),
      silentLogger,
    );
    expect(store).toBeInstanceOf(SqliteStore);
    await expect(store.check()).resolves.toBeUndefined();
    await store.close();
  });

  it('opens Redis when REDIS_URL is set', async () => {
    const config = parseConfig(
      testEnv(NO_SLACK, { DATA_DIR: newDir(), REDIS_URL: testRedisUrl() }),
    );
    const store = await openStore(config, silentLogger);
    try {
      expect(store).toBeInstanceOf(RedisStore);
      await expect(store.check()).resolves.toBeUndefined();
    } finally {
      await store.close();
      // The app's own prefix, in the test database.
      await deleteKeysWithPrefix('recall-bot:');
    }
  });
});
