import { afterEach, describe, expect, it } from 'vitest';
import { StoppedError } from '../../../src/feed/errors.js';
import {
  type ClaimQueue,
  DeliveryWorker,
  type DeliveryWorkerOptions,
} from '../../../src/feed/worker.js';
import { createLogger } from '../../../src/log.js';
import { sleep, until } from '../../helpers/until.js';

interface Item {
  id: string;
}

/** A queue in memory: claims take the oldest events not held; every call is recorded. */
class MemoryQueue implements ClaimQueue<Item> {
  readonly pending: string[];
  readonly held = new Set<string>();
  /** The `limit` of each claim, and when it was made. */
  readonly claims: { limit: number; at: number }[] = [];
  /** The IDs of each release, and when it was made. */
  readonly releases: { ids: string[]; at: number }[] = [];
  failClaims = 0;
  failReleases = 0;

  constructor(ids: string[]) {
    this.pending = [...ids];
  }

  async claim(limit: number, waitMs: number): Promise<Item[]> {
    this.claims.push({ limit, at: Date.now() });
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error('the queue cannot be read');
    }
    const ids = this.pending.filter((id) => !this.held.has(id)).slice(0, limit);
    if (ids.length === 0) {
      await sleep(Math.min(waitMs, 20));
      return [];
    }
    for (const id of ids) this.held.add(id);
    return ids.map((id) => ({ id }));
  }

  async release(ids: readonly string[]): Promise<void> {
    this.releases.push({ ids: [...ids], at: Date.now() });
    if (this.failReleases > 0) {
      this.failReleases--;
      throw new Error('the queue cannot be written');
    }
    for (const id of ids) this.held.delete(id);
  }

  /** Delivered: never claimed again. */
  ack(ids: Iterable<string>): void {
    for (const id of ids) {
      this.held.delete(id);
      this.pending.splice(this.pending.indexOf(id), 1);
    }
  }
}

describe('DeliveryWorker: the loop alone', () => {
  let worker: DeliveryWorker<Item> | undefined;
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (line) => lines.push(JSON.parse(line) as { level: string; msg: string }),
  });

  afterEach(async () => {
    await worker?.stop(1_000);
    worker = undefined;
    lines.length = 0;
  });

  function start(
    queue: MemoryQueue,
    options: Partial<DeliveryWorkerOptions<Item>> & Pick<DeliveryWorkerOptions<Item>, 'deliver'>,
  ): DeliveryWorker<Item> {
    worker = new DeliveryWorker({
      queue,
      setAsideIfOwn: async () => false,
      backoff: { baseMs: 100, maxMs: 400 },
      logger,
      batchSize: 10,
      isolateAfter: 3,
      ...options,
    });
    worker.start();
    return worker;
  }

  it('hands each claimed batch to deliver, holding all of it', async () => {
    const queue = new MemoryQueue(['a', 'b', 'c']);
    const batches: { ids: string[]; held: string[] }[] = [];
    start(queue, {
      deliver: async (events, held) => {
        batches.push({ ids: events.map((e) => e.id), held: [...held] });
        queue.ack(held);
      },
    });
    await until(() => queue.pending.length === 0 && queue.claims.length >= 2);
    expect(batches).toEqual([{ ids: ['a', 'b', 'c'], held: ['a', 'b', 'c'] }]);
    expect(queue.claims.every((c) => c.limit === 10)).toBe(true);
    expect(queue.releases).toEqual([]);
  });

  it('releases what a failed batch still holds, and backs off before claiming again', async () => {
    const queue = new MemoryQueue(['a', 'b', 'c']);
    let calls = 0;
    start(queue, {
      deliver: async (events, held) => {
        calls++;
        if (calls === 1) {
          // `a` was delivered and `x` claimed by the delivery itself before it failed.
          queue.ack(['a']);
          held.delete('a');
          held.add('x');
          throw new Error('a link lookup failed');
        }
        queue.ack(events.map((e) => e.id));
      },
    });
    await until(() => queue.pending.length === 0);
    expect(queue.releases.map((r) => r.ids)).toEqual([['b', 'c', 'x']]);
    const [release] = queue.releases;
    const next = queue.claims.find((c) => c.at >= (release?.at ?? Infinity));
    // The first pause is at least half the backoff's base (full jitter).
    expect((next?.at ?? 0) - (release?.at ?? 0)).toBeGreaterThanOrEqual(45);
    expect(lines.find((l) => l.level === 'error')?.msg).toBe(
      'delivery failed; events released, will retry',
    );
  });

  it('takes events one at a time after repeated failures, and a batch again once one passes', async () => {
    const queue = new MemoryQueue(['a', 'b', 'c']);
    start(queue, {
      backoff: { baseMs: 1, maxMs: 2 },
      deliver: async (events) => {
        if (events.length > 1) throw new Error('one of these events breaks the batch');
        queue.ack(events.map((e) => e.id));
      },
    });
    await until(() => queue.pending.length === 0);
    const limits = queue.claims.map((c) => c.limit);
    expect(limits.slice(0, 4)).toEqual([10, 10, 10, 1]);
    // `a` passed alone: the failures are forgotten, and `b` and `c` are taken together again
    // (and fail together, three times, before being taken apart once more).
    expect(limits.slice(4, 8)).toEqual([10, 10, 10, 1]);
  });

  it('sets aside a lone event that keeps failing on its own, and goes on', async () => {
    const queue = new MemoryQueue(['bad']);
    const setAside: { id: string; error: unknown }[] = [];
    let tries = 0;
    start(queue, {
      backoff: { baseMs: 1, maxMs: 2 },
      isolateAfter: 2,
      deliver: async (events) => {
        if (events.some((e) => e.id === 'bad')) {
          tries++;
          throw new TypeError('boom');
        }
        queue.ack(events.map((e) => e.id));
      },
      setAsideIfOwn: async (event, error) => {
        setAside.push({ id: event.id, error });
        queue.ack([event.id]);
        queue.pending.push('good');
        return true;
      },
    });
    await until(() => queue.pending.length === 0);
    expect(tries).toBe(4);
    expect(setAside.map((s) => s.id)).toEqual(['bad']);
    expect(setAside[0]?.error).toBeInstanceOf(TypeError);
    // Released after each failure but the last: that one set it aside instead.
    expect(queue.releases.map((r) => r.ids)).toEqual([['bad'], ['bad'], ['bad']]);
    // Failures forgotten once it is set aside: the next claim takes a whole batch.
    expect(queue.claims.at(-1)?.limit).toBe(10);
  });

  it('releases a lone failing event when its failure cannot be told its own', async () => {
    const queue = new MemoryQueue(['store-down']);
    let asked = 0;
    let tries = 0;
    start(queue, {
      backoff: { baseMs: 1, maxMs: 2 },
      isolateAfter: 1,
      deliver: async () => {
        tries++;
        if (tries < 5) throw new Error('the store failed');
        queue.ack(['store-down']);
      },
      setAsideIfOwn: async () => {
        asked++;
        return false;
      },
    });
    await until(() => queue.pending.length === 0);
    // Asked from the second failure in a row on (2 × isolateAfter), and released each time.
    expect(asked).toBe(3);
    expect(queue.releases).toHaveLength(4);
  });

  it('ends the loop without releasing when the delivery says it is stopping', async () => {
    const queue = new MemoryQueue(['a']);
    start(queue, {
      deliver: async () => {
        throw new StoppedError('stopping');
      },
    });
    await until(() => queue.claims.length === 1);
    await sleep(100);
    expect(queue.claims).toHaveLength(1);
    expect(queue.releases).toEqual([]);
  });

  it('claims again after a pause when the queue cannot be read', async () => {
    const queue = new MemoryQueue(['a']);
    queue.failClaims = 1;
    start(queue, { deliver: async (events) => queue.ack(events.map((e) => e.id)) });
    await until(() => queue.pending.length === 0, 5_000);
    const [failed, next] = queue.claims;
    expect((next?.at ?? 0) - (failed?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(lines.some((l) => l.level === 'error' && l.msg === 'could not read the queue')).toBe(
      true,
    );
  });

  it('goes on when events cannot be released: they return after their lease', async () => {
    const queue = new MemoryQueue(['a']);
    queue.failReleases = 1;
    let calls = 0;
    start(queue, {
      backoff: { baseMs: 1, maxMs: 2 },
      deliver: async (events) => {
        calls++;
        if (calls === 1) throw new Error('a lookup failed');
        queue.ack(events.map((e) => e.id));
      },
    });
    // The fake keeps a failed release's events held: they come back once released for good.
    await until(() => queue.releases.length === 1);
    expect(
      lines.some((l) => l.msg === 'could not release events; they return after the lease'),
    ).toBe(true);
    await queue.release(['a']);
    await until(() => queue.pending.length === 0);
    expect(calls).toBe(2);
  });

  it('stops: claims no more, and waits for a delivery in flight only as long as it is told', async () => {
    const queue = new MemoryQueue(['a', 'b']);
    let delivering = false;
    const running = start(queue, {
      batchSize: 1,
      deliver: () => {
        delivering = true;
        return new Promise<void>(() => {});
      },
    });
    await until(() => delivering);
    const startedAt = Date.now();
    await running.stop(150);
    const waited = Date.now() - startedAt;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1_000);
    expect(queue.claims).toHaveLength(1);
  });

  it('stops at once when idle, and when the signal it was given aborts', async () => {
    const idle = new MemoryQueue([]);
    const running = start(idle, { deliver: async () => {} });
    await until(() => idle.claims.length > 0);
    const startedAt = Date.now();
    await running.stop(5_000);
    expect(Date.now() - startedAt).toBeLessThan(1_000);

    const controller = new AbortController();
    const other = new MemoryQueue([]);
    start(other, { deliver: async () => {}, signal: controller.signal });
    await until(() => other.claims.length > 0);
    controller.abort();
    await sleep(100);
    const claims = other.claims.length;
    await sleep(100);
    expect(other.claims).toHaveLength(claims);
  });
});
