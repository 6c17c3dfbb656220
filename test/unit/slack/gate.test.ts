import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BodyBudget } from '../../../src/http/body.js';
import {
  createSlackGate,
  SLACK_MAX_BODY_BYTES,
  SLACK_MAX_SKEW_SECONDS,
  shapeProblem,
} from '../../../src/slack/gate.js';
import { type LoggedLine, recordingLogger } from '../../helpers/logger.js';
import { signSlack } from '../../helpers/slack-requests.js';

const SECRET = 'gate-test-secret';
const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const FORM = 'application/x-www-form-urlencoded';
const click = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`;

describe('createSlackGate', () => {
  let server: Server;
  let url: string;
  let budget: BodyBudget;
  let lines: LoggedLine[];
  /** What reached Bolt: the raw body the gate put on each request. */
  let passed: string[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const recorded = recordingLogger();
      lines = recorded.lines;
      const gate = createSlackGate({
        signingSecret: SECRET,
        bodies: budget,
        logger: recorded.logger,
        now: () => NOW_MS,
        next: (request: IncomingMessage, response: ServerResponse) => {
          const { rawBody } = request as IncomingMessage & { rawBody?: Buffer };
          passed.push(rawBody?.toString() ?? '(none)');
          response.end('bolt');
        },
      });
      void gate(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    budget = new BodyBudget(4 * 1024 * 1024);
    passed = [];
  });

  async function post(
    body: string,
    headers: { timestamp?: string | null; signature?: string | null; type?: string } = {},
    method = 'POST',
  ) {
    const timestamp = headers.timestamp === undefined ? String(NOW_S) : headers.timestamp;
    const signature =
      headers.signature === undefined
        ? signSlack(body, Number(timestamp), SECRET)
        : headers.signature;
    const res = await fetch(url, {
      method,
      headers: {
        'content-type': headers.type ?? FORM,
        ...(timestamp === null ? {} : { 'x-slack-request-timestamp': timestamp }),
        ...(signature === null ? {} : { 'x-slack-signature': signature }),
      },
      ...(method === 'GET' ? {} : { body }),
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  it('hands a signed, well-formed request to Bolt with its raw body', async () => {
    const res = await post(click);
    expect(res).toMatchObject({ status: 200, text: 'bolt' });
    expect(passed).toEqual([click]);
  });

  it('refuses anything but POST', async () => {
    const res = await post('', {}, 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(passed).toEqual([]);
  });

  it('refuses a request without a signature or a timestamp', async () => {
    expect((await post(click, { signature: null })).status).toBe(401);
    expect((await post(click, { timestamp: null })).status).toBe(401);
    expect((await post(click, { timestamp: '12.5' })).status).toBe(401);
    expect(passed).toEqual([]);
  });

  it('refuses a timestamp over five minutes away either way, and takes one just within', async () => {
    const old = String(NOW_S - SLACK_MAX_SKEW_SECONDS - 1);
    const ahead = String(NOW_S + SLACK_MAX_SKEW_SECONDS + 1);
    const stale = await post(click, { timestamp: old });
    expect(stale).toMatchObject({
      status: 401,
      text: 'the request timestamp is too far from now\n',
    });
    expect((await post(click, { timestamp: ahead })).status).toBe(401);
    expect(passed).toEqual([]);
    const edge = String(NOW_S - SLACK_MAX_SKEW_SECONDS);
    expect((await post(click, { timestamp: edge })).status).toBe(200);
  });

  it('refuses a signature that does not match the body, and gives its bytes back', async () => {
    const res = await post(click, { signature: signSlack(`${click}x`, NOW_S, SECRET) });
    expect(res).toMatchObject({ status: 401, text: 'the signature does not match\n' });
    expect((await post(click, { signature: signSlack(click, NOW_S, 'other') })).status).toBe(401);
    expect(passed).toEqual([]);
    expect(lines.map((l) => l.level)).toEqual(['debug']);
    expect(budget.inUse()).toBe(0);
  });

  it('refuses a body over the limit, closing the connection', async () => {
    const big = `command=%2Frecall&text=${'x'.repeat(SLACK_MAX_BODY_BYTES)}`;
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(passed).toEqual([]);
  });

  it('answers 503 with Retry-After when the bodies in flight leave no room', async () => {
    expect(budget.take(budget.maxBytes - 10)).toBe(true);
    const res = await post(click);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(passed).toEqual([]);
  });

  it('refuses a signed body Bolt could not read, and says why', async () => {
    const res = await post('payload=%7Bnot%20json');
    expect(res).toMatchObject({ status: 400, text: 'payload must be a JSON object\n' });
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'slack request refused',
        fields: { problem: 'payload must be a JSON object' },
      },
    ]);
    expect(passed).toEqual([]);
  });

  it.each([
    ['a GET', 405, 'use POST', () => post('', {}, 'GET')],
    [
      'no signature',
      401,
      'a Slack signature and timestamp are required',
      () => post(click, { signature: null }),
    ],
    [
      'a body over the limit',
      413,
      `body exceeds ${SLACK_MAX_BODY_BYTES} bytes`,
      () => post('x'.repeat(SLACK_MAX_BODY_BYTES + 1)),
    ],
  ])(
    'answers %s in plain text with its status and reason, from one place',
    async (_name, status, reason, send) => {
      const res = await send();
      expect(res).toMatchObject({ status, text: `${reason}\n` });
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    },
  );

  it('gives the body back to the budget once the answer is sent', async () => {
    await post(click);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(budget.inUse()).toBe(0);
  });
});

describe('shapeProblem', () => {
  const form = (text: string) => shapeProblem(Buffer.from(text), FORM);
  const json = (text: string) => shapeProblem(Buffer.from(text), 'application/json');

  it('takes what Bolt can handle: a command, a payload with a type, an ssl_check, an event', () => {
    expect(form('command=%2Frecall&text=')).toBeUndefined();
    expect(form(click)).toBeUndefined();
    expect(form('ssl_check=1&token=x')).toBeUndefined();
    expect(json('{"type":"event_callback"}')).toBeUndefined();
  });

  it('says what is wrong with a form', () => {
    expect(form('text=hello')).toBe('neither a payload nor a command');
    expect(form(`${click}&${click}`)).toBe('payload is repeated');
    expect(form('payload=%5B1%5D')).toBe('payload must be a JSON object');
    expect(form('payload=%7B%7D')).toBe('payload has no type');
  });

  it('says what is wrong with a JSON body (any type but a form is read as JSON)', () => {
    expect(json('not json')).toBe('the body must be a JSON object');
    expect(json('[]')).toBe('the body must be a JSON object');
    expect(json('{"type":3}')).toBe('the body has no type');
    expect(shapeProblem(Buffer.from(click), undefined)).toBe('the body must be a JSON object');
  });
});
