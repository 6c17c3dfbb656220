import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../src/kinds/feed-event.js';
import type { Store } from '../../src/store/store.js';

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

function keyOf(queued: { event: FeedEvent } | undefined): string | undefined {
  const body = queued?.event.body;
  return body?.CallbackCommand === 'C2C.CallbackAfterMsgWithDraw' ? body.MsgKey : undefined;
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

    it('takes a dedupe key only with the commit: a failed enqueue leaves it free', async () => {
      // An event that cannot be serialised fails the enqueue (as a stack overflow would).
      const unstorable = { ...c2cEvent('u'), body: { ...c2cEvent('u').body, n: 1n } };
      await expect(store.enqueue('taken-only-with-commit', unstorable as never)).rejects.toThrow();
      expect(await store.enqueue('taken-only-with-commit', c2cEvent('u'))).toBe(true);
      expect(await store.pendingCount()).toBe(1);
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

    it('adds recalled keys of a group post atomically, and reads them', async () => {
      expect(await store.addRecalled('group:g1', [])).toEqual([]);
      await Promise.all([
        store.addRecalled('group:g1', ['a', 'b']),
        store.addRecalled('group:g1', ['c']),
        store.addRecalled('group:g1', ['b', 'd']),
      ]);
      expect((await store.addRecalled('group:g1', [])).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await store.addRecalled('group:other', [])).toEqual([]);
    });

    it('confirms it still holds what it claimed', async () => {
      await store.enqueue('h1', c2cEvent('h1'));
      const [held] = await store.claim(1, 0);
      expect(await store.confirmHeld([held?.id ?? ''])).toBe(true);
    });

    it("keeps a recall job and its keys' states across a restart until it is deleted", async () => {
      expect(await store.recallJobIds()).toEqual([]);
      await store.saveRecallJob('job-1', '{"account":"a"}');
      await store.saveRecallKeys('job-1', [
        ['1_1_1', 'pending'],
        ['2_1_1', 'pending'],
      ]);
      await store.saveRecallKeys('job-1', [['1_1_1', '{"ok":true}']]);
      await store.saveRecallJob('job-1', '{"account":"a","audit":"started"}');
      await store.close();
      store = await factory.reopen();
      expect(await store.recallJobIds()).toEqual(['job-1']);
      const job = await store.loadRecallJob('job-1');
      expect(job?.record).toBe('{"account":"a","audit":"started"}');
      expect(Object.fromEntries(job?.keys ?? [])).toEqual({
        '1_1_1': '{"ok":true}',
        '2_1_1': 'pending',
      });
      await store.deleteRecallJob('job-1');
      expect(await store.recallJobIds()).toEqual([]);
      expect(await store.loadRecallJob('job-1')).toBeUndefined();
    });

    it('leases a key to one owner, who alone extends and frees it', async () => {
      expect(await store.lease('job', 'a', 60_000)).toBe(true);
      expect(await store.lease('job', 'b', 60_000)).toBe(false);
      expect(await store.lease('job', 'a', 60_000)).toBe(true);
      await store.unlease('job', 'b');
      expect(await store.lease('job', 'b', 60_000)).toBe(false);
      await store.unlease('job', 'a');
      expect(await store.lease('job', 'b', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.lease('job', 'a', 60_000)).toBe(true);
    });

    it('extends a lease only while its owner holds it, never taking a free one', async () => {
      expect(await store.extendLease('renewed', 'a', 60_000)).toBe(false);
      expect(await store.lease('renewed', 'a', 60_000)).toBe(true);
      expect(await store.extendLease('renewed', 'a', 60_000)).toBe(true);
      expect(await store.extendLease('renewed', 'b', 60_000)).toBe(false);
      await store.unlease('renewed', 'a');
      expect(await store.extendLease('renewed', 'a', 60_000)).toBe(false);
      expect(await store.lease('renewed', 'b', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.extendLease('renewed', 'b', 60_000)).toBe(false);
    });

    it('reports health', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });

    it('hands released events out again at once, and tells the oldest waiting', async () => {
      expect(await store.oldestPendingAt()).toBeUndefined();
      const before = Date.now();
      await store.enqueue('r1', c2cEvent('r1'));
      await store.enqueue('r2', c2cEvent('r2'));
      const oldest = await store.oldestPendingAt();
      expect(oldest).toBeGreaterThanOrEqual(before - 1000);
      const claimed = await store.claim(10, 0);
      expect(claimed).toHaveLength(2);
      expect(await store.claim(10, 0)).toEqual([]);
      await store.release(claimed.map((e) => e.id));
      expect((await store.claim(10, 0)).map(keyOf)).toEqual(['r1', 'r2']);
    });

    it('sets dead letters aside until they are replayed, and still refuses their copies', async () => {
      await store.enqueue('d1', c2cEvent('d1'));
      await store.enqueue('d2', c2cEvent('d2'));
      const [first, second] = await store.claim(10, 0);
      await store.deadLetter([first?.id ?? ''], 'own: invalid_blocks');
      await store.release([second?.id ?? '']);
      expect(await store.pendingCount()).toBe(1);
      expect(await store.deadLetterCount()).toBe(1);
      const [letter] = await store.deadLetters();
      expect(letter).toMatchObject({ id: first?.id, reason: 'own: invalid_blocks' });
      expect(letter?.event).toEqual(c2cEvent('d1'));
      expect((await store.claim(10, 0)).map(keyOf)).toEqual(['d2']);
      expect(await store.enqueue('d1', c2cEvent('d1'))).toBe(false);
      expect(await store.replayDeadLetters()).toBe(1);
      expect(await store.deadLetterCount()).toBe(0);
      expect((await store.claim(10, 0)).map(keyOf)).toEqual(['d1']);
    });

    it('records writes, and finishes one with its acks and links in one step', async () => {
      await store.enqueue('w1', c2cEvent('w1'));
      await store.enqueue('w2', c2cEvent('w2'));
      const [a, b] = await store.claim(10, 0);
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
      await store.beginAttempt(attempt);
      await store.beginAttempt({
        ...attempt,
        id: 'step-1',
        step: 'reply:1',
        delivers: false,
        eventIds: [ids[0] ?? ''],
      });
      expect((await store.attemptsFor(ids)).map((x) => x.id).sort()).toEqual([
        'attempt-1',
        'step-1',
      ]);
      await store.abandonAttempt('step-1');
      // As recorded: every event of the write, whichever of them is asked about.
      expect(await store.attemptsFor([ids[1] ?? ''])).toEqual([attempt]);
      await store.close();
      store = await factory.reopen();
      expect(await store.attemptsFor(ids)).toEqual([attempt]);
      await store.claim(10, 0);
      await store.finishAttempt(attempt, {
        outcome: 'posted',
        ts: '1.000200',
        ack: ids,
        links: [{ key: 'oa:x:9', link: { channel: 'C1', ts: '1.000200' } }],
      });
      expect(await store.pendingCount()).toBe(0);
      expect(await store.getPostLink('oa:x:9')).toEqual({ channel: 'C1', ts: '1.000200' });
      expect(await store.attemptsFor(ids)).toEqual([]);
    });

    it("keeps a done step recorded until its event is acked, and a replayed one's writes", async () => {
      await store.enqueue('s1', c2cEvent('s1'));
      const [event] = await store.claim(10, 0);
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
      await store.beginAttempt(step);
      await store.finishAttempt(step, { outcome: 'posted', ts: '1.000300' });
      const done = { ...step, state: 'done', outcome: 'posted', ts: '1.000300' };
      expect(await store.attemptsFor([id])).toEqual([done]);
      await store.deadLetter([id], 'own: thread');
      await store.replayDeadLetters([id]);
      const [again] = await store.claim(10, 0);
      expect(keyOf(again)).toBe('s1');
      expect(await store.attemptsFor([again?.id ?? ''])).toEqual([
        { ...done, eventIds: [again?.id] },
      ]);
      await store.ack([again?.id ?? '']);
      expect(await store.attemptsFor([again?.id ?? ''])).toEqual([]);
    });
  });
}
