import { describe, expect, it } from 'vitest';
import { FEED_BEHIND_MS, feedProblems } from '../../../src/feed/problems.js';
import type { EventQueue } from '../../../src/store/queue.js';

/** A queue that answers only what `feedProblems` asks. */
function queueWith(
  oldest: number | undefined,
  dead: number,
): Pick<EventQueue, 'oldestPendingAt' | 'deadLetterCount'> {
  return { oldestPendingAt: async () => oldest, deadLetterCount: async () => dead };
}

describe('feedProblems', () => {
  it('is empty while the feed keeps up', async () => {
    expect(await feedProblems(queueWith(undefined, 0))()).toEqual([]);
    expect(await feedProblems(queueWith(Date.now() - 1_000, 0))()).toEqual([]);
  });

  it('says the feed is behind once the oldest event waits longer than allowed', async () => {
    const [reason, ...rest] = await feedProblems(queueWith(Date.now() - 5_000, 0), 2_000)();
    expect(reason).toMatch(/^feed behind: the oldest waiting event was accepted [45] s ago$/);
    expect(rest).toEqual([]);
    expect(await feedProblems(queueWith(Date.now() - FEED_BEHIND_MS + 10_000, 0))()).toEqual([]);
  });

  it('counts the dead letters, one or many', async () => {
    expect(await feedProblems(queueWith(undefined, 1))()).toEqual([
      '1 event set aside as dead letters (see the log; replay with npm run dead-letters -- replay)',
    ]);
    const both = await feedProblems(queueWith(Date.now() - 10 * 60_000, 3))();
    expect(both).toHaveLength(2);
    expect(both[1]).toMatch(/^3 events set aside as dead letters/);
  });
});
