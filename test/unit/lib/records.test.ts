import { describe, expect, it } from 'vitest';
import { isRecord } from '../../../src/lib/records.js';

describe('isRecord', () => {
  it('is true of plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ type: 'x' })).toBe(true);
    expect(isRecord(null)).toBe(false);
    expect(isRecord([])).toBe(false);
    expect(isRecord('x')).toBe(false);
    expect(isRecord(undefined)).toBe(false);
  });
});
