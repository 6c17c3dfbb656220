import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RECALL_PATH } from '../../src/tencent/rest/client.js';
import { meaningOf } from '../../src/tencent/rest/error-codes.js';
import { verifyUserSig } from '../../src/tencent/rest/usersig.js';

/**
 * A fake Tencent Chat REST server for `official_account_msg_recall`, speaking the wire protocol:
 * HTTP 200 with `ActionStatus`/`ErrorCode`/`ErrorInfo` for every answer (only an injected fault
 * answers otherwise), a real UserSig check, and a sliding one-second rate limit (60007).
 *
 * Codes where Tencent's documentation is silent, chosen as the most plausible:
 * - a key already recalled answers 10030 (the message no longer exists to be recalled);
 * - a method other than POST 60002, another path 60009, a bad `random`/`contenttype` 60009;
 * - `identifier` missing 60004, not the admin 60010;
 * - UserSig empty 70002, malformed 70003, bad HMAC 70009, other UserID 70013, other
 *   SDKAppID 70014, expired 70001.
 */

export type FakeFaultKind =
  /** HTTP 502 with an HTML body, as a gateway answers. */
  | '502'
  /** The socket is destroyed after the request is read. */
  | 'reset'
  /** HTTP 200 top-level FAIL with `code`. */
  | 'code'
  /** HTTP 200 with a body that is not a valid answer. */
  | 'malformed'
  /** No answer at all, until `close()`. */
  | 'hang'
  /** The recall is carried out, and answered OK without `RecallRetList`. */
  | 'ok-without-list'
  /** The recall is carried out, and answered HTTP 200 with a body that is not JSON. */
  | 'not-json'
  /** The recall is carried out, and answered with the codes as strings (`"0"`). */
  | 'string-codes';

export interface FakeFault {
  kind: FakeFaultKind;
  code?: number;
  /** How many of the next requests get the fault. */
  times: number;
}

export interface FakeCall {
  /** When the request had fully arrived, ms since the epoch. */
  at: number;
  account: string | undefined;
  msgKeys: string[];
  reason: string | undefined;
  random: string | undefined;
  usersig: string | undefined;
  /** `ok`: top-level OK (per-key RetCodes in `results`); `fail`: top-level FAIL `errorCode`. */
  answer: 'ok' | 'fail' | FakeFaultKind;
  errorCode?: number;
  results?: RecallRet[];
}

interface RecallRet {
  MsgKey: string;
  RetCode: number;
}

interface Answer {
  ActionStatus: 'OK' | 'FAIL';
  ErrorCode: number;
  ErrorInfo: string;
  RecallRetList?: RecallRet[];
}

export interface FakeTencentOptions {
  sdkAppId: number;
  key: string;
  /** The App admin account. */
  identifier: string;
  ratePerSecond?: number;
  /** Existing MsgKeys per Official Account; accounts not named here do not exist (10010). */
  messages?: Record<string, string[]>;
}

export interface FakeTencent {
  url: string;
  calls: FakeCall[];
  setFault(fault: FakeFault | undefined): void;
  addMessages(account: string, keys: readonly string[]): void;
  isRecalled(account: string, key: string): boolean;
  /** The most requests that arrived in any one-second window. */
  maxInAnySecond(): number;
  /** Forgets calls, messages and faults. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const UINT32 = /^\d{1,10}$/;

const ok = (results: RecallRet[]): Answer => ({
  ActionStatus: 'OK',
  ErrorCode: 0,
  ErrorInfo: '',
  RecallRetList: results,
});

const fail = (code: number, info = meaningOf(code)): Answer => ({
  ActionStatus: 'FAIL',
  ErrorCode: code,
  ErrorInfo: info,
});

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) parts.push(buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

export async function startFakeTencent(options: FakeTencentOptions): Promise<FakeTencent> {
  const ratePerSecond = options.ratePerSecond ?? 200;
  /** account → MsgKey → recalled? */
  const accounts = new Map<string, Map<string, boolean>>();
  const calls: FakeCall[] = [];
  let fault: FakeFault | undefined;

  const addMessages = (account: string, keys: readonly string[]) => {
    const messages = accounts.get(account) ?? new Map<string, boolean>();
    for (const key of keys) if (!messages.has(key)) messages.set(key, false);
    accounts.set(account, messages);
  };
  for (const [account, keys] of Object.entries(options.messages ?? {})) addMessages(account, keys);

  const takeFault = (): FakeFault | undefined => {
    if (!fault || fault.times <= 0) return undefined;
    const taken = fault;
    fault = fault.times > 1 ? { ...fault, times: fault.times - 1 } : undefined;
    return taken;
  };

  /** Requests in the second up to `now`, this one included. */
  const arrivedInLastSecond = (now: number) => {
    let count = 0;
    for (let i = calls.length - 1; i >= 0 && (calls[i]?.at ?? 0) > now - 1000; i--) count++;
    return count;
  };

  /** Everything Tencent checks before it looks at the keys; undefined when all is well. */
  function refusal(req: IncomingMessage, url: URL, body: unknown, now: number): Answer | undefined {
    if (req.method !== 'POST') return fail(60002, 'only POST is supported');
    if (url.pathname !== RECALL_PATH) return fail(60009, `unknown API ${url.pathname}`);
    const q = url.searchParams;
    if (arrivedInLastSecond(now) > ratePerSecond) return fail(60007);
    const sdkAppId = q.get('sdkappid');
    if (!sdkAppId) return fail(60012);
    if (sdkAppId !== String(options.sdkAppId)) return fail(60006);
    const identifier = q.get('identifier');
    if (!identifier) return fail(60004, 'identifier is missing');
    if (identifier !== options.identifier) return fail(60010);
    const usersig = q.get('usersig');
    if (!usersig) return fail(70002);
    const check = verifyUserSig(usersig, {
      sdkAppId: options.sdkAppId,
      key: options.key,
      identifier,
      now,
    });
    if (!check.ok) {
      const code = { malformed: 70003, sdkappid: 70014, identifier: 70013, expired: 70001 };
      return fail(check.problem === 'signature' ? 70009 : code[check.problem]);
    }
    const random = q.get('random') ?? '';
    if (!UINT32.test(random) || Number(random) > 0xffffffff) {
      return fail(60009, 'random must be an unsigned 32-bit integer');
    }
    if (q.get('contenttype') !== 'json') return fail(60009, 'contenttype must be json');
    if (body === undefined || typeof body !== 'object' || body === null) return fail(60003);
    const { Official_Account, MsgKeyList, Reason } = body as Record<string, unknown>;
    if (typeof Official_Account !== 'string' || Official_Account === '') {
      return fail(10004, 'Official_Account is required');
    }
    if (
      !Array.isArray(MsgKeyList) ||
      MsgKeyList.length < 1 ||
      MsgKeyList.length > 10 ||
      !MsgKeyList.every((k) => typeof k === 'string')
    ) {
      return fail(10004, 'MsgKeyList must hold 1 to 10 MsgKeys');
    }
    if (
      Reason !== undefined &&
      (typeof Reason !== 'string' || Buffer.byteLength(Reason, 'utf8') > 100)
    ) {
      return fail(10004, 'Reason must be at most 100 bytes');
    }
    if (!accounts.has(Official_Account)) return fail(10010);
    return undefined;
  }

  function recall(account: string, msgKeys: string[]): RecallRet[] {
    const messages = accounts.get(account);
    return msgKeys.map((key) => {
      if (messages?.get(key) !== false) return { MsgKey: key, RetCode: 10030 };
      messages.set(key, true);
      return { MsgKey: key, RetCode: 0 };
    });
  }

  function reply(res: ServerResponse, call: FakeCall, answer: Answer) {
    call.answer = answer.ActionStatus === 'OK' ? 'ok' : 'fail';
    call.errorCode = answer.ErrorCode;
    if (answer.RecallRetList) call.results = answer.RecallRetList;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    // Taken once the request is complete, so `calls` stays in order of `at`.
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const body = parseJson(text);
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const call: FakeCall = {
      at,
      account: stringOrUndefined(fields.Official_Account),
      msgKeys: Array.isArray(fields.MsgKeyList) ? fields.MsgKeyList.map(String) : [],
      reason: stringOrUndefined(fields.Reason),
      random: url.searchParams.get('random') ?? undefined,
      usersig: url.searchParams.get('usersig') ?? undefined,
      answer: 'fail',
    };
    calls.push(call);

    const injected = takeFault();
    if (injected && ['ok-without-list', 'not-json', 'string-codes'].includes(injected.kind)) {
      const refused = refusal(req, url, body, at);
      if (refused) return reply(res, call, refused);
      const results = recall(call.account ?? '', call.msgKeys);
      call.answer = injected.kind;
      call.results = results;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (injected.kind === 'not-json') {
        res.end('<html><body>upstream answered</body></html>');
      } else if (injected.kind === 'ok-without-list') {
        res.end(JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 }));
      } else {
        res.end(
          JSON.stringify({
            ActionStatus: 'OK',
            ErrorInfo: '',
            ErrorCode: '0',
            RecallRetList: results.map((r) => ({ MsgKey: r.MsgKey, RetCode: String(r.RetCode) })),
          }),
        );
      }
      return;
    }
    if (injected && injected.kind !== 'code') {
      call.answer = injected.kind;
      if (injected.kind === '502') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      } else if (injected.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ActionStatus":"MAYBE","RecallRetList":"no"}');
      } else if (injected.kind === 'reset') {
        req.socket.destroy();
      }
      return; // 'hang': never answered
    }
    if (injected) return reply(res, call, fail(injected.code ?? 10002));
    const refused = refusal(req, url, body, at);
    if (refused) return reply(res, call, refused);
    return reply(res, call, ok(recall(call.account ?? '', call.msgKeys)));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setFault(next) {
      fault = next;
    },
    addMessages,
    isRecalled: (account, key) => accounts.get(account)?.get(key) === true,
    maxInAnySecond() {
      let most = 0;
      let start = 0;
      for (let end = 0; end < calls.length; end++) {
        const endAt = calls[end]?.at ?? 0;
        while ((calls[start]?.at ?? 0) <= endAt - 1000) start++;
        most = Math.max(most, end - start + 1);
      }
      return most;
    },
    reset() {
      calls.length = 0;
      accounts.clear();
      fault = undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
