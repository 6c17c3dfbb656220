import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { chunk } from '../../../src/lib/lists.js';
import { silentLogger } from '../../../src/log.js';
import { createRecallLimiter, type RecallLimiter } from '../../../src/recall/limiter.js';
import { validateReason } from '../../../src/recall/parse.js';
import {
  type KeyResult,
  NO_RESULT,
  type RecallDeps,
  recallMessages,
} from '../../../src/recall/send.js';
import {
  createTencentRestClient,
  type RecallApiAnswer,
  type TencentRestClient,
  TencentRestError,
} from '../../../src/tencent/rest/client.js';
import { AdminUserSig } from '../../../src/tencent/rest/usersig.js';
import { type FakeTencent, startFakeTencent } from '../../fakes/tencent-api.js';
import { recalledResult } from '../../helpers/recall.js';

const SDKAPPID = 1400000001;
const KEY = 'test-tencent-secret-key';
const ADMIN = 'administrator';
const ACCOUNT = '@TOA#_2J4SZEAEL';
const keys = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `${from + i}_1_1698741698`);
const FAST = { baseMs: 1, maxMs: 5 };

/** How often each key was sent in requests that Tencent processed (answered OK). */
function processedCounts(fake: FakeTencent): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of fake.calls.filter((c) => c.answer === 'ok')) {
    for (const key of call.msgKeys) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The most events in any window of `windowMs`, from sorted times. */
describe('validateReason and chunk', () => {
  it('counts the reason in bytes of UTF-8', () => {
    expect(validateReason(undefined)).toBeUndefined();
    expect(validateReason('x'.repeat(100))).toBeUndefined();
    expect(validateReason('é'.repeat(50))).toBeUndefined();
    expect(validateReason('é'.repeat(51))).toMatch(/100 bytes/);
    expect(validateReason('x'.repeat(101))).toMatch(/100 bytes/);
  });

  it('splits into groups of at most n', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 10)).toEqual([]);
    expect(chunk(keys(25), 10).map((g) => g.length)).toEqual([10, 10, 5]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('recallMessages against the fake Tencent', () => {
  let fake: FakeTencent;
  let limiter: RecallLimiter;
  let deps: RecallDeps;
  let userSig: AdminUserSig;

  beforeAll(async () => {
    fake = await startFakeTencent({ sdkAppId: SDKAPPID, key: KEY, identifier: ADMIN });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.addMessages(ACCOUNT, keys(300));
    userSig = new AdminUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, identifier: ADMIN });
    limiter = createRecallLimiter(SDKAPPID, { ratePerSecond: 200 });
    deps = {
      client: createTencentRestClient({
        origin: fake.url,
        sdkAppId: SDKAPPID,
        identifier: ADMIN,
        userSig,
        timeoutMs: 2000,
        logger: silentLogger,
      }),
      limiter,
      logger: silentLogger,
      backoff: FAST,
    };
  });
  afterEach(async () => {
    await limiter.close();
  });

  it('sends 25 keys as 3 requests of at most 10 and answers each key in order', async () => {
    const progress: [number, number][] = [];
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: keys(25), reason: 'mistake' },
      { ...deps, onProgress: (done, total) => progress.push([done, total]) },
    );
    expect(fake.calls.map((c) => c.msgKeys.length).sort()).toEqual([10, 10, 5]);
    expect(fake.calls.every((c) => c.reason === 'mistake')).toBe(true);
    expect(results.map((r) => r.msgKey)).toEqual(keys(25));
    expect(results.every((r) => r.ok && r.retCode === 0 && r.attempts === 1)).toBe(true);
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('removes duplicate keys before sending', async () => {
    const [a, b] = keys(2);
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: [a ?? '', b ?? '', a ?? '', b ?? ''] },
      deps,
    );
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.msgKeys).toEqual([a, b]);
    expect(results.map((r) => r.msgKey)).toEqual([a, b]);
  });

  it('answers 10030 for keys that do not exist, without sending them again', async () => {
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: ['1_1_1698741698', '999_9_9', '2_1_1698741698'] },
      deps,
    );
    expect(results).toEqual([
      recalledResult('1_1_1698741698'),
      {
        msgKey: '999_9_9',
        ok: false,
        unknown: false,
        retCode: 10030,
        meaning: expect.stringMatching(/does not exist/),
        transient: false,
        attempts: 1,
      },
      expect.objectContaining({ msgKey: '2_1_1698741698', ok: true }),
    ]);
    expect(fake.calls).toHaveLength(1);
  });

  it('gives every key a final answer through 502s and rate limits, sending none twice', async () => {
    fake.setFault({ kind: '502', times: 2 });
    const first = await recallMessages({ account: ACCOUNT, msgKeys: keys(25) }, deps);
    expect(first.every((r) => r.ok)).toBe(true);
    expect(fake.calls.filter((c) => c.answer === '502')).toHaveLength(2);
    const hit = fake.calls.filter((c) => c.answer === '502').flatMap((c) => c.msgKeys);
    expect(
      first
        .filter((r) => r.attempts > 1)
        .map((r) => r.msgKey)
        .sort(),
    ).toEqual(hit.sort());

    fake.setFault({ kind: 'code', code: 60007, times: 3 });
    const second = await recallMessages({ account: ACCOUNT, msgKeys: keys(25, 100) }, deps);
    expect(second.every((r) => r.ok)).toBe(true);
    expect(fake.calls.filter((c) => c.errorCode === 60007)).toHaveLength(3);

    expect([...processedCounts(fake).values()].every((n) => n === 1)).toBe(true);
    expect(fake.calls.every((c) => c.msgKeys.length <= 10)).toBe(true);
  });

  it('retries a reset connection', async () => {
    fake.setFault({ kind: 'reset', times: 1 });
    const results = await recallMessages({ account: ACCOUNT, msgKeys: keys(3) }, deps);
    expect(results.every((r) => r.ok && r.attempts === 2)).toBe(true);
  });

  it('ends with a transient failure for every key after maxAttempts', async () => {
    fake.setFault({ kind: 'code', code: 10002, times: 100 });
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: keys(12) },
      { ...deps, maxAttempts: 3 },
    );
    expect(fake.calls).toHaveLength(6);
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, retCode: 10002, transient: true, attempts: 3 });
      expect(r.meaning).toMatch(/internal error/);
    }
    fake.setFault({ kind: '502', times: 100 });
    const [noAnswer] = await recallMessages(
      { account: ACCOUNT, msgKeys: keys(1) },
      { ...deps, maxAttempts: 2 },
    );
    expect(noAnswer).toMatchObject({ ok: false, retCode: NO_RESULT, transient: true, attempts: 2 });
    expect(noAnswer?.meaning).toMatch(/HTTP 502/);
  });

  it.each([
    ['an OK without per-key results', 'ok-without-list'],
    ['an answer that is not JSON', 'not-json'],
  ] as const)(
    'tells the truth after %s: never recalled, never a plain failure',
    async (_what, kind) => {
      fake.setFault({ kind, times: 1 });
      const results = await recallMessages({ account: ACCOUNT, msgKeys: keys(3) }, deps);
      for (const r of results) {
        expect(r).toMatchObject({ ok: false, unknown: true, retCode: 10030, attempts: 2 });
        expect(fake.isRecalled(ACCOUNT, r.msgKey)).toBe(true);
      }
    },
  );

  it('reads codes sent as numeric strings', async () => {
    fake.setFault({ kind: 'string-codes', times: 1 });
    const results = await recallMessages({ account: ACCOUNT, msgKeys: keys(2) }, deps);
    expect(results.map((r) => [r.ok, r.attempts])).toEqual([
      [true, 1],
      [true, 1],
    ]);
  });

  it('makes a non-transient top-level failure final at once', async () => {
    const results = await recallMessages({ account: '@TOA#_GONE', msgKeys: keys(12) }, deps);
    expect(fake.calls).toHaveLength(2);
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, retCode: 10010, transient: false, attempts: 1 });
    }
  });

  it('signs a fresh UserSig and retries once when Tencent says it expired', async () => {
    const invalidate = vi.spyOn(userSig, 'invalidate');
    fake.setFault({ kind: 'code', code: 70052, times: 1 });
    const results = await recallMessages({ account: ACCOUNT, msgKeys: keys(2) }, deps);
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.ok && r.attempts === 2)).toBe(true);

    fake.setFault({ kind: 'code', code: 70001, times: 5 });
    const stillExpired = await recallMessages({ account: ACCOUNT, msgKeys: keys(1, 50) }, deps);
    expect(stillExpired[0]).toMatchObject({ ok: false, retCode: 70001, attempts: 2 });
  });

  it('refuses a reason over 100 bytes before sending anything', async () => {
    await expect(
      recallMessages({ account: ACCOUNT, msgKeys: keys(1), reason: 'é'.repeat(51) }, deps),
    ).rejects.toThrow(/100 bytes/);
    expect(fake.calls).toHaveLength(0);
  });

  it('keeps requests within the rate, counted in every one-second window', async () => {
    await fake.close();
    fake = await startFakeTencent({
      sdkAppId: SDKAPPID,
      key: KEY,
      identifier: ADMIN,
      ratePerSecond: 20,
    });
    fake.addMessages(ACCOUNT, keys(300));
    const slow = createRecallLimiter(SDKAPPID, { ratePerSecond: 20 });
    const client = createTencentRestClient({
      origin: fake.url,
      sdkAppId: SDKAPPID,
      identifier: ADMIN,
      userSig,
      logger: silentLogger,
    });
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: keys(250) },
      // The product's own backoff: a request refused with 60007 is retried in a later second,
      // not within the window that refused it (the fast test backoff would spend every attempt).
      { ...deps, client, limiter: slow, backoff: { baseMs: 500, maxMs: 2000 } },
    );
    await slow.close();
    expect(results.every((r) => r.ok)).toBe(true);
    // 20/s spaced 50 ms apart: 21 starts fit in a closed second. One more of slack, because
    // a timer that fires late (a busy machine) bunches a start onto the next; unlimited, all
    // 25 requests would arrive within a few milliseconds.
    expect(fake.calls.length).toBeGreaterThanOrEqual(25);
    expect(fake.maxInAnySecond()).toBeLessThanOrEqual(22);
  });
});

describe('recallMessages with a scripted client', () => {
  const limiter = { schedule: <T>(fn: () => Promise<T>) => fn() };
  const answer = (list?: [string, number][]): RecallApiAnswer => ({
    ActionStatus: 'OK',
    ErrorCode: 0,
    ErrorInfo: '',
    ...(list ? { RecallRetList: list.map(([MsgKey, RetCode]) => ({ MsgKey, RetCode })) } : {}),
  });
  function scripted(answers: ((msgKeys: readonly string[]) => RecallApiAnswer)[]) {
    const sent: string[][] = [];
    const client: TencentRestClient = {
      recallOfficialAccountMessages: async ({ msgKeys }) => {
        sent.push([...msgKeys]);
        const next = answers.shift();
        if (!next) throw new Error('no more scripted answers');
        return next(msgKeys);
      },
    };
    return { client, sent };
  }

  it('retries only the keys with a transient RetCode; final ones are never resent', async () => {
    const { client, sent } = scripted([
      () =>
        answer([
          ['a', 0],
          ['b', 10002],
          ['c', 10031],
          ['d', 10032],
        ]),
      () => answer([['b', 0]]),
    ]);
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: ['a', 'b', 'c', 'd'] },
      { client, limiter, logger: silentLogger, backoff: FAST },
    );
    expect(sent).toEqual([['a', 'b', 'c', 'd'], ['b']]);
    expect(results.map((r: KeyResult) => [r.msgKey, r.ok, r.retCode, r.attempts])).toEqual([
      ['a', true, 0, 1],
      ['b', true, 0, 2],
      ['c', false, 10031, 1],
      ['d', false, 10032, 1],
    ]);
    expect(results[2]?.meaning).toMatch(/time limit/);
  });

  it("keeps every other request's results when the limiter stops or fails on one", async () => {
    const { client } = scripted([
      (msgKeys) => answer(msgKeys.map((k) => [k, 0])),
      (msgKeys) => answer(msgKeys.map((k) => [k, 0])),
      (msgKeys) => answer(msgKeys.map((k) => [k, 0])),
    ]);
    let calls = 0;
    const failing = {
      schedule: <T>(fn: () => Promise<T>): Promise<T> => {
        calls += 1;
        if (calls === 2) return Promise.reject(new Error('This limiter has been stopped.'));
        if (calls === 3) return fn().then(() => Promise.reject(new Error('Connection is closed.')));
        return fn();
      },
    };
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: keys(30) },
      { client, limiter: failing, logger: silentLogger, backoff: FAST, maxAttempts: 1 },
    );
    expect(results.slice(0, 10).every((r) => r.ok)).toBe(true);
    for (const r of results.slice(10, 20)) {
      expect(r).toMatchObject({ ok: false, unknown: false, transient: true });
      expect(r.meaning).toContain('not sent (This limiter has been stopped.)');
    }
    for (const r of results.slice(20)) {
      expect(r).toMatchObject({ ok: false, unknown: true });
      expect(r.meaning).toContain('Connection is closed.');
    }
  });

  it('tells a key that failed after an unanswered try as unknown, and records results as they come', async () => {
    const { client } = scripted([
      () => {
        throw new TencentRestError('Tencent did not answer within 10000 ms', {
          kind: 'timeout',
          transient: true,
        });
      },
      () => {
        throw new TencentRestError('Tencent answered 20001', {
          kind: 'api',
          errorCode: 20001,
          transient: false,
        });
      },
      (msgKeys) => answer(msgKeys.map((k) => [k, 0])),
    ]);
    const recorded: string[][] = [];
    const deps = {
      client,
      limiter,
      logger: silentLogger,
      backoff: FAST,
      onResults: async (results: readonly KeyResult[]) => {
        recorded.push(results.map((r) => r.msgKey));
        throw new Error('the store is away');
      },
    };
    const [x] = await recallMessages({ account: ACCOUNT, msgKeys: ['x'] }, deps);
    expect(x).toMatchObject({ ok: false, unknown: true, retCode: 20001 });
    expect(x?.meaning).toMatch(/earlier try got no answer/);
    const [y] = await recallMessages({ account: ACCOUNT, msgKeys: ['y'] }, deps);
    expect(y).toMatchObject({ ok: true });
    expect(recorded).toEqual([['x'], ['y']]);
  });

  it('never reads a top-level OK without a result for a key as recalled', async () => {
    // Tencent recalled x but listed nothing: asked again, x is gone (10030), most likely recalled.
    const { client, sent } = scripted([
      () => answer(),
      () => answer([['x', 10030]]),
      () => answer([['y', 0]]),
      () => answer([['z', 0]]),
    ]);
    const deps = { client, limiter, logger: silentLogger, backoff: FAST };
    const [x] = await recallMessages({ account: ACCOUNT, msgKeys: ['x'] }, deps);
    expect(x).toMatchObject({ ok: false, unknown: true, retCode: 10030, attempts: 2 });
    expect(x?.meaning).toMatch(/most likely recalled by an earlier try/);
    const [y, z] = await recallMessages({ account: ACCOUNT, msgKeys: ['y', 'z'] }, deps);
    expect(y).toMatchObject({ ok: true, attempts: 1 });
    expect(z).toMatchObject({ ok: true, attempts: 2 });
    expect(sent).toEqual([['x'], ['x'], ['y', 'z'], ['z']]);
  });

  it('reports a key Tencent never answers for as unknown, never as recalled or failed', async () => {
    const { client } = scripted([() => answer(), () => answer(), () => answer()]);
    const deps = { client, limiter, logger: silentLogger, backoff: FAST, maxAttempts: 3 };
    const [x] = await recallMessages({ account: ACCOUNT, msgKeys: ['x'] }, deps);
    expect(x).toMatchObject({ ok: false, unknown: true, retCode: NO_RESULT, transient: true });
  });
});

describe('recall when the limiter refuses', () => {
  it('gives the keys of refused requests a transient answer', async () => {
    const limiter = createRecallLimiter(SDKAPPID, { ratePerSecond: 50, maxQueued: 1 });
    const client: TencentRestClient = {
      recallOfficialAccountMessages: async ({ msgKeys }) => ({
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        RecallRetList: msgKeys.map((MsgKey) => ({ MsgKey, RetCode: 0 })),
      }),
    };
    const results = await recallMessages(
      { account: ACCOUNT, msgKeys: keys(25) },
      { client, limiter, logger: silentLogger },
    );
    await limiter.close();
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r).toMatchObject({ retCode: NO_RESULT, transient: true });
      expect(r.meaning).toMatch(/Too many recall requests are waiting/);
    }
  });
});
