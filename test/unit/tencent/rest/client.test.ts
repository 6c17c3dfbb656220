import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../src/log.js';
import {
  createTencentRestClient,
  RECALL_PATH,
  type TencentRestClientOptions,
  TencentRestError,
} from '../../../../src/tencent/rest/client.js';
import { AdminUserSig } from '../../../../src/tencent/rest/usersig.js';
import { type FakeTencent, startFakeTencent } from '../../../fakes/tencent-api.js';

const SDKAPPID = 1400000001;
const KEY = 'test-tencent-secret-key';
const ADMIN = 'administrator';
const ACCOUNT = '@TOA#_2J4SZEAEL';

let fake: FakeTencent;
let logLines: string[];

beforeAll(async () => {
  fake = await startFakeTencent({ sdkAppId: SDKAPPID, key: KEY, identifier: ADMIN });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.addMessages(ACCOUNT, ['71_1_1698741698', '72_1_1698741698']);
  logLines = [];
});

function client(overrides: Partial<TencentRestClientOptions> = {}) {
  const userSig =
    overrides.userSig ??
    new AdminUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, identifier: ADMIN });
  return {
    userSig,
    client: createTencentRestClient({
      origin: fake.url,
      sdkAppId: SDKAPPID,
      identifier: ADMIN,
      userSig,
      logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
      ...overrides,
    }),
  };
}

async function failureOf(promise: Promise<unknown>): Promise<TencentRestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TencentRestError) return error;
    throw error;
  }
  throw new Error('expected a TencentRestError');
}

const recallOne = { account: ACCOUNT, msgKeys: ['71_1_1698741698'] };

describe('Tencent REST client: official_account_msg_recall', () => {
  it('sends the documented request and returns the OK answer', async () => {
    const { client: c, userSig } = client({ origin: `${fake.url}/` });
    const answer = await c.recallOfficialAccountMessages({
      account: ACCOUNT,
      msgKeys: ['71_1_1698741698', '72_1_1698741698'],
      reason: 'posted by mistake',
    });
    expect(answer).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      RecallRetList: [
        { MsgKey: '71_1_1698741698', RetCode: 0 },
        { MsgKey: '72_1_1698741698', RetCode: 0 },
      ],
    });
    const [call] = fake.calls;
    expect(call).toMatchObject({
      account: ACCOUNT,
      msgKeys: ['71_1_1698741698', '72_1_1698741698'],
      reason: 'posted by mistake',
      usersig: userSig.get(),
      answer: 'ok',
    });
    expect(fake.isRecalled(ACCOUNT, '71_1_1698741698')).toBe(true);
  });

  it('leaves Reason out when there is none', async () => {
    await client().client.recallOfficialAccountMessages(recallOne);
    expect(fake.calls[0]?.reason).toBeUndefined();
    expect(fake.calls[0]?.answer).toBe('ok');
  });

  it('returns per-key failures hidden under a top-level OK', async () => {
    const answer = await client().client.recallOfficialAccountMessages({
      account: ACCOUNT,
      msgKeys: ['71_1_1698741698', '999_1_1698741698'],
    });
    expect(answer.ActionStatus).toBe('OK');
    expect(answer.RecallRetList).toEqual([
      { MsgKey: '71_1_1698741698', RetCode: 0 },
      { MsgKey: '999_1_1698741698', RetCode: 10030 },
    ]);
    const again = await client().client.recallOfficialAccountMessages(recallOne);
    expect(again.RecallRetList).toEqual([{ MsgKey: '71_1_1698741698', RetCode: 10030 }]);
  });

  it('throws a final api error for a top-level FAIL', async () => {
    const error = await failureOf(
      client().client.recallOfficialAccountMessages({ ...recallOne, account: '@TOA#_NOPE' }),
    );
    expect(error).toMatchObject({
      kind: 'api',
      code: 'tencent_api',
      errorCode: 10010,
      status: 200,
      transient: false,
    });
    expect(error.message).toContain('10010');
  });

  it('throws a transient api error for a rate limit', async () => {
    fake.setFault({ kind: 'code', code: 60007, times: 1 });
    const error = await failureOf(client().client.recallOfficialAccountMessages(recallOne));
    expect(error).toMatchObject({
      kind: 'api',
      code: 'tencent_api',
      errorCode: 60007,
      transient: true,
    });
  });

  it('drops the UserSig when Tencent says it expired', async () => {
    const { client: c, userSig } = client();
    const invalidate = vi.spyOn(userSig, 'invalidate');
    fake.setFault({ kind: 'code', code: 70001, times: 1 });
    const error = await failureOf(c.recallOfficialAccountMessages(recallOne));
    expect(error).toMatchObject({
      kind: 'api',
      code: 'tencent_api',
      errorCode: 70001,
      transient: false,
    });
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('is refused by a server with another key (70009) or SDKAppID (60006)', async () => {
    const foreign = new AdminUserSig({ sdkAppId: SDKAPPID, secretKey: 'other', identifier: ADMIN });
    expect(
      await failureOf(client({ userSig: foreign }).client.recallOfficialAccountMessages(recallOne)),
    ).toMatchObject({ kind: 'api', code: 'tencent_api', errorCode: 70009, transient: false });
    expect(
      await failureOf(
        client({ sdkAppId: 1400000002 }).client.recallOfficialAccountMessages(recallOne),
      ),
    ).toMatchObject({ kind: 'api', code: 'tencent_api', errorCode: 60006 });
  });

  it('turns HTTP 502 into a transient http error', async () => {
    fake.setFault({ kind: '502', times: 1 });
    const error = await failureOf(client().client.recallOfficialAccountMessages(recallOne));
    expect(error).toMatchObject({ kind: 'http', status: 502, transient: true });
    expect(fake.calls[0]?.answer).toBe('502');
  });

  it('turns a reset connection into a transient network error', async () => {
    fake.setFault({ kind: 'reset', times: 1 });
    const error = await failureOf(client().client.recallOfficialAccountMessages(recallOne));
    expect(error).toMatchObject({ kind: 'network', transient: true });
  });

  it('refuses a malformed answer, to be asked again (Tencent may have done what was asked)', async () => {
    fake.setFault({ kind: 'malformed', times: 1 });
    const error = await failureOf(client().client.recallOfficialAccountMessages(recallOne));
    expect(error).toMatchObject({ kind: 'bad_answer', status: 200, transient: true });
    expect(error.message).toMatch(/ActionStatus/);
  });

  it('gives up on a server that never answers', async () => {
    fake.setFault({ kind: 'hang', times: 1 });
    const error = await failureOf(
      client({ timeoutMs: 200 }).client.recallOfficialAccountMessages(recallOne),
    );
    expect(error).toMatchObject({ kind: 'timeout', transient: true });
  });

  it('uses a fresh random uint32 for every request', async () => {
    const { client: c } = client();
    for (let i = 0; i < 20; i++) await c.recallOfficialAccountMessages(recallOne);
    const randoms = fake.calls.map((call) => call.random ?? '');
    expect(new Set(randoms).size).toBe(20);
    for (const random of randoms) {
      expect(random).toMatch(/^\d{1,10}$/);
      expect(Number(random)).toBeLessThanOrEqual(0xffffffff);
    }
  });

  it('never puts the UserSig in an error or a log line', async () => {
    const { client: c, userSig } = client({ origin: 'http://127.0.0.1:9' });
    const secret = userSig.get();
    const unreachable = await failureOf(c.recallOfficialAccountMessages(recallOne));
    expect(unreachable).toMatchObject({ kind: 'network', transient: true });

    // A failure whose message carries the full URL, as ky's own TimeoutError would.
    const timeoutFetch: typeof fetch = (input) =>
      Promise.reject(
        new Error(
          `Request timed out: POST ${input instanceof Request ? input.url : String(input)}`,
        ),
      );
    const leaky = await failureOf(
      client({ fetch: timeoutFetch }).client.recallOfficialAccountMessages(recallOne),
    );
    expect(leaky.message).toContain(RECALL_PATH);
    expect(leaky.message).toContain('usersig=[redacted]');

    fake.setFault({ kind: '502', times: 1 });
    const http = await failureOf(client().client.recallOfficialAccountMessages(recallOne));
    await client().client.recallOfficialAccountMessages(recallOne);
    for (const text of [unreachable.message, leaky.message, http.message, ...logLines]) {
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/usersig=(?!\[redacted\])/i);
    }
    expect(logLines.some((line) => line.includes('tencent recall answered'))).toBe(true);
  });
});
