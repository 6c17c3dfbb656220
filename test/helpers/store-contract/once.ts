import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OnceStore } from '../../../src/store/once.js';
import type { Store } from '../../../src/store/store.js';
import type { StoreFactory } from './events.js';

/** What every OnceStore must do, whatever it keeps its data in. */
export function describeOnceContract(name: string, factory: StoreFactory): void {
  describe(`OnceStore contract: ${name}`, () => {
    let store: Store;
    let once: OnceStore;
    beforeEach(async () => {
      store = await factory.open();
      once = store.once;
    });
    afterEach(async () => {
      await store.close();
    });

    it('hands a once-value out once, and not after it expires', async () => {
      await once.putOnce('c1', 'value', 60_000);
      expect(await once.peekOnce('c1')).toBe('value');
      const takes = await Promise.all([
        once.takeOnce('c1'),
        once.takeOnce('c1'),
        once.takeOnce('c1'),
      ]);
      expect(takes.filter((t) => t === 'value')).toHaveLength(1);
      expect(await once.peekOnce('c1')).toBeUndefined();
      await once.putOnce('c2', 'short', 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await once.takeOnce('c2')).toBeUndefined();
    });

    it('lets one caller acquire a key until it expires', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => once.acquire('lock', 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await once.acquire('brief', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await once.acquire('brief', 60_000)).toBe(true);
      expect(await once.acquire('brief', 60_000)).toBe(false);
    });

    it('leases a key to one owner, who alone extends and frees it', async () => {
      expect(await once.lease('job', 'a', 60_000)).toBe(true);
      expect(await once.lease('job', 'b', 60_000)).toBe(false);
      expect(await once.lease('job', 'a', 60_000)).toBe(true);
      await once.unlease('job', 'b');
      expect(await once.lease('job', 'b', 60_000)).toBe(false);
      await once.unlease('job', 'a');
      expect(await once.lease('job', 'b', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await once.lease('job', 'a', 60_000)).toBe(true);
    });

    it('extends a lease only while its owner holds it, never taking a free one', async () => {
      expect(await once.extendLease('renewed', 'a', 60_000)).toBe(false);
      expect(await once.lease('renewed', 'a', 60_000)).toBe(true);
      expect(await once.extendLease('renewed', 'a', 60_000)).toBe(true);
      expect(await once.extendLease('renewed', 'b', 60_000)).toBe(false);
      await once.unlease('renewed', 'a');
      expect(await once.extendLease('renewed', 'a', 60_000)).toBe(false);
      expect(await once.lease('renewed', 'b', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await once.extendLease('renewed', 'b', 60_000)).toBe(false);
    });
  });
}
