import type { OnceStore } from '../once.js';
import type { RedisConnection } from './connection.js';

/** Redis expiries are whole milliseconds, at least one. */
function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/**
 * Once-values, locks and leases as keys with an expiry; they share one namespace, as they share
 * one table in SQLite.
 */
export class RedisOnceStore implements OnceStore {
  constructor(private readonly connection: RedisConnection) {}

  private key(name: string): string {
    return this.connection.key('once', name);
  }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    await this.connection.redis.set(this.key(key), value, 'PX', ttl(ttlMs));
  }

  async takeOnce(key: string): Promise<string | undefined> {
    return (await this.connection.redis.getdel(this.key(key))) ?? undefined;
  }

  async peekOnce(key: string): Promise<string | undefined> {
    return (await this.connection.redis.get(this.key(key))) ?? undefined;
  }

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.redis.set(this.key(key), '1', 'PX', ttl(ttlMs), 'NX')) === 'OK';
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.redis.leaseKey(this.key(key), owner, ttl(ttlMs))) === 1;
  }

  async extendLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.redis.renewLeaseKey(this.key(key), owner, ttl(ttlMs))) === 1;
  }

  async unlease(key: string, owner: string): Promise<void> {
    await this.connection.redis.unleaseKey(this.key(key), owner);
  }
}
