import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer, type Routes } from '../../../src/http/server.js';
import { Health } from '../../../src/observability/health.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { recordingLogger } from '../../helpers/logger.js';

interface Started {
  http: HttpServer;
  url: string;
  port: number;
}

const running: HttpServer[] = [];

async function start(routes: Partial<Routes> = {}): Promise<Started> {
  const http = createHttpServer({
    webhook: async (_req, res) => {
      res.end('webhook');
    },
    health: new Health({ checkStore: async () => {} }),
    metrics: createMetrics(),
    logger: recordingLogger().logger,
    ...routes,
  });
  running.push(http);
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
  const { port } = http.server.address() as AddressInfo;
  return { http, url: `http://127.0.0.1:${port}`, port };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((http) => http.close(0)));
});

describe('createHttpServer', () => {
  it('hands a webhook POST to the webhook route with its query string', async () => {
    const seen: string[] = [];
    const { url } = await start({
      webhook: async (req, res, query) => {
        seen.push(`${req.method} ${query}`);
        res.end('taken');
      },
    });
    const res = await fetch(`${url}/tencent/webhook?SdkAppid=1&sign=abc`, {
      method: 'POST',
      body: '{}',
    });
    expect(await res.text()).toBe('taken');
    expect(seen).toEqual(['POST SdkAppid=1&sign=abc']);
  });

  it('answers any other method on the webhook 405 in Tencent’s shape, without the route', async () => {
    let called = false;
    const { url } = await start({
      webhook: async (_req, res) => {
        called = true;
        res.end();
      },
    });
    const res = await fetch(`${url}/tencent/webhook`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toEqual({ ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: 'use POST' });
    expect(called).toBe(false);
  });

  it('serves /slack/events only when given a Slack route (HTTP mode)', async () => {
    const socketMode = await start();
    expect((await fetch(`${socketMode.url}/slack/events`, { method: 'POST' })).status).toBe(404);
    const httpMode = await start({
      slack: (_req: IncomingMessage, res: ServerResponse) => {
        res.end('bolt');
      },
    });
    const res = await fetch(`${httpMode.url}/slack/events`, { method: 'POST', body: 'x=1' });
    expect(await res.text()).toBe('bolt');
  });

  it('reports health: 200 while the store answers, 503 once it does not', async () => {
    let storeUp = true;
    const health = new Health({
      checkStore: async () => {
        if (!storeUp) throw new Error('disk gone');
      },
    });
    const { url } = await start({ health });
    const ok = await fetch(`${url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', reasons: [] });
    expect((await fetch(`${url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    storeUp = false;
    const down = await fetch(`${url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'unavailable',
      reasons: ['store unusable: disk gone'],
    });
  });

  it('serves the metrics in Prometheus’s text format', async () => {
    const metrics = createMetrics();
    const { url } = await start({ metrics });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    expect(await res.text()).toContain('# TYPE');
  });

  it('answers 404 for anything else', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/healthz/x`)).status).toBe(404);
  });

  it('answers 500 when a route fails, and logs the path without its query', async () => {
    const { logger, lines } = recordingLogger();
    const { url } = await start({
      logger,
      webhook: async () => {
        throw new Error('boom');
      },
    });
    const res = await fetch(`${url}/tencent/webhook?sign=secret`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('internal error\n');
    expect(lines.map((l) => [l.level, l.message, l.fields.path])).toEqual([
      ['error', 'request failed', '/tencent/webhook'],
    ]);
  });

  it('on close, answers a request in flight with Connection: close, then stops', async () => {
    let answer: () => void = () => {};
    const { http, port } = await start({
      webhook: async (_req, res) => {
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        res.end('late');
      },
    });
    const agent = new Agent({ keepAlive: true });
    const response = new Promise<{ connection: string | undefined; body: string }>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/tencent/webhook', method: 'POST', agent },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ connection: res.headers.connection, body }));
        },
      );
      req.end('{}');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = http.close(5_000);
    answer();
    expect(await response).toEqual({ connection: 'close', body: 'late' });
    await closed;
    expect(http.server.listening).toBe(false);
    agent.destroy();
  });

  it('on close, cuts a connection still open after the grace period', async () => {
    const { http, port } = await start({
      webhook: async (req, res) => {
        for await (const _ of req) {
          // The body never ends: the route waits for it as a real one would.
        }
        res.end();
      },
    });
    // A request half sent: headers promised a body that never comes.
    const cut = new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/tencent/webhook',
        method: 'POST',
        headers: { 'content-length': 100 },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write('{');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await http.close(100);
    await cut;
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(2_000);
  });
});
