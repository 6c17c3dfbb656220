import { describe, expect, it } from 'vitest';
import { LocalWindow } from '../../../src/recall/window.js';

describe('LocalWindow', () => {
  it('admits at most max starts in any window, and says how long to wait', async () => {
    let now = 0;
    const window = new LocalWindow(1000, 10, () => now);
    expect(await window.admit(6)).toBe(0);
    now = 400;
    expect(await window.admit(4)).toBe(0);
    now = 500;
    // Full: the first 6 leave at 1,000 ms.
    expect(await window.admit(1)).toBe(500);
    now = 1000;
    expect(await window.admit(6)).toBe(0);
    // The 4 of 400 ms leave at 1,400 ms.
    expect(await window.admit(4)).toBe(400);
    now = 1400;
    expect(await window.admit(4)).toBe(0);
  });

  it('never admits more than max at once', async () => {
    const window = new LocalWindow(1000, 3, () => 0);
    expect(await window.admit(4)).toBeGreaterThan(0);
  });
});
