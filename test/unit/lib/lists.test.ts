import { describe, expect, it } from 'vitest';
import { chunk, countOf } from '../../../src/lib/lists.js';

describe('lists', () => {
  it('slices a list into chunks, and refuses a size below one', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it('counts with the right plural', () => {
    expect(countOf(1, 'event')).toBe('1 event');
    expect(countOf(0, 'event')).toBe('0 events');
    expect(countOf(2, 'message')).toBe('2 messages');
  });
});
