import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDeadLetters } from '../../../src/cli/dead-letters-command.js';
import { feedEventSchema } from '../../../src/kinds/feed-event.js';
import { openTestStore, type TestStore } from '../../helpers/store.js';
import { samples } from '../../helpers/tencent-samples.js';

const USAGE = 'usage: npm run dead-letters [-- list | -- replay [id…]]';

describe('runDeadLetters', () => {
  let stores: TestStore;
  let printed: string[];
  const print = (line: string) => printed.push(line);
  const run = (...args: string[]) => runDeadLetters(stores.queue, args, print);

  beforeEach(() => {
    stores = openTestStore();
    printed = [];
  });
  afterEach(async () => {
    await stores.close();
  });

  /** Enqueues one event per MsgKey and sets them all aside; resolves their IDs. */
  async function deadLetters(...msgKeys: string[]): Promise<string[]> {
    for (const key of msgKeys) {
      const event = feedEventSchema.parse({
        body: { ...samples.officialSend, MsgKey: key },
        receivedAt: 1_700_000_000_000,
      });
      await stores.queue.enqueue(`dedupe:${key}`, event);
    }
    const claimed = await stores.queue.claim(msgKeys.length, 0);
    const ids = claimed.map((c) => c.id);
    await stores.queue.deadLetter(ids, 'Slack refused: invalid_blocks');
    return ids;
  }

  it('lists nothing when nothing was set aside (list is the default)', async () => {
    expect(await run()).toBe(0);
    expect(await run('list')).toBe(0);
    expect(printed).toEqual(['0 dead letters', '0 dead letters']);
  });

  it('lists each dead letter: its ID, when and why, and the event, indented', async () => {
    const [id] = await deadLetters('71_1_1698741698');
    expect(await run('list')).toBe(0);
    expect(printed[0]).toBe('1 dead letter');
    expect(printed[1]).toBe('');
    expect(printed[2]).toMatch(
      new RegExp(`^\\[${id}\\] set aside \\d{4}-\\d\\d-\\d\\dT.*Z: Slack refused: invalid_blocks$`),
    );
    const details = printed.slice(3).join('\n');
    expect(details).toContain('71_1_1698741698');
    expect(details.split('\n').every((line) => line.startsWith('  '))).toBe(true);
  });

  it('puts every dead letter back in the queue', async () => {
    await deadLetters('1_1_1', '2_2_2');
    expect(await run('replay')).toBe(0);
    expect(printed).toEqual(['2 events put back in the queue']);
    expect(await stores.queue.deadLetterCount()).toBe(0);
    expect(await stores.queue.pendingCount()).toBe(2);
  });

  it('puts back only those named', async () => {
    const [first] = await deadLetters('1_1_1', '2_2_2');
    expect(await run('replay', first ?? '')).toBe(0);
    expect(printed).toEqual(['1 event put back in the queue']);
    expect(await stores.queue.deadLetterCount()).toBe(1);
  });

  it('prints its usage, and exits 2, for anything else', async () => {
    expect(await run('delete')).toBe(2);
    expect(await run('list', 'extra')).toBe(2);
    expect(printed).toEqual([USAGE, USAGE]);
  });

  it('says how many dead letters cannot be read when the store lists fewer than it counts', async () => {
    const [id] = await deadLetters('71_1_1698741698');
    // The store counts an unreadable dead letter but cannot list it.
    const real = stores.queue;
    const queue = {
      deadLetterCount: async () => 3,
      deadLetters: (limit?: number) => real.deadLetters(limit),
      replayDeadLetters: (ids?: readonly string[]) => real.replayDeadLetters(ids),
    };
    printed = [];
    expect(await runDeadLetters(queue, ['list'], print)).toBe(0);
    expect(printed[0]).toBe('3 dead letters');
    expect(printed.some((line) => line.startsWith(`[${id}] set aside `))).toBe(true);
    expect(printed.at(-1)).toBe('… and 2 that cannot be read');
  });
});
