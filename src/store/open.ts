import type { Config } from '../config.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** The store the configuration asks for: Redis when `REDIS_URL` is set, else SQLite. */
export async function openStore(config: Config): Promise<Store> {
  if (config.redisUrl) {
    throw new Error('REDIS_URL is set, but the Redis store is not available in this version');
  }
  return new SqliteStore({ dataDir: config.dataDir });
}
