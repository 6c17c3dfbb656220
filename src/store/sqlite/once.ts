import type { OnceStore } from '../once.js';
import type { SqliteConnection } from './connection.js';

/** Once-values, locks and leases in the `once_values` table (expired rows are pruned). */
export class SqliteOnceStore implements OnceStore {
  constructor(private readonly connection: SqliteConnection) {}

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    await this.connection.writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
        params: [key, value, this.connection.now() + ttlMs],
      },
    ]);
  }

  async takeOnce(key: string): Promise<string | undefined> {
    // DELETE … RETURNING is one statement: two takes can never both see the value.
    const [result] = await this.connection.writer.transaction([
      { sql: 'DELETE FROM once_values WHERE key = ? RETURNING value, expires_at', params: [key] },
    ]);
    const taken = result?.rows?.[0] as { value: string; expires_at: number } | undefined;
    return taken && taken.expires_at > this.connection.now() ? taken.value : undefined;
  }

  async peekOnce(key: string): Promise<string | undefined> {
    const row = this.connection.db
      .prepare('SELECT value FROM once_values WHERE key = ? AND expires_at > ?')
      .get(key, this.connection.now()) as { value: string } | undefined;
    return row?.value;
  }

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const now = this.connection.now();
    const [result] = await this.connection.writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE once_values.expires_at <= ?',
        params: [key, '1', now + ttlMs, now],
      },
    ]);
    return (result?.changes ?? 0) > 0;
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.connection.now();
    const [result] = await this.connection.writer.transaction([
      {
        sql: 'INSERT INTO once_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE once_values.value = excluded.value OR once_values.expires_at <= ?',
        params: [key, owner, now + ttlMs, now],
      },
    ]);
    return (result?.changes ?? 0) > 0;
  }

  async extendLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.connection.now();
    const [result] = await this.connection.writer.transaction([
      {
        sql: 'UPDATE once_values SET expires_at = ? WHERE key = ? AND value = ? AND expires_at > ?',
        params: [now + ttlMs, key, owner, now],
      },
    ]);
    return (result?.changes ?? 0) > 0;
  }

  async unlease(key: string, owner: string): Promise<void> {
    await this.connection.writer.transaction([
      { sql: 'DELETE FROM once_values WHERE key = ? AND value = ?', params: [key, owner] },
    ]);
  }
}
