import { beforeAll, describe, expect, it } from 'vitest';
import { RedisDeadLetters } from '../../../../src/store/redis/dead-letters.js';
import { ConsumerGroup } from '../../../../src/store/redis/group.js';
import { useTestConnection } from '../../../helpers/redis-store.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('RedisDeadLetters', () => {
  const { prefix, raw, connection } = useTestConnection('dead-letters');
  beforeAll(async () => {
    await new ConsumerGroup(connection()).create();
  });

  const record = (key: string, at: number) =>
    JSON.stringify({ payload: JSON.stringify(c2cEvent(key)), reason: 'own', at });

  it('lists letters in stream order, skipping records it cannot read', async () => {
    await raw.hset(`${prefix}dead-letters`, {
      '10-0': record('ten', 2),
      '9-0': record('nine', 1),
      '8-0': '{"not":"a record"}',
      '7-0': JSON.stringify({ payload: '{"not":"an event"}', reason: 'own', at: 0 }),
    });
    const dead = new RedisDeadLetters(connection());
    const letters = await dead.list(10);
    expect(letters.map((l) => [l.id, l.event, l.at])).toEqual([
      ['9-0', c2cEvent('nine'), 1],
      ['10-0', c2cEvent('ten'), 2],
    ]);
    expect(await dead.list(1)).toHaveLength(1);
    expect(await dead.count()).toBe(4);
  });

  it('skips a record or a payload that is not JSON, still counting it', async () => {
    const dead = new RedisDeadLetters(connection());
    const before = await dead.count();
    await raw.hset(`${prefix}dead-letters`, {
      '20-0': 'not json',
      '21-0': JSON.stringify({ payload: 'not json', reason: 'own', at: 0 }),
    });
    expect((await dead.list(100)).map((l) => l.id)).not.toContain('20-0');
    expect((await dead.list(100)).map((l) => l.id)).not.toContain('21-0');
    expect(await dead.count()).toBe(before + 2);
    await raw.hdel(`${prefix}dead-letters`, '20-0', '21-0');
  });

  it('sets aside only IDs that can name entries, with the reason cut to 500 characters', async () => {
    const dead = new RedisDeadLetters(connection());
    const id = await raw.xadd(
      `${prefix}events`,
      '*',
      'payload',
      JSON.stringify(c2cEvent('x')),
      'enqueuedAt',
      '5',
      'dedupeKey',
      `${prefix}dedupe:x`,
    );
    expect(await dead.setAside([id ?? '', 'nope'], 'r'.repeat(600))).toEqual([id]);
    const [letter] = (await dead.list(10)).filter((l) => l.id === id);
    expect(letter?.reason).toHaveLength(500);
    expect(await raw.xlen(`${prefix}events`)).toBe(0);
    expect(await dead.replay([id ?? ''])).toBe(1);
    expect(await raw.xlen(`${prefix}events`)).toBe(1);
  });
});
