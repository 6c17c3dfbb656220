import { describe, expect, it } from 'vitest';
import {
  compareStreamIds,
  forChunks,
  IDS_PER_SCRIPT,
  streamIds,
  toQueuedEvent,
} from '../../../../src/store/redis/entries.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('stream entries', () => {
  it('runs a script a chunk of IDs, one after the other, in order', async () => {
    const ids = Array.from({ length: IDS_PER_SCRIPT * 2 + 1 }, (_, i) => `${i}-0`);
    const seen: string[][] = [];
    const sizes = await forChunks(ids, async (part) => {
      seen.push(part);
      return part.length;
    });
    expect(sizes).toEqual([IDS_PER_SCRIPT, IDS_PER_SCRIPT, 1]);
    expect(seen.flat()).toEqual(ids);
    expect(await forChunks([], async () => 1)).toEqual([]);
  });

  it('keeps only IDs that can name an entry', () => {
    expect(streamIds(['1-0', '17000-3', '5', 'x-1', ''])).toEqual(['1-0', '17000-3']);
  });

  it('orders IDs by time, then by sequence, as numbers', () => {
    expect(['10-0', '9-1', '9-0', '9-10'].sort(compareStreamIds)).toEqual([
      '9-0',
      '9-1',
      '9-10',
      '10-0',
    ]);
  });

  it('reads the event an entry holds, and throws for one that holds none', () => {
    const fields = ['payload', JSON.stringify(c2cEvent('a')), 'enqueuedAt', '5', 'dedupeKey', 'k'];
    expect(toQueuedEvent(['1-0', fields])).toEqual({
      id: '1-0',
      event: c2cEvent('a'),
      enqueuedAt: 5,
    });
    expect(() =>
      toQueuedEvent(['1-0', ['payload', '{"not":"an event"}', 'enqueuedAt', '5']]),
    ).toThrow();
    expect(() => toQueuedEvent(['1-0', ['enqueuedAt', '5']])).toThrow();
  });
});
