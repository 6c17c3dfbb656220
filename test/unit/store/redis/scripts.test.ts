import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScripts, withScripts } from '../../../../src/store/redis/scripts.js';
import { testRedisUrl } from '../../../helpers/redis.js';
import { testPrefixes } from '../../../helpers/redis-store.js';

const LUA_DIR = fileURLToPath(new URL('../../../../src/store/redis/lua/', import.meta.url));

describe('the Lua scripts of the Redis store', () => {
  it('loads every script from its own files, and every file is used', () => {
    const scripts = loadScripts();
    expect(scripts.length).toBeGreaterThan(0);
    for (const { name, lua } of scripts) expect(lua.trim(), name).not.toBe('');
    const used = new Set(scripts.flatMap(({ files }) => files.map((file) => `${file}.lua`)));
    const present = readdirSync(LUA_DIR).filter((file) => file.endsWith('.lua'));
    expect([...used].sort()).toEqual(present.sort());
  });

  it('gives the acking scripts the shared function that acks entries', () => {
    const byName = new Map(loadScripts().map((s) => [s.name, s]));
    for (const name of ['ackEvents', 'finishAttempt'] as const) {
      const lua = byName.get(name)?.lua ?? '';
      expect(lua.indexOf('local function ackEntries')).toBeGreaterThanOrEqual(0);
      expect(lua.indexOf('local function ackEntries')).toBeLessThan(lua.lastIndexOf('ackEntries('));
    }
    // Its number of keys varies with the links saved: ioredis takes it with each call.
    expect(byName.get('finishAttempt')?.numberOfKeys).toBeUndefined();
    expect(byName.get('enqueueEvent')?.numberOfKeys).toBe(2);
  });

  describe('registered on a connection', () => {
    const prefix = testPrefixes('scripts')();
    const redis = withScripts(new Redis(testRedisUrl()), loadScripts());
    afterAll(async () => {
      await redis.quit();
    });

    it('runs them in Redis: a lease goes to one owner, who alone renews and frees it', async () => {
      const key = `${prefix}lease`;
      expect(await redis.leaseKey(key, 'a', 60_000)).toBe(1);
      expect(await redis.leaseKey(key, 'b', 60_000)).toBe(0);
      expect(await redis.renewLeaseKey(key, 'b', 60_000)).toBe(0);
      expect(await redis.renewLeaseKey(key, 'a', 60_000)).toBe(1);
      await redis.unleaseKey(key, 'b');
      expect(await redis.get(key)).toBe('a');
      await redis.unleaseKey(key, 'a');
      expect(await redis.get(key)).toBeNull();
    });
  });
});
