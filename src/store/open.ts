import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { RedisStore } from './redis/store.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store } from './store.js';

/** The store the configuration asks for: Redis when `REDIS_URL` is set, else SQLite. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.redisUrl) {
    return RedisStore.connect({
      url: config.redisUrl,
      onCorrupt: (id, error) => logger.error('dropped an unreadable queue entry', { id, error }),
      onError: (error, during) => logger.warn('Redis store problem', { error, during }),
    });
  }
  return new SqliteStore({
    dataDir: config.dataDir,
    onError: (error, during) => logger.warn('SQLite store problem', { error, during }),
  });
}
