import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/kinds/fields.js';
import { computeSign } from '../../src/tencent/webhook/verify.js';
import { CALLBACK_TOKEN, SDKAPPID } from '../helpers/app.js';
import { useApp, useFakes } from '../helpers/fixture.js';
import { samples } from '../helpers/tencent-samples.js';

/** One hostile webhook call and its documented answer. */
interface Case {
  name: string;
  status: 400 | 401 | 403 | 405 | 413;
  /** The query string; a valid signed one when absent. */
  query?: string;
  body: string | Buffer;
  method?: string;
  contentType?: string;
}

const now = () => Math.floor(Date.now() / 1000);

function signedQuery(command: string, time = String(now()), sign?: string): string {
  return `SdkAppid=${SDKAPPID}&CallbackCommand=${encodeURIComponent(command)}&contenttype=json&RequestTime=${time}&Sign=${sign ?? computeSign(CALLBACK_TOKEN, time)}`;
}

const SEND = 'OfficialAccount.CallbackAfterSendMsg';
const bodies: Record<string, Record<string, unknown>> = {
  'C2C.CallbackAfterMsgWithDraw': samples.c2c,
  'Group.CallbackAfterRecallMsg': samples.group,
  'OfficialAccount.CallbackAfterMsgWithDraw': samples.official,
  [SEND]: samples.officialSend,
};

/** Values no string identifier may take. */
const NOT_AN_ID: [string, unknown][] = [
  ['null', null],
  ['a number', 12345],
  ['true', true],
  ['an array', ['x']],
  ['an object', { id: 'x' }],
  ['empty', ''],
  ['blank', '   '],
  ['too long', 'x'.repeat(LIMITS.id + 1)],
];
/** Values no count or timestamp may take. */
const NOT_A_NUMBER: [string, unknown][] = [
  ['a word', 'abc'],
  ['negative', -1],
  ['a fraction', 1.5],
  ['exponent text', '1e3'],
  ['an object', {}],
  ['an array', [1]],
  ['true', true],
  ['too large', 2 ** 53],
];

const REQUIRED_IDS: Record<string, string[]> = {
  'C2C.CallbackAfterMsgWithDraw': ['From_Account', 'To_Account', 'MsgKey'],
  'Group.CallbackAfterRecallMsg': ['Operator_Account', 'Type', 'GroupId'],
  'OfficialAccount.CallbackAfterMsgWithDraw': ['Official_Account'],
  [SEND]: ['Official_Account', 'MsgKey'],
};
const NUMBERS: Record<string, string[]> = {
  'C2C.CallbackAfterMsgWithDraw': ['UnreadMsgNum', 'EventTime'],
  'Group.CallbackAfterRecallMsg': ['EventTime'],
  'OfficialAccount.CallbackAfterMsgWithDraw': ['EventTime'],
  [SEND]: ['MsgTime', 'MsgSeq', 'OnlineOnlyFlag', 'EventTime'],
};

function schemaCases(): Case[] {
  const out: Case[] = [];
  for (const [command, sample] of Object.entries(bodies)) {
    const with_ = (field: string, value: unknown) => JSON.stringify({ ...sample, [field]: value });
    for (const field of REQUIRED_IDS[command] ?? []) {
      const { [field]: _gone, ...rest } = sample;
      out.push({ name: `${command}: ${field} missing`, status: 400, body: JSON.stringify(rest) });
      for (const [what, value] of NOT_AN_ID) {
        out.push({ name: `${command}: ${field} ${what}`, status: 400, body: with_(field, value) });
      }
    }
    for (const field of NUMBERS[command] ?? []) {
      for (const [what, value] of NOT_A_NUMBER) {
        out.push({ name: `${command}: ${field} ${what}`, status: 400, body: with_(field, value) });
      }
    }
  }
  const lists: [string, string, unknown][] = [
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', []],
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', null],
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', { MsgSeq: 1 }],
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', [{}]],
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', [{ MsgSeq: 'x' }]],
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', [{ MsgSeq: -5 }]],
    ['Group.CallbackAfterRecallMsg', 'MsgSeqList', Array(LIMITS.listItems + 1).fill({ MsgSeq: 1 })],
    ['OfficialAccount.CallbackAfterMsgWithDraw', 'WithdrawMsgList', []],
    ['OfficialAccount.CallbackAfterMsgWithDraw', 'WithdrawMsgList', 'x'],
    ['OfficialAccount.CallbackAfterMsgWithDraw', 'WithdrawMsgList', [{}]],
    ['OfficialAccount.CallbackAfterMsgWithDraw', 'WithdrawMsgList', [{ MsgKey: 7 }]],
    ['OfficialAccount.CallbackAfterMsgWithDraw', 'WithdrawMsgList', [{ MsgKey: '' }]],
    [
      'OfficialAccount.CallbackAfterMsgWithDraw',
      'WithdrawMsgList',
      Array(LIMITS.listItems + 1).fill({ MsgKey: '1_1_1' }),
    ],
    [SEND, 'MsgBody', 'text'],
    [SEND, 'MsgBody', { MsgType: 'TIMTextElem' }],
    [SEND, 'MsgBody', [{ MsgType: 7 }]],
    [SEND, 'MsgBody', [{ MsgType: 'x'.repeat(65) }]],
    [SEND, 'MsgBody', [{ MsgType: 'TIMTextElem', MsgContent: 'x' }]],
    [SEND, 'MsgBody', [{ MsgType: 'TIMTextElem', MsgContent: [1] }]],
    [SEND, 'MsgBody', Array(LIMITS.msgBodyElements + 1).fill({ MsgType: 'TIMTextElem' })],
    [SEND, 'CloudCustomData', 'x'.repeat(LIMITS.text + 1)],
    [
      SEND,
      'MsgBody',
      [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(LIMITS.msgBody) } }],
    ],
    [SEND, 'CloudCustomData', { a: 1 }],
  ];
  for (const [command, field, value] of lists) {
    const body = JSON.stringify({ ...bodies[command], [field]: value });
    out.push({
      name: `${command}: ${field} = ${body.length > 80 ? 'too many' : JSON.stringify(value)}`,
      status: 400,
      body,
    });
  }
  return out;
}

function callerCases(): Case[] {
  const body = JSON.stringify(samples.c2c);
  const c2c = 'C2C.CallbackAfterMsgWithDraw';
  const time = String(now());
  const sign = computeSign(CALLBACK_TOKEN, time);
  const apps = [
    '',
    '0',
    `0${SDKAPPID}`,
    ` ${SDKAPPID}`,
    `${SDKAPPID} `,
    '1400000002',
    '-1400000001',
    `${SDKAPPID}.0`,
    '1e9',
    '٫١٤٠٠٠٠٠٠٠١',
    'x',
    `${SDKAPPID}%00`,
    '9'.repeat(40),
  ];
  const out: Case[] = apps.map((app) => ({
    name: `SdkAppid ${JSON.stringify(app)}`,
    status: 403,
    query: signedQuery(c2c).replace(`SdkAppid=${SDKAPPID}`, `SdkAppid=${app}`),
    body,
  }));
  out.push({
    name: 'no SdkAppid',
    status: 403,
    query: signedQuery(c2c).replace(`SdkAppid=${SDKAPPID}&`, ''),
    body,
  });
  out.push({
    name: 'SdkAppid twice',
    status: 403,
    query: `${signedQuery(c2c)}&SdkAppid=${SDKAPPID}`,
    body,
  });
  const signs: [string, string, string][] = [
    ['an empty Sign', time, ''],
    ['an uppercase Sign', time, sign.toUpperCase()],
    ['a Sign one character short', time, sign.slice(1)],
    ['a Sign one character long', time, `${sign}0`],
    ['a Sign of another token', time, computeSign('another', time)],
    ['a Sign of another time', time, computeSign(CALLBACK_TOKEN, String(Number(time) - 1))],
    ['a Sign in base64', time, Buffer.from(sign, 'hex').toString('base64')],
    [
      'RequestTime two minutes old',
      String(Number(time) - 120),
      computeSign(CALLBACK_TOKEN, String(Number(time) - 120)),
    ],
    [
      'RequestTime two minutes ahead',
      String(Number(time) + 120),
      computeSign(CALLBACK_TOKEN, String(Number(time) + 120)),
    ],
    [
      'RequestTime a day ahead',
      String(Number(time) + 86400),
      computeSign(CALLBACK_TOKEN, String(Number(time) + 86400)),
    ],
    ['RequestTime in ms', String(Date.now()), computeSign(CALLBACK_TOKEN, String(Date.now()))],
    ['RequestTime negative', '-1', computeSign(CALLBACK_TOKEN, '-1')],
    ['RequestTime a word', 'now', computeSign(CALLBACK_TOKEN, 'now')],
    ['RequestTime with a fraction', `${time}.5`, computeSign(CALLBACK_TOKEN, `${time}.5`)],
    ['RequestTime 0', '0', computeSign(CALLBACK_TOKEN, '0')],
  ];
  for (const [name, t, s] of signs) {
    out.push({ name, status: 401, query: signedQuery(c2c, t, s), body });
  }
  out.push({
    name: 'no Sign',
    status: 401,
    query: signedQuery(c2c).replace(/&Sign=[0-9a-f]+/, ''),
    body,
  });
  out.push({
    name: 'no RequestTime',
    status: 401,
    query: signedQuery(c2c).replace(/&RequestTime=\d+/, ''),
    body,
  });
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    out.push({
      name: `${method} instead of POST`,
      status: 405,
      body: method === 'GET' ? '' : body,
      method,
    });
  }
  return out;
}

function bodyCases(): Case[] {
  const c2c = JSON.stringify(samples.c2c);
  const raw: [string, string | Buffer, (400 | 413)?, string?][] = [
    ['empty', ''],
    ['whitespace', '   \n'],
    ['not JSON', 'hello'],
    ['truncated', c2c.slice(0, -1)],
    ['trailing garbage', `${c2c}x`],
    ['two objects', `${c2c}${c2c}`],
    ['an array', '[]'],
    ['an array of the event', `[${c2c}]`],
    ['null', 'null'],
    ['a number', '7'],
    ['a string', '"event"'],
    ['true', 'true'],
    ['single quotes', c2c.replaceAll('"', "'")],
    ['a comment', `/* x */${c2c}`],
    ['NaN', '{"CallbackCommand":"C2C.CallbackAfterMsgWithDraw","UnreadMsgNum":NaN}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])],
    ['UTF-16', Buffer.from(c2c, 'utf16le')],
    ['nested 33 deep', `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`],
    [
      'arrays nested 40 deep in a field',
      c2c.replace('"jared"', `${'['.repeat(40)}"x"${']'.repeat(40)}`),
    ],
    ['arrays nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    [
      'one byte over 1 MiB',
      `{"CallbackCommand":"C2C.CallbackAfterMsgWithDraw","x":"${'a'.repeat(1024 * 1024)}"}`,
      413,
    ],
    [
      'form-encoded',
      `payload=${encodeURIComponent(c2c)}`,
      400,
      'application/x-www-form-urlencoded',
    ],
    ['multipart', c2c, 400, 'multipart/form-data; boundary=x'],
    [
      'CallbackCommand in the body differs from the query',
      JSON.stringify({ ...samples.c2c, CallbackCommand: 'Group.CallbackAfterRecallMsg' }),
    ],
    ['CallbackCommand a number', JSON.stringify({ ...samples.c2c, CallbackCommand: 7 })],
  ];
  return raw.map(([name, body, status, contentType]) => ({
    name: `body: ${name}`,
    status: status ?? 400,
    body,
    ...(contentType ? { contentType } : {}),
    query: signedQuery('C2C.CallbackAfterMsgWithDraw'),
  }));
}

const WEBHOOK_CASES: Case[] = [...callerCases(), ...bodyCases(), ...schemaCases()];

async function send(
  url: string,
  c: Case,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const command = (() => {
    try {
      return String(
        (JSON.parse(String(c.body)) as { CallbackCommand?: unknown }).CallbackCommand ?? '',
      );
    } catch {
      return 'C2C.CallbackAfterMsgWithDraw';
    }
  })();
  const query = c.query ?? signedQuery(command);
  const res = await fetch(`${url}/tencent/webhook?${query}`, {
    method: c.method ?? 'POST',
    headers: { 'content-type': c.contentType ?? 'application/json' },
    ...(c.method === 'GET' ? {} : { body: c.body }),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

describe('hostile webhooks: every one gets its documented answer and changes nothing', () => {
  const fakes = useFakes();
  const running = useApp(fakes);

  it('has a table of at least 200 hostile webhooks', () => {
    expect(WEBHOOK_CASES.length).toBeGreaterThanOrEqual(200);
  });

  it.each(WEBHOOK_CASES)('$name → $status', async (c) => {
    const res = await send(running.app.url, c);
    expect(res.status).toBe(c.status);
    expect(res.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 1 });
    expect(String(res.json.ErrorInfo).length).toBeGreaterThan(0);
  });

  it('stored, posted and sent nothing, and is up', async () => {
    expect(await running.app.store.queue.pendingCount()).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.slack.messages).toHaveLength(0);
    expect(fakes.tencent.calls).toHaveLength(0);
    expect((await fetch(`${running.app.url}/healthz`)).status).toBe(200);
  });
});
