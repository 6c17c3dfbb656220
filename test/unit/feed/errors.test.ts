import { describe, expect, it } from 'vitest';
import {
  DeadLetterError,
  StoppedError,
  StoreFaultError,
  tagStoreFaults,
} from '../../../src/feed/errors.js';

class Role {
  calls = 0;
  readonly name = 'role';
  async fails(): Promise<void> {
    this.calls++;
    throw new Error('disk full');
  }
  async answers(): Promise<number> {
    this.calls++;
    return 42;
  }
  now(): string {
    return 'at once';
  }
  async alreadyTagged(): Promise<void> {
    throw new StoreFaultError('tagged before');
  }
}

describe('feed errors', () => {
  it('carry a string code each', () => {
    const dead = new DeadLetterError('payload', 'invalid_blocks');
    expect(dead.code).toBe('dead_letter');
    expect(dead.message).toBe('payload: invalid_blocks');
    expect([dead.kind, dead.reason]).toEqual(['payload', 'invalid_blocks']);
    expect(new StoppedError('stopping').code).toBe('stopped');
    expect(new StoreFaultError('x').code).toBe('store_fault');
  });

  it('tagStoreFaults makes every failure of a role a StoreFaultError, with its cause', async () => {
    const role = new Role();
    const tagged = tagStoreFaults(role);
    const error = await tagged.fails().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFaultError);
    expect((error as StoreFaultError).message).toBe('the store failed: disk full');
    expect((error as StoreFaultError).cause).toEqual(new Error('disk full'));
    expect(role.calls).toBe(1);
  });

  it('tagStoreFaults leaves answers, plain values and tagged failures as they are', async () => {
    const tagged = tagStoreFaults(new Role());
    expect(await tagged.answers()).toBe(42);
    expect(tagged.now()).toBe('at once');
    expect(tagged.name).toBe('role');
    await expect(tagged.alreadyTagged()).rejects.toThrow('tagged before');
  });
});
