import { describe, expect, it } from 'vitest';
import { failedStep, RedisConnection } from '../../../../src/store/redis/connection.js';
import { testConnection, testPrefixes } from '../../../helpers/redis-store.js';

describe('RedisConnection', () => {
  const newPrefix = testPrefixes('connection');

  it('names every key under its prefix', async () => {
    const prefix = newPrefix();
    const { connection, close } = await testConnection({ prefix });
    expect(connection.key('post', 'oa:x:1')).toBe(`${prefix}post:oa:x:1`);
    expect(connection.keys.stream).toBe(`${prefix}events`);
    expect(connection.keys.dead).toBe(`${prefix}dead-letters`);
    await close();
  });

  it('passes its check with a write, and fails it once closing', async () => {
    const { connection, close } = await testConnection({ prefix: newPrefix() });
    await expect(connection.check()).resolves.toBeUndefined();
    connection.beginClose();
    await expect(connection.check()).rejects.toThrow('store is closed');
    await close();
  });

  it('stops waiting for a Redis that does not answer, naming the timeout and the cause', async () => {
    const connection = new RedisConnection({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300 });
    await expect(connection.ready()).rejects.toThrow(/not ready within 300 ms: .*ECONNREFUSED/);
    await expect(connection.check()).rejects.toThrow(/Redis connection is \w+ \(.*ECONNREFUSED/);
    connection.cutBlocking();
    await connection.quit();
  });

  it('throws the first failed step of a MULTI, whichever it is', () => {
    const first = new Error('first');
    expect(() => failedStep(null)).not.toThrow();
    expect(() => failedStep([[null, 'OK']])).not.toThrow();
    expect(() =>
      failedStep([
        [first, undefined],
        [null, 1],
        [new Error('last'), undefined],
      ]),
    ).toThrow(first);
  });
});
