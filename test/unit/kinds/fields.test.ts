import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, eventTime, id, LIMITS, list } from '../../../src/kinds/fields.js';

describe('id', () => {
  it('trims, and refuses empty or longer than LIMITS.id', () => {
    expect(id.parse('  a b ')).toBe('a b');
    expect(id.safeParse('   ').success).toBe(false);
    expect(id.parse('x'.repeat(LIMITS.id))).toHaveLength(LIMITS.id);
    expect(id.safeParse('x'.repeat(LIMITS.id + 1)).success).toBe(false);
    expect(id.safeParse(7).success).toBe(false);
  });
});

describe('eventTime', () => {
  it('takes milliseconds as a number or a numeric string', () => {
    expect(eventTime.parse(1670574414123)).toBe(1670574414123);
    expect(eventTime.parse('1670574414123')).toBe(1670574414123);
  });

  it('refuses fractions, negatives, far futures and other strings', () => {
    for (const value of [1.5, -1, 1e16, '1.5', '-1', '12345678901234567', '', 'now']) {
      expect(eventTime.safeParse(value).success, String(value)).toBe(false);
    }
  });
});

describe('count', () => {
  it('takes whole numbers up to 2^32, as numbers or numeric strings', () => {
    expect(count.parse('130')).toBe(130);
    expect(count.parse(2 ** 32)).toBe(2 ** 32);
    for (const value of [2 ** 32 + 1, -1, 0.5, '01x', '12345678901']) {
      expect(count.safeParse(value).success, String(value)).toBe(false);
    }
  });
});

describe('list', () => {
  it('holds at least one item and at most LIMITS.listItems', () => {
    const numbers = list(z.number());
    expect(numbers.safeParse([]).success).toBe(false);
    expect(numbers.parse([1, 2])).toEqual([1, 2]);
    expect(numbers.safeParse(Array(LIMITS.listItems).fill(0)).success).toBe(true);
    expect(numbers.safeParse(Array(LIMITS.listItems + 1).fill(0)).success).toBe(false);
  });
});
