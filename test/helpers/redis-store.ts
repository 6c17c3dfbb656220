import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RedisConnection, type RedisStoreOptions } from '../../src/store/redis/connection.js';
import { RedisStore } from '../../src/store/redis/store.js';
import {
  deleteKeysWithPrefix,
  type RedisProxy,
  startRedisProxy,
  testRedisUrl,
  uniquePrefix,
} from './redis.js';
import { c2cEvent, type StoreFactory } from './store-contract/events.js';

/** Key prefixes of the test file's own, their keys deleted after its tests. */
export function testPrefixes(name: string): () => string {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
  });
  return () => {
    const prefix = uniquePrefix(name);
    prefixes.push(prefix);
    return prefix;
  };
}

/** Redis stores for the contract suites: a new prefix for each `open`, the same on `reopen`. */
export function redisStoreFactory(): StoreFactory {
  const newPrefix = testPrefixes('store');
  let current = '';
  return {
    open: () => {
      current = newPrefix();
      return RedisStore.connect({ url: testRedisUrl(), prefix: current });
    },
    reopen: () => RedisStore.connect({ url: testRedisUrl(), prefix: current }),
  };
}

/** A ready connection to the test Redis, for testing one role's module on its own. */
export async function testConnection(
  options: Partial<RedisStoreOptions> & { prefix: string },
): Promise<{ connection: RedisConnection; close: () => Promise<void> }> {
  const connection = new RedisConnection({ url: testRedisUrl(), ...options });
  const close = async () => {
    connection.beginClose();
    connection.cutBlocking();
    await connection.quit();
  };
  try {
    await connection.ready();
  } catch (error) {
    await close();
    throw error;
  }
  return { connection, close };
}

/**
 * For a test file about one module: a ready connection on a prefix of the file's own (closed
 * after its tests), and a plain client to look at the keys with.
 */
export function useTestConnection(name: string): {
  prefix: string;
  raw: Redis;
  connection: () => RedisConnection;
} {
  const prefix = testPrefixes(name)();
  const raw = new Redis(testRedisUrl());
  let opened: Awaited<ReturnType<typeof testConnection>> | undefined;
  beforeAll(async () => {
    opened = await testConnection({ prefix });
  });
  afterAll(async () => {
    await opened?.close();
    await raw.quit();
  });
  return {
    prefix,
    raw,
    connection: () => {
      if (!opened) throw new Error('the connection opens before the tests');
      return opened.connection;
    },
  };
}

/**
 * Replicas of one Redis store: those a test opens share its prefix (a new one for each test) and
 * are closed after it, with the network proxies it started.
 */
export function useReplicas(): {
  prefix: () => string;
  replica: (options?: Partial<RedisStoreOptions>) => Promise<RedisStore>;
  proxy: () => Promise<RedisProxy>;
} {
  const newPrefix = testPrefixes('store');
  const opened: RedisStore[] = [];
  const proxies: RedisProxy[] = [];
  let prefix = newPrefix();
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const started of proxies.splice(0)) await started.close();
    prefix = newPrefix();
  });
  return {
    prefix: () => prefix,
    async replica(options = {}) {
      const store = await RedisStore.connect({ url: testRedisUrl(), prefix, ...options });
      opened.push(store);
      return store;
    },
    async proxy() {
      const started = await startRedisProxy();
      proxies.push(started);
      return started;
    },
  };
}

/** Enqueues `count` events at once. */
export async function fill(store: RedisStore, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) => store.queue.enqueue(`k${i}`, c2cEvent(`m${i}`))),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` resolves truthy, or fails the test after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(25);
  }
}
