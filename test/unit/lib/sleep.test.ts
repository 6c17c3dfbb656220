import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, sleep, withTimeout } from '../../../src/lib/sleep.js';

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the time it is given, not less', async () => {
    vi.useFakeTimers();
    let done = false;
    const slept = sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
  });

  it('ends early, without rejecting, when its signal aborts', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not wait at all for nothing, or with a signal already aborted', async () => {
    vi.useFakeTimers();
    await expect(sleep(0)).resolves.toBeUndefined();
    await expect(sleep(-5)).resolves.toBeUndefined();
    await expect(sleep(10_000, AbortSignal.abort())).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no listener on a signal that outlives it', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await sleep(1, controller.signal);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('backoffMs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('grows twice over each attempt, between half and all of its ceiling', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, 100, 60_000))).toEqual([
      50, 100, 200, 400,
    ]);
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, 100, 60_000))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never goes over its cap, however many attempts', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    expect(backoffMs(10, 100, 5_000)).toBe(5_000);
    expect(backoffMs(1_000_000, 100, 5_000)).toBe(5_000);
  });
});

describe('withTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles as the promise does when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, 'the answer')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('no')), 1_000, 'x')).rejects.toThrow('no');
  });

  it('rejects with what did not happen, and how long it was given', async () => {
    vi.useFakeTimers();
    const late = withTimeout(new Promise<never>(() => {}), 2_000, 'the store did not answer');
    const expectation = expect(late).rejects.toThrow('the store did not answer within 2000 ms');
    await vi.advanceTimersByTimeAsync(2_000);
    await expectation;
  });

  it('ignores a promise that rejects after its time ran out, and leaves no timer', async () => {
    vi.useFakeTimers();
    let rejectLate: (error: Error) => void = () => {};
    const slow = new Promise<never>((_, reject) => {
      rejectLate = reject;
    });
    const timed = withTimeout(slow, 100, 'slow');
    const expectation = expect(timed).rejects.toThrow('slow within 100 ms');
    await vi.advanceTimersByTimeAsync(100);
    await expectation;
    // Unhandled, this would fail the run.
    rejectLate(new Error('the command timed out'));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
