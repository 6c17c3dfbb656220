import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventQueue } from '../../../src/store/queue.js';
import type { Store } from '../../../src/store/store.js';
import { c2cEvent, keyOf, type StoreFactory } from './events.js';

/** What every EventQueue must do, whatever it keeps its data in. */
export function describeQueueContract(name: string, factory: StoreFactory): void {
  describe(`EventQueue contract: ${name}`, () => {
    let store: Store;
    let queue: EventQueue;
    beforeEach(async () => {
      store = await factory.open();
      queue = store.queue;
    });
    afterEach(async () => {
      await store.close();
    });
    /** Closes the store and opens the same data again (a restart). */
    async function restart(): Promise<void> {
      await store.close();
      store = await factory.reopen();
      queue = store.queue;
    }

    it('queues events in order and hands each out once', async () => {
      for (let i = 0; i < 5; i++)
        expect(await queue.enqueue(`k${i}`, c2cEvent(`m${i}`))).toBe(true);
      expect(await queue.pendingCount()).toBe(5);
      const first = await queue.claim(3, 0);
      expect(
        first.map(
          (e) =>
            e.event.body.CallbackCommand === 'C2C.CallbackAfterMsgWithDraw' && e.event.body.MsgKey,
        ),
      ).toEqual(['m0', 'm1', 'm2']);
      const second = await queue.claim(10, 0);
      expect(second).toHaveLength(2);
      expect(await queue.claim(10, 0)).toEqual([]);
      await queue.ack([...first, ...second].map((e) => e.id));
      expect(await queue.pendingCount()).toBe(0);
    });

    it('refuses a duplicate dedupe key, also after delivery', async () => {
      expect(await queue.enqueue('same', c2cEvent('a'))).toBe(true);
      expect(await queue.enqueue('same', c2cEvent('a'))).toBe(false);
      const [event] = await queue.claim(1, 0);
      await queue.ack([event?.id ?? '']);
      expect(await queue.enqueue('same', c2cEvent('a'))).toBe(false);
      expect(await queue.pendingCount()).toBe(0);
    });

    it('takes a dedupe key only with the commit: a failed enqueue leaves it free', async () => {
      // An event that cannot be serialised fails the enqueue (as a stack overflow would).
      const unstorable = { ...c2cEvent('u'), body: { ...c2cEvent('u').body, n: 1n } };
      await expect(queue.enqueue('taken-only-with-commit', unstorable as never)).rejects.toThrow();
      expect(await queue.enqueue('taken-only-with-commit', c2cEvent('u'))).toBe(true);
      expect(await queue.pendingCount()).toBe(1);
    });

    it('keeps concurrent enqueues of the same key to one', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => queue.enqueue('race', c2cEvent('r'))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await queue.pendingCount()).toBe(1);
    });

    it('wakes a waiting claim when an event arrives', async () => {
      const waiting = queue.claim(10, 5_000);
      setTimeout(() => void queue.enqueue('late', c2cEvent('late')), 50);
      const got = await waiting;
      expect(got).toHaveLength(1);
    });

    it('keeps undelivered events across a restart, and forgets delivered ones', async () => {
      await queue.enqueue('a', c2cEvent('a'));
      await queue.enqueue('b', c2cEvent('b'));
      const claimed = await queue.claim(10, 0);
      await queue.ack([claimed[0]?.id ?? '']);
      await restart();
      const again = await queue.claim(10, 0);
      expect(
        again.map(
          (e) =>
            e.event.body.CallbackCommand === 'C2C.CallbackAfterMsgWithDraw' && e.event.body.MsgKey,
        ),
      ).toEqual(['b']);
      expect(await queue.enqueue('a', c2cEvent('a'))).toBe(false);
    });

    it('confirms it still holds what it claimed', async () => {
      await queue.enqueue('h1', c2cEvent('h1'));
      const [held] = await queue.claim(1, 0);
      expect(await queue.confirmHeld([held?.id ?? ''])).toBe(true);
    });

    it('reports health', async () => {
      await expect(store.check()).resolves.toBeUndefined();
      await expect(queue.check()).resolves.toBeUndefined();
    });

    it('hands released events out again at once, and tells the oldest waiting', async () => {
      expect(await queue.oldestPendingAt()).toBeUndefined();
      const before = Date.now();
      await queue.enqueue('r1', c2cEvent('r1'));
      await queue.enqueue('r2', c2cEvent('r2'));
      const oldest = await queue.oldestPendingAt();
      expect(oldest).toBeGreaterThanOrEqual(before - 1000);
      const claimed = await queue.claim(10, 0);
      expect(claimed).toHaveLength(2);
      expect(await queue.claim(10, 0)).toEqual([]);
      await queue.release(claimed.map((e) => e.id));
      expect((await queue.claim(10, 0)).map(keyOf)).toEqual(['r1', 'r2']);
    });

    it('sets dead letters aside until they are replayed, and still refuses their copies', async () => {
      await queue.enqueue('d1', c2cEvent('d1'));
      await queue.enqueue('d2', c2cEvent('d2'));
      const [first, second] = await queue.claim(10, 0);
      await queue.deadLetter([first?.id ?? ''], 'own: invalid_blocks');
      await queue.release([second?.id ?? '']);
      expect(await queue.pendingCount()).toBe(1);
      expect(await queue.deadLetterCount()).toBe(1);
      const [letter] = await queue.deadLetters();
      expect(letter).toMatchObject({ id: first?.id, reason: 'own: invalid_blocks' });
      expect(letter?.event).toEqual(c2cEvent('d1'));
      expect((await queue.claim(10, 0)).map(keyOf)).toEqual(['d2']);
      expect(await queue.enqueue('d1', c2cEvent('d1'))).toBe(false);
      expect(await queue.replayDeadLetters()).toBe(1);
      expect(await queue.deadLetterCount()).toBe(0);
      expect((await queue.claim(10, 0)).map(keyOf)).toEqual(['d1']);
    });

    it('records writes, and finishes one with its acks and links in one step', async () => {
      await queue.enqueue('w1', c2cEvent('w1'));
      await queue.enqueue('w2', c2cEvent('w2'));
      const [a, b] = await queue.claim(10, 0);
      const ids = [a?.id ?? '', b?.id ?? ''];
      const attempt = {
        id: 'attempt-1',
        eventIds: ids,
        kind: 'message' as const,
        channel: 'C1',
        delivers: true,
        state: 'started' as const,
        startedAt: 1_700_000_000_000,
      };
      await queue.beginAttempt(attempt);
      await queue.beginAttempt({
        ...attempt,
        id: 'step-1',
        step: 'reply:1',
        delivers: false,
        eventIds: [ids[0] ?? ''],
      });
      expect((await queue.attemptsFor(ids)).map((x) => x.id).sort()).toEqual([
        'attempt-1',
        'step-1',
      ]);
      await queue.abandonAttempt('step-1');
      // As recorded: every event of the write, whichever of them is asked about.
      expect(await queue.attemptsFor([ids[1] ?? ''])).toEqual([attempt]);
      await restart();
      expect(await queue.attemptsFor(ids)).toEqual([attempt]);
      await queue.claim(10, 0);
      await queue.finishAttempt(attempt, {
        outcome: 'posted',
        ts: '1.000200',
        ack: ids,
        links: [{ key: 'oa:x:9', link: { channel: 'C1', ts: '1.000200' } }],
      });
      expect(await queue.pendingCount()).toBe(0);
      expect(await store.links.getPostLink('oa:x:9')).toEqual({ channel: 'C1', ts: '1.000200' });
      expect(await queue.attemptsFor(ids)).toEqual([]);
    });

    it("keeps a done step recorded until its event is acked, and a replayed one's writes", async () => {
      await queue.enqueue('s1', c2cEvent('s1'));
      const [event] = await queue.claim(10, 0);
      const id = event?.id ?? '';
      const step = {
        id: `${id}:reply:1`,
        step: 'reply:1',
        eventIds: [id],
        kind: 'reply' as const,
        channel: 'C1',
        threadTs: '1.000100',
        delivers: false,
        state: 'started' as const,
        startedAt: 1_700_000_000_000,
      };
      await queue.beginAttempt(step);
      await queue.finishAttempt(step, { outcome: 'posted', ts: '1.000300' });
      const done = { ...step, state: 'done', outcome: 'posted', ts: '1.000300' };
      expect(await queue.attemptsFor([id])).toEqual([done]);
      await queue.deadLetter([id], 'own: thread');
      await queue.replayDeadLetters([id]);
      const [again] = await queue.claim(10, 0);
      expect(keyOf(again)).toBe('s1');
      expect(await queue.attemptsFor([again?.id ?? ''])).toEqual([
        { ...done, eventIds: [again?.id] },
      ]);
      await queue.ack([again?.id ?? '']);
      expect(await queue.attemptsFor([again?.id ?? ''])).toEqual([]);
    });
  });
}
