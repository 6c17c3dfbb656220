import { describe, expect, it } from 'vitest';
import { countOf } from '../../../src/slack/counts.js';

describe('countOf', () => {
  it('counts with the right plural', () => {
    expect(countOf(1, 'event')).toBe('1 event');
    expect(countOf(0, 'event')).toBe('0 events');
    expect(countOf(2, 'message')).toBe('2 messages');
  });
});
