import { describe, expect, it } from 'vitest';
import { ConsumerGroup, GROUP } from '../../../../src/store/redis/group.js';
import { useTestConnection } from '../../../helpers/redis-store.js';

describe('ConsumerGroup', () => {
  const { prefix, raw, connection } = useTestConnection('group');

  const readAsNobody = () =>
    connection().redis.xreadgroup(
      'GROUP',
      GROUP,
      'nobody',
      'COUNT',
      1,
      'STREAMS',
      connection().keys.stream,
      '>',
    );

  it('is made once, however often it is asked for', async () => {
    const group = new ConsumerGroup(connection());
    await group.create();
    await group.create();
    const groups = (await raw.xinfo('GROUPS', `${prefix}events`)) as unknown[][];
    expect(groups).toHaveLength(1);
  });

  it('is made again when it vanished (the stream deleted, the database flushed)', async () => {
    const group = new ConsumerGroup(connection());
    await raw.del(`${prefix}events`);
    await expect(readAsNobody()).rejects.toThrow(/NOGROUP/);
    expect(await group.run(readAsNobody)).toBeNull();
  });

  it('passes any other failure on', async () => {
    const group = new ConsumerGroup(connection());
    await expect(group.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('forgets consumers that hold nothing and were idle long enough', async () => {
    const group = new ConsumerGroup(connection());
    await group.create();
    // A consumer that read an entry and acked it: it exists, and holds nothing.
    const id = await raw.xadd(`${prefix}events`, '*', 'n', '1');
    await readAsNobody();
    await raw.xack(`${prefix}events`, GROUP, id ?? '');
    await group.forgetIdleConsumers(60_000);
    expect(await raw.xinfo('CONSUMERS', `${prefix}events`, GROUP)).toHaveLength(1);
    await group.forgetIdleConsumers(0);
    expect(await raw.xinfo('CONSUMERS', `${prefix}events`, GROUP)).toEqual([]);
  });
});
