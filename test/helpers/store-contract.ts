import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { FeedEvent } from '../../src/tencent/webhook/schemas.js';

export interface StoreFactory {
  /** A new, empty store. */
  open(): Promise<Store>;
  /** The same data, a new instance (a restart). */
  reopen(): Promise<Store>;
}

export function c2cEvent(msgKey: string): FeedEvent {
  return {
    body: {
      CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
      From_Account: 'alice',
      To_Account: 'bob',
      MsgKey: msgKey,
    },
    receivedAt: 1_700_000_000_000,
  };
}

/** What every Store must do, whatever it keeps its data in. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('queues events in order and hands each out once', async () => {
      for (let i = 0; i < 5; i++)
        expect(await store.enqueue(`k${i}`, c2cEvent(`m${i}`))).toBe(true);
      expect(await store.pendingCount()).toBe(5);
      const first = await store.claim(3, 0);
      expect(
        first.map(
          (e) =>
            e.event.body.CallbackCommand === 'C2C.CallbackAfterMsgWithDraw' && e.event.body.MsgKey,
        ),
      ).toEqual(['m0', 'm1', 'm2']);
      const second = await store.claim(10, 0);
      expect(second).toHaveLength(2);
      expect(await store.claim(10, 0)).toEqual([]);
      await store.ack([...first, ...second].map((e) => e.id));
      expect(await store.pendingCount()).toBe(0);
    });

    it('refuses a duplicate dedupe key, also after delivery', async () => {
      expect(await store.enqueue('same', c2cEvent('a'))).toBe(true);
      expect(await store.enqueue('same', c2cEvent('a'))).toBe(false);
      const [event] = await store.claim(1, 0);
      await store.ack([event?.id ?? '']);
      expect(await store.enqueue('same', c2cEvent('a'))).toBe(false);
      expect(await store.pendingCount()).toBe(0);
    });

    it('keeps concurrent enqueues of the same key to one', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.enqueue('race', c2cEvent('r'))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.pendingCount()).toBe(1);
    });

    it('wakes a waiting claim when an event arrives', async () => {
      const waiting = store.claim(10, 5_000);
      setTimeout(() => void store.enqueue('late', c2cEvent('late')), 50);
      const got = await waiting;
      expect(got).toHaveLength(1);
    });

    it('keeps undelivered events across a restart, and forgets delivered ones', async () => {
      await store.enqueue('a', c2cEvent('a'));
      await store.enqueue('b', c2cEvent('b'));
      const claimed = await store.claim(10, 0);
      await store.ack([claimed[0]?.id ?? '']);
      await store.close();
      store = await factory.reopen();
      const again = await store.claim(10, 0);
      expect(
        again.map(
          (e) =>
            e.event.body.CallbackCommand === 'C2C.CallbackAfterMsgWithDraw' && e.event.body.MsgKey,
        ),
      ).toEqual(['b']);
      expect(await store.enqueue('a', c2cEvent('a'))).toBe(false);
    });

    it('remembers post links', async () => {
      expect(await store.getPostLink('oa:x:1')).toBeUndefined();
      await store.savePostLink('oa:x:1', { channel: 'C1', ts: '1.000100' });
      expect(await store.getPostLink('oa:x:1')).toEqual({ channel: 'C1', ts: '1.000100' });
      const event = c2cEvent('with-event');
      await store.savePostLink('oa:x:2', { channel: 'C1', ts: '2.000100', event });
      expect(await store.getPostLink('oa:x:2')).toEqual({ channel: 'C1', ts: '2.000100', event });
    });

    it('hands a once-value out once, and not after it expires', async () => {
      await store.putOnce('c1', 'value', 60_000);
      expect(await store.peekOnce('c1')).toBe('value');
      const takes = await Promise.all([
        store.takeOnce('c1'),
        store.takeOnce('c1'),
        store.takeOnce('c1'),
      ]);
      expect(takes.filter((t) => t === 'value')).toHaveLength(1);
      expect(await store.peekOnce('c1')).toBeUndefined();
      await store.putOnce('c2', 'short', 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.takeOnce('c2')).toBeUndefined();
    });

    it('lets one caller acquire a key until it expires', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.acquire('lock', 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.acquire('brief', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.acquire('brief', 60_000)).toBe(true);
      expect(await store.acquire('brief', 60_000)).toBe(false);
    });

    it('reports health', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });
  });
}
