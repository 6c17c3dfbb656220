import { describe, expect, it } from 'vitest';
import {
  COMPACT_ITEMS,
  fallbackValue,
  keysInline,
  oneOrList,
  quote,
  VALUE_MAX,
  Values,
} from '../../../src/kinds/values.js';

describe('Values', () => {
  it('writes inline code, and remembers a value it had to shorten', () => {
    const values = new Values();
    expect(values.code('a`b')).toBe('`aˋb`');
    expect(values.shortened).toBe(false);
    expect(values.code('x'.repeat(VALUE_MAX + 1)).length).toBeLessThanOrEqual(VALUE_MAX + 2);
    expect(values.shortened).toBe(true);
  });

  it('takes the first items of a list and counts the rest', () => {
    const values = new Values();
    expect(values.take([1, 2], 3)).toEqual({ shown: [1, 2], hidden: 0 });
    expect(values.shortened).toBe(false);
    expect(values.take([1, 2, 3, 4], 3)).toEqual({ shown: [1, 2, 3], hidden: 1 });
    expect(values.shortened).toBe(true);
  });
});

describe('view helpers', () => {
  it('keeps a notification value escaped, on one line and within 100 characters', () => {
    expect(fallbackValue('<!here>\nnext')).not.toMatch(/[<\n]/);
    expect(fallbackValue('x'.repeat(500)).length).toBeLessThanOrEqual(100);
  });

  it('quotes every line', () => {
    expect(quote('a\nb')).toBe('>a\n>b');
  });

  it(`lists at most ${COMPACT_ITEMS} keys inline`, () => {
    const values = new Values();
    expect(keysInline(['a', 'b'], values)).toBe('`a`, `b`');
    expect(keysInline(['a', 'b', 'c', 'd', 'e'], values)).toBe('`a`, `b`, `c` +2 more');
    expect(values.shortened).toBe(true);
  });
});

describe('oneOrList', () => {
  it('makes one message a fact, several a bulleted list', () => {
    const line = (n: number) => `#${n}`;
    expect(oneOrList([1], line, (n) => `*One* ${n}`)).toEqual({ facts: ['*One* 1'], list: [] });
    expect(oneOrList([1], line)).toEqual({ facts: ['#1'], list: [] });
    expect(oneOrList([1, 2], line)).toEqual({ facts: [], list: ['• #1', '• #2'] });
  });
});
