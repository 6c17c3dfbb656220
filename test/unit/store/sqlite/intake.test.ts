import { describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../../src/store/sqlite/connection.js';
import { EventIntake } from '../../../../src/store/sqlite/intake.js';
import { tempDirs } from '../../../helpers/sqlite-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('EventIntake', () => {
  const newDir = tempDirs();

  it('commits a burst in few transactions, each webhook answered after its own commit', async () => {
    const connection = new SqliteConnection(newDir());
    let commits = 0;
    const intake = new EventIntake(connection, () => commits++);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => intake.enqueue(`k${i}`, c2cEvent(`m${i}`))),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(50);
    expect(connection.db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1000 });
    await connection.close();
  });

  it('answers a duplicate once the first copy is committed, and knows the kept keys at start', async () => {
    const dir = newDir();
    const connection = new SqliteConnection(dir);
    const intake = new EventIntake(connection, () => undefined);
    const [first, second] = await Promise.all([
      intake.enqueue('same', c2cEvent('a')),
      intake.enqueue('same', c2cEvent('a')),
    ]);
    expect([first, second]).toEqual([true, false]);
    await connection.close();
    const again = new SqliteConnection(dir);
    const restarted = new EventIntake(again, () => undefined);
    expect(await restarted.enqueue('same', c2cEvent('a'))).toBe(false);
    restarted.forget(['same']);
    expect(await restarted.enqueue('same', c2cEvent('a'))).toBe(true);
    await again.close();
  });

  it('commits what waits when drained, and refuses events once the store is closing', async () => {
    const connection = new SqliteConnection(newDir());
    const intake = new EventIntake(connection, () => undefined);
    const pending = intake.enqueue('k', c2cEvent('m'));
    expect(intake.waiting).toBe(1);
    connection.beginClose();
    await intake.drain();
    expect(await pending).toBe(true);
    expect(intake.waiting).toBe(0);
    await expect(intake.enqueue('k2', c2cEvent('m2'))).rejects.toThrow('store is closed');
    await connection.close();
  });
});
