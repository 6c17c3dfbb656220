import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BodyBudget } from '../../../../src/http/body.js';
import { silentLogger } from '../../../../src/log.js';
import { createMetrics } from '../../../../src/observability/metrics.js';
import { MAX_BODY_BYTES } from '../../../../src/tencent/webhook/receive.js';
import { createWebhookRoute } from '../../../../src/tencent/webhook/route.js';
import { computeSign } from '../../../../src/tencent/webhook/verify.js';
import { samples } from '../../../helpers/tencent-samples.js';

const SDKAPPID = 1400000001;
const TOKEN = 'route-test-token';
const COMMAND = samples.c2c.CallbackCommand;

describe('createWebhookRoute', () => {
  const accept = vi.fn(async (_key: string, _event: unknown) => true);
  const metrics = createMetrics();
  let stopping = false;
  let bodies = new BodyBudget();
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      const route = createWebhookRoute({
        settings: { sdkAppId: SDKAPPID, callbackToken: TOKEN },
        accept,
        metrics,
        logger: silentLogger,
        isStopping: () => stopping,
        bodies,
      });
      void route(req, res, url.slice(url.indexOf('?') + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tencent/webhook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signedQuery = (over: Record<string, string> = {}) => {
    const time = String(Math.floor(Date.now() / 1000));
    return new URLSearchParams({
      SdkAppid: String(SDKAPPID),
      CallbackCommand: COMMAND,
      RequestTime: time,
      Sign: computeSign(TOKEN, time),
      ...over,
    }).toString();
  };
  const call = async (query: string, body: string) => {
    const response = await fetch(`${base}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { response, json: (await response.json()) as Record<string, unknown> };
  };
  const counted = async (outcome: string) =>
    (await metrics.webhooks.get()).values.find(
      (v) => v.labels.outcome === outcome && v.labels.command === COMMAND,
    )?.value ?? 0;

  it('stores an accepted event before answering OK', async () => {
    const { response, json } = await call(signedQuery(), JSON.stringify(samples.c2c));
    expect(response.status).toBe(200);
    expect(json).toEqual({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    expect(accept).toHaveBeenCalledTimes(1);
    expect(await counted('accepted')).toBe(1);
  });

  it.each([
    ['another SdkAppid', 403, 'forbidden', { SdkAppid: '1400000002' }, 'close'],
    ['a wrong Sign', 401, 'unauthorized', { Sign: 'x'.repeat(64) }, 'close'],
    ['a body command unlike the query', 400, 'bad_request', {}, 'keep-alive'],
  ] as const)(
    'refuses %s with %i, counted as %s, storing nothing',
    async (_name, status, outcome, over, connection) => {
      accept.mockClear();
      const before = await counted(outcome);
      const body = JSON.stringify({
        ...samples.c2c,
        CallbackCommand: 'Group.CallbackAfterRecallMsg',
      });
      const { response, json } = await call(signedQuery(over), body);
      expect(response.status).toBe(status);
      expect(json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 1 });
      expect(typeof json.ErrorInfo).toBe('string');
      // Refused before its body was read, the connection is not kept.
      expect(response.headers.get('connection')).toBe(connection);
      expect(accept).not.toHaveBeenCalled();
      expect(await counted(outcome)).toBe(before + 1);
    },
  );

  it('refuses a body over the limit with 413 and closes the connection', async () => {
    const { response, json } = await call(signedQuery(), 'x'.repeat(MAX_BODY_BYTES + 1));
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(json.ErrorInfo).toBe(`body exceeds ${MAX_BODY_BYTES} bytes`);
  });

  it('answers 503 with Retry-After when the bodies in flight use up the budget', async () => {
    bodies = new BodyBudget(10);
    try {
      const { response, json } = await call(signedQuery(), JSON.stringify(samples.c2c));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(json.ErrorInfo).toBe('too many request bodies at once');
      expect(await counted('unavailable')).toBeGreaterThanOrEqual(1);
    } finally {
      bodies = new BodyBudget();
    }
  });

  it('answers 503 while stopping, reading nothing', async () => {
    stopping = true;
    try {
      const { response, json } = await call(signedQuery(), JSON.stringify(samples.c2c));
      expect(response.status).toBe(503);
      expect(json.ErrorInfo).toBe('shutting down');
    } finally {
      stopping = false;
    }
  });
});
