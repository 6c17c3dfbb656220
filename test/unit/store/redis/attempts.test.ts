import { beforeAll, describe, expect, it } from 'vitest';
import { RedisAttempts } from '../../../../src/store/redis/attempts.js';
import { ConsumerGroup } from '../../../../src/store/redis/group.js';
import { useTestConnection } from '../../../helpers/redis-store.js';
import { startedPost } from '../../../helpers/store-contract/events.js';

describe('RedisAttempts', () => {
  const { prefix, raw, connection } = useTestConnection('attempts');
  beforeAll(async () => {
    await new ConsumerGroup(connection()).create();
  });

  it('indexes writes by event, and unindexes an abandoned one under each of its events', async () => {
    const attempts = new RedisAttempts(connection());
    await attempts.begin(startedPost('a1', ['1-0', '2-0']));
    await attempts.begin(startedPost('a2', ['2-0']));
    await attempts.begin(startedPost('a2', ['2-0']));
    expect((await attempts.of(['2-0'])).map((a) => a.id).sort()).toEqual(['a1', 'a2']);
    await attempts.abandon('a1');
    await attempts.abandon('unknown');
    expect(await raw.hgetall(`${prefix}attempts-by-event`)).toEqual({ '2-0': '["a2"]' });
    expect(await attempts.of([])).toEqual([]);
    expect(await attempts.of(['1-0'])).toEqual([]);
  });

  it('skips a record it cannot read, and abandons it all the same', async () => {
    const attempts = new RedisAttempts(connection());
    await attempts.begin(startedPost('a4', ['4-0']));
    await raw.hset(`${prefix}attempts`, 'a4', 'not json');
    expect(await attempts.of(['4-0'])).toEqual([]);
    await attempts.abandon('a4');
    expect(await raw.hget(`${prefix}attempts`, 'a4')).toBeNull();
  });

  it('finishes a write: done, its links saved, its events acked (those that can be)', async () => {
    const attempts = new RedisAttempts(connection());
    const started = startedPost('a3', ['3-0']);
    await attempts.begin(started);
    const acked = await attempts.finish(started, {
      outcome: 'posted',
      ts: '1.0',
      ack: ['3-0', 'not-an-id'],
      links: [{ key: 'oa:x:3', link: { channel: 'C1', ts: '1.0' } }],
    });
    expect(acked).toEqual(['3-0']);
    expect(await raw.get(`${prefix}post:oa:x:3`)).toBe('{"channel":"C1","ts":"1.0"}');
    // Acking its event forgot the write.
    expect(await attempts.of(['3-0'])).toEqual([]);
  });
});
