import { afterEach, describe, expect, it } from 'vitest';
import { StoppedError } from '../../../src/feed/errors.js';
import {
  LinkedLane,
  type LinkedLaneOptions,
  type LinkedWork,
} from '../../../src/feed/linked-lane.js';
import { c2cOf } from '../../helpers/feed.js';
import { feedEvent } from '../../helpers/render.js';
import { sleep, until } from '../../helpers/until.js';

/** A recall waiting for the lane (what it recalls does not matter to the lane). */
function work(id: string): LinkedWork {
  return { event: { id, event: feedEvent(c2cOf(`${id}_1_1`)), enqueuedAt: 0 }, done: [] };
}

describe('LinkedLane', () => {
  let controller = new AbortController();
  let running: Promise<void> | undefined;
  let lane: LinkedLane | undefined;

  afterEach(async () => {
    controller.abort();
    lane?.stop();
    await running;
    controller = new AbortController();
    running = undefined;
  });

  function start(options: Partial<LinkedLaneOptions>): LinkedLane {
    lane = new LinkedLane({
      deliver: async () => {},
      release: async () => {},
      setAsideIfOwn: async () => false,
      isolateAfter: 2,
      signal: controller.signal,
      ...options,
    });
    running = lane.run();
    return lane;
  }

  it('delivers recalls one at a time, in the order they were pushed', async () => {
    const log: string[] = [];
    const started = start({
      deliver: async ({ event }) => {
        log.push(`start ${event.id}`);
        await sleep(10);
        log.push(`end ${event.id}`);
      },
    });
    started.push(work('1'));
    started.push(work('2'));
    await sleep(5);
    started.push(work('3'));
    await until(() => log.length === 6);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('hands what was done before to the delivery', async () => {
    const seen: LinkedWork[] = [];
    const started = start({ deliver: async (w) => void seen.push(w) });
    const attempt = {
      id: 'e1:update:1.1',
      step: 'update:1.1',
      eventIds: ['e1'],
      kind: 'update' as const,
      channel: 'C1',
      delivers: false,
      state: 'done' as const,
      startedAt: 0,
    };
    started.push({ ...work('e1'), done: [attempt] });
    await until(() => seen.length === 1);
    expect(seen[0]?.done).toEqual([attempt]);
  });

  it('releases a failing recall with a short pause only, and goes on with the next', async () => {
    const released: { ids: string[]; failures: number; error: unknown }[] = [];
    const delivered: string[] = [];
    const started = start({
      deliver: async ({ event }) => {
        if (event.id === 'bad') throw new Error('a lookup failed');
        delivered.push(event.id);
      },
      release: async (error, ids, failures) => void released.push({ ids, failures, error }),
    });
    started.push(work('bad'));
    started.push(work('good'));
    await until(() => delivered.length === 1);
    expect(delivered).toEqual(['good']);
    expect(released).toEqual([{ ids: ['bad'], failures: 1, error: new Error('a lookup failed') }]);
  });

  it('sets aside a recall failing on its own again and again, counting its failures in a row', async () => {
    const asked: string[] = [];
    let released = 0;
    const started = start({
      deliver: async ({ event }) => {
        throw new TypeError(`boom ${event.id}`);
      },
      release: async () => {
        released++;
      },
      setAsideIfOwn: async (event) => {
        asked.push(event.id);
        return true;
      },
    });
    // The lane forgets nothing between pushes: each push is the recall claimed again.
    for (let i = 0; i < 4; i++) started.push(work('bad'));
    await until(() => asked.length === 1);
    await sleep(20);
    // 2 × isolateAfter failures: the first three released, the fourth set aside.
    expect(asked).toEqual(['bad']);
    expect(released).toBe(3);
  });

  it('releases the recall when its failure cannot be told its own', async () => {
    let released = 0;
    let asked = 0;
    const started = start({
      deliver: async () => {
        throw new Error('the store failed');
      },
      release: async () => {
        released++;
      },
      setAsideIfOwn: async () => {
        asked++;
        return false;
      },
    });
    for (let i = 0; i < 5; i++) started.push(work('x'));
    await until(() => released === 5);
    expect(asked).toBe(2);
  });

  it('ends its run when stopped while waiting, and on a StoppedError without releasing', async () => {
    start({});
    controller.abort();
    lane?.stop();
    await running;

    controller = new AbortController();
    let released = 0;
    const started = start({
      deliver: async () => {
        throw new StoppedError('stopping');
      },
      release: async () => {
        released++;
      },
    });
    started.push(work('a'));
    await running;
    expect(released).toBe(0);
  });
});
