import { afterAll, describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { SqliteDeadLetters } from '../../../../src/store/sqlite/dead-letters.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('SqliteDeadLetters', () => {
  let now = 1_000;
  const connection = new SqliteConnection(tempDirs()(), () => now);
  const dead = new SqliteDeadLetters(connection);
  afterAll(() => connection.close());

  it('sets undelivered events aside with a bounded reason, lists them by ID, and replays them', async () => {
    await connection.writer.insert(
      ['a', 'b', 'c'],
      ['a', 'b', 'c'].map((k) => JSON.stringify(c2cEvent(k))),
      now,
    );
    connection.db.prepare('UPDATE events SET delivered_at = 1 WHERE id = 3').run();
    now = 2_000;
    await dead.setAside(['2', '1', '3'], 'x'.repeat(600));
    expect(dead.count()).toBe(2);
    const letters = dead.list(10);
    expect(letters.map((l) => [l.id, l.event, l.at])).toEqual([
      ['1', c2cEvent('a'), 2_000],
      ['2', c2cEvent('b'), 2_000],
    ]);
    expect(letters[0]?.reason).toHaveLength(500);
    expect(dead.list(1)).toHaveLength(1);
    expect(await dead.replay(['2'])).toBe(1);
    expect(await dead.replay()).toBe(1);
    expect(dead.count()).toBe(0);
  });

  it('lists the readable dead letters when one cannot be read (as the Redis store does)', async () => {
    await connection.writer.insert(
      ['d', 'e'],
      [JSON.stringify(c2cEvent('d')), '{"body":"not an event"}'],
      now,
    );
    const rows = connection.db
      .prepare("SELECT id FROM events WHERE dedupe_key IN ('d', 'e')")
      .all() as { id: number }[];
    await dead.setAside(
      rows.map((row) => String(row.id)),
      'unreadable',
    );
    expect(dead.count()).toBe(2);
    expect(dead.list(10).map((l) => l.event)).toEqual([c2cEvent('d')]);
  });
});
