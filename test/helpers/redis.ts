import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis the tests use: a database of its own on a shared server. */
export function testRedisUrl(): string {
  return process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379/13';
}

function testDatabase(url: string): number {
  return Number(new URL(url).pathname.slice(1) || '0');
}

/**
 * Empties the test database (FLUSHDB, never FLUSHALL). Test files run in parallel, so prefer
 * `uniquePrefix` and `deleteKeysWithPrefix`; flush only where nothing else uses the database.
 */
export async function flushTestDb(): Promise<void> {
  const url = testRedisUrl();
  // Database 0 is where anything else on a shared server lives: never flush it from a test.
  if (testDatabase(url) === 0) throw new Error(`refusing to flush database 0 of ${url}`);
  const redis = new Redis(url);
  try {
    await redis.flushdb();
  } finally {
    await redis.quit();
  }
}

/** A key prefix no other test (or run) uses, so tests can share the database. */
export function uniquePrefix(name = 'test'): string {
  return `recall-bot-test:${name}:${process.pid}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` in the test database. */
export async function deleteKeysWithPrefix(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl());
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** A TCP hop in front of the test Redis that a test can cut, to play a network failure. */
export interface RedisProxy {
  /** The test Redis URL (same database), through the proxy. */
  url: string;
  /** Drops every connection and refuses new ones, as if Redis were gone. */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startRedisProxy(): Promise<RedisProxy> {
  const target = new URL(testRedisUrl());
  const sockets = new Set<Socket>();
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A cut connection errors on both ends; the client sees the close, which is the point.
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 6379), target.hostname);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: url.toString(),
    cut() {
      down = true;
      dropAll();
    },
    restore() {
      down = false;
    },
    close() {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
