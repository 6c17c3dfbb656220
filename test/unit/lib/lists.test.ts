import { describe, expect, it } from 'vitest';
import { chunk } from '../../../src/lib/lists.js';

describe('lists', () => {
  it('slices a list into chunks, and refuses a size below one', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
