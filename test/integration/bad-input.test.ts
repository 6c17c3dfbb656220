import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSign } from '../../src/tencent/webhook/verify.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { CALLBACK_TOKEN, SDKAPPID, startTestApp, testEnv } from '../helpers/app.js';
import { commandBody, postSlack, signSlack } from '../helpers/slack-requests.js';
import { samples } from '../helpers/tencent-samples.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface BadCase {
  name: string;
  status: number;
  /** Body to send (object → JSON). */
  body?: unknown;
  raw?: Buffer | string;
  /** Replaces the whole query string. */
  query?: string;
  /** Appended to a valid, signed query. */
  extraQuery?: string;
  command?: string;
  contentType?: string;
  reason?: RegExp;
}

function signedQuery(command: string, extra = ''): string {
  const time = String(Math.floor(Date.now() / 1000));
  return `SdkAppid=${SDKAPPID}&CallbackCommand=${encodeURIComponent(command)}&contenttype=json&ClientIP=1.2.3.4&OptPlatform=Android&RequestTime=${time}&Sign=${computeSign(CALLBACK_TOKEN, time)}${extra}`;
}

const C2C = 'C2C.CallbackAfterMsgWithDraw';
const GROUP = 'Group.CallbackAfterRecallMsg';

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const now = () => Math.floor(Date.now() / 1000);

const cases: BadCase[] = [
  // Who is calling
  { name: 'no query at all', status: 403, body: samples.c2c, query: '' },
  {
    name: 'another SdkAppid',
    status: 403,
    body: samples.c2c,
    query: signedQuery(C2C).replace(`SdkAppid=${SDKAPPID}`, 'SdkAppid=1400000002'),
  },
  {
    name: 'SdkAppid with a leading zero',
    status: 403,
    body: samples.c2c,
    query: signedQuery(C2C).replace(`SdkAppid=${SDKAPPID}`, `SdkAppid=0${SDKAPPID}`),
  },
  {
    name: 'SdkAppid repeated',
    status: 403,
    body: samples.c2c,
    extraQuery: `&SdkAppid=${SDKAPPID}`,
  },
  {
    name: 'SdkAppid empty',
    status: 403,
    body: samples.c2c,
    query: signedQuery(C2C).replace(`SdkAppid=${SDKAPPID}`, 'SdkAppid='),
  },
  {
    name: 'lower-case sdkappid only',
    status: 403,
    body: samples.c2c,
    query: signedQuery(C2C).replace('SdkAppid=', 'sdkappid='),
  },
  {
    name: 'no Sign',
    status: 401,
    body: samples.c2c,
    query: signedQuery(C2C).replace(/&Sign=[0-9a-f]+/, ''),
  },
  {
    name: 'no RequestTime',
    status: 401,
    body: samples.c2c,
    query: signedQuery(C2C).replace(/&RequestTime=\d+/, ''),
  },
  {
    name: 'Sign of another token',
    status: 401,
    body: samples.c2c,
    query: signedQuery(C2C).replace(
      /Sign=[0-9a-f]+/,
      `Sign=${computeSign('other', String(now()))}`,
    ),
  },
  {
    name: 'RequestTime two minutes old',
    status: 401,
    body: samples.c2c,
    query: `SdkAppid=${SDKAPPID}&CallbackCommand=${C2C}&RequestTime=${now() - 120}&Sign=${computeSign(CALLBACK_TOKEN, String(now() - 120))}`,
  },
  {
    name: 'RequestTime in the future',
    status: 401,
    body: samples.c2c,
    query: `SdkAppid=${SDKAPPID}&CallbackCommand=${C2C}&RequestTime=${now() + 120}&Sign=${computeSign(CALLBACK_TOKEN, String(now() + 120))}`,
  },
  {
    name: 'RequestTime in milliseconds',
    status: 401,
    body: samples.c2c,
    query: `SdkAppid=${SDKAPPID}&CallbackCommand=${C2C}&RequestTime=${Date.now()}&Sign=${computeSign(CALLBACK_TOKEN, String(Date.now()))}`,
  },
  { name: 'Sign repeated', status: 400, body: samples.c2c, extraQuery: '&Sign=abc' },
  {
    name: 'CallbackCommand repeated',
    status: 400,
    body: samples.c2c,
    extraQuery: `&CallbackCommand=${GROUP}`,
  },
  // The body itself
  { name: 'empty body', status: 400, raw: '' },
  { name: 'not JSON', status: 400, raw: 'hello' },
  { name: 'truncated JSON', status: 400, raw: '{"CallbackCommand":"C2C.CallbackAfterMsgWithDraw"' },
  { name: 'JSON array', status: 400, raw: '[]' },
  { name: 'JSON string', status: 400, raw: '"x"' },
  { name: 'JSON null', status: 400, raw: 'null' },
  { name: 'JSON number', status: 400, raw: '42' },
  {
    name: 'invalid UTF-8',
    status: 400,
    raw: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
  },
  {
    name: 'a lone surrogate escape in a field',
    status: 200,
    raw: '{"CallbackCommand":"C2C.CallbackAfterMsgWithDraw","From_Account":"\\ud800","To_Account":"b","MsgKey":"lone-surrogate"}',
    command: C2C,
  },
  { name: 'UTF-16 body', status: 400, raw: Buffer.from(JSON.stringify(samples.c2c), 'utf16le') },
  {
    name: 'form content type',
    status: 400,
    body: samples.c2c,
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    name: 'multipart content type',
    status: 400,
    body: samples.c2c,
    contentType: 'multipart/form-data; boundary=x',
  },
  {
    name: 'body over 1 MiB from another SdkAppid',
    status: 403,
    raw: `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`,
    query: `SdkAppid=1400000002&CallbackCommand=${C2C}`,
  },
  { name: 'body over 1 MiB', status: 413, raw: `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}` },
  { name: 'deeply nested JSON', status: 400, raw: nested(5000), command: C2C },
  {
    name: 'command in body differs from query',
    status: 400,
    body: { ...samples.group, CallbackCommand: C2C },
    command: GROUP,
  },
  // C2C schema
  {
    name: 'C2C without MsgKey',
    status: 400,
    body: { ...samples.c2c, MsgKey: undefined },
    reason: /MsgKey/,
  },
  {
    name: 'C2C without From_Account',
    status: 400,
    body: { ...samples.c2c, From_Account: undefined },
    reason: /From_Account/,
  },
  {
    name: 'C2C From_Account a number',
    status: 400,
    body: { ...samples.c2c, From_Account: 42 },
    reason: /From_Account/,
  },
  {
    name: 'C2C To_Account an object',
    status: 400,
    body: { ...samples.c2c, To_Account: { a: 1 } },
    reason: /To_Account/,
  },
  { name: 'C2C MsgKey empty', status: 400, body: { ...samples.c2c, MsgKey: '' }, reason: /MsgKey/ },
  {
    name: 'C2C MsgKey 10 kB',
    status: 400,
    body: { ...samples.c2c, MsgKey: 'k'.repeat(10_000) },
    reason: /MsgKey/,
  },
  {
    name: 'C2C UnreadMsgNum negative',
    status: 400,
    body: { ...samples.c2c, UnreadMsgNum: -3 },
    reason: /UnreadMsgNum/,
  },
  {
    name: 'C2C UnreadMsgNum fractional',
    status: 400,
    body: { ...samples.c2c, UnreadMsgNum: 1.5 },
    reason: /UnreadMsgNum/,
  },
  {
    name: 'C2C EventTime a date string',
    status: 400,
    body: { ...samples.c2c, EventTime: '2024-01-01' },
    reason: /EventTime/,
  },
  {
    name: 'C2C EventTime a boolean',
    status: 400,
    body: { ...samples.c2c, EventTime: true },
    reason: /EventTime/,
  },
  {
    name: 'C2C EventTime 1e300',
    status: 400,
    body: { ...samples.c2c, EventTime: 1e300 },
    reason: /EventTime/,
  },
  // Group schema
  {
    name: 'group without GroupId',
    status: 400,
    body: { ...samples.group, GroupId: undefined },
    reason: /GroupId/,
  },
  {
    name: 'group MsgSeqList missing',
    status: 400,
    body: { ...samples.group, MsgSeqList: undefined },
    reason: /MsgSeqList/,
  },
  {
    name: 'group MsgSeqList empty',
    status: 400,
    body: { ...samples.group, MsgSeqList: [] },
    reason: /MsgSeqList/,
  },
  {
    name: 'group MsgSeqList an object',
    status: 400,
    body: { ...samples.group, MsgSeqList: { MsgSeq: 1 } },
    reason: /MsgSeqList/,
  },
  {
    name: 'group MsgSeq a word',
    status: 400,
    body: { ...samples.group, MsgSeqList: [{ MsgSeq: 'seven' }] },
    reason: /MsgSeqList\[0\]\.MsgSeq/,
  },
  {
    name: 'group MsgSeq negative',
    status: 400,
    body: { ...samples.group, MsgSeqList: [{ MsgSeq: -1 }] },
    reason: /MsgSeq/,
  },
  {
    name: 'group MsgSeq null',
    status: 400,
    body: { ...samples.group, MsgSeqList: [null] },
    reason: /MsgSeqList\[0\]/,
  },
  {
    name: 'group 2,000 MsgSeqs',
    status: 400,
    body: {
      ...samples.group,
      MsgSeqList: Array.from({ length: 2_000 }, (_, i) => ({ MsgSeq: i })),
    },
    reason: /MsgSeqList/,
  },
  {
    name: 'group TopicId a number',
    status: 400,
    body: { ...samples.group, TopicId: 5 },
    reason: /TopicId/,
  },
  {
    name: 'group Type missing',
    status: 400,
    body: { ...samples.group, Type: undefined },
    reason: /Type/,
  },
  // Official Account schema
  {
    name: 'OA withdraw without account',
    status: 400,
    body: { ...samples.official, Official_Account: undefined },
    reason: /Official_Account/,
  },
  {
    name: 'OA withdraw list of strings',
    status: 400,
    body: { ...samples.official, WithdrawMsgList: ['71_1_1698741698'] },
    reason: /WithdrawMsgList\[0\]/,
  },
  {
    name: 'OA withdraw 5,000 keys',
    status: 400,
    body: {
      ...samples.official,
      WithdrawMsgList: Array.from({ length: 5000 }, (_, i) => ({ MsgKey: `${i}_1_1` })),
    },
    reason: /WithdrawMsgList/,
  },
  {
    name: 'OA send without MsgKey',
    status: 400,
    body: { ...samples.officialSend, MsgKey: undefined },
    reason: /MsgKey/,
  },
  {
    name: 'OA send MsgBody a string',
    status: 400,
    body: { ...samples.officialSend, MsgBody: 'hello' },
    reason: /MsgBody/,
  },
  {
    name: 'OA send 1,000 MsgBody elements',
    status: 400,
    body: {
      ...samples.officialSend,
      MsgBody: Array.from({ length: 1000 }, () => ({
        MsgType: 'TIMTextElem',
        MsgContent: { Text: 'x' },
      })),
    },
    reason: /MsgBody/,
  },
  // Odd but harmless: answered OK, and stored only when valid
  {
    name: 'unknown command',
    status: 200,
    body: { CallbackCommand: 'Group.CallbackBeforeSendMsg' },
    command: 'Group.CallbackBeforeSendMsg',
  },
  {
    name: 'unknown command with garbage fields',
    status: 200,
    body: { CallbackCommand: 'X.Y', a: [[[[]]]] },
    command: 'X.Y',
  },
];

function send(url: string, c: BadCase): Promise<{ status: number; body: string }> {
  const command =
    c.command ??
    String((c.body as { CallbackCommand?: string } | undefined)?.CallbackCommand ?? C2C);
  const query = c.query ?? signedQuery(command, c.extraQuery);
  const payload = c.raw !== undefined ? Buffer.from(c.raw) : Buffer.from(JSON.stringify(c.body));
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/tencent/webhook${query ? `?${query}` : ''}`,
      {
        method: 'POST',
        headers: {
          'content-type': c.contentType ?? 'application/json',
          'content-length': payload.length,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Events the app committed to its store, as its own counter tells. */
async function acceptedCount(app: TestApp): Promise<number> {
  const { values } = await app.metrics.webhooks.get();
  return values.filter((v) => v.labels.outcome === 'accepted').reduce((n, v) => n + v.value, 0);
}

describe('bad input', () => {
  let slack: FakeSlack;
  let app: TestApp;
  beforeAll(async () => {
    slack = await startFakeSlack();
    app = await startTestApp(testEnv(slack.apiUrl));
  });
  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  it('has a table of at least 50 malformed webhooks', () => {
    expect(cases.filter((c) => c.status !== 200).length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('$name → $status, nothing stored or posted', async (c) => {
    const before = await acceptedCount(app);
    const res = await send(app.url, c);
    expect(res.status).toBe(c.status);
    const json = JSON.parse(res.body) as {
      ActionStatus: string;
      ErrorCode: number;
      ErrorInfo: string;
    };
    if (c.status === 200) {
      expect(json).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    } else {
      expect(json.ActionStatus).toBe('FAIL');
      expect(json.ErrorCode).toBe(1);
      expect(json.ErrorInfo.length).toBeGreaterThan(0);
      if (c.reason) expect(json.ErrorInfo).toMatch(c.reason);
      expect(await acceptedCount(app)).toBe(before);
    }
  });

  it('stayed up and posted nothing but the one valid odd event', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const posted = slack.messages.map((m) => JSON.stringify(m)).join('\n');
    expect(slack.messages.length).toBeLessThanOrEqual(1);
    expect(posted).not.toMatch(/seven|1400000002/);
  });

  it('refuses Slack requests with a bad or stale signature and does nothing', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const callsBefore = slack.calls.length;
    const body = commandBody({
      text: '@TOA#_X 1_1_1',
      userId: 'UADMIN',
      responseUrl: slack.responseUrl(),
    });
    const bad = await postSlack(app.url, body, { signature: 'v0=deadbeef' });
    expect(bad.status).toBe(401);
    const otherSecret = await postSlack(app.url, body, { secret: 'not-the-secret' });
    expect(otherSecret.status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    const old = await postSlack(app.url, body, {
      timestamp: stale,
      signature: signSlack(body, stale),
    });
    expect(old.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.slice(callsBefore)).toHaveLength(0);
    expect(slack.responses).toHaveLength(0);
  });
});
