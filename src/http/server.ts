import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { Health } from './health.js';
import type { Metrics } from './metrics.js';

export interface Routes {
  webhook: (req: IncomingMessage, res: ServerResponse, query: string) => Promise<void>;
  /** Bolt's HTTP receiver, in HTTP mode only. */
  slack?: (req: IncomingMessage, res: ServerResponse) => void;
  health: Health;
  metrics: Metrics;
  logger: Logger;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** One server on `PORT` for every route, in HTTP mode and Socket Mode alike. */
export function createHttpServer(routes: Routes): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    if (path === '/tencent/webhook') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'use POST\n');
      return routes.webhook(req, res, query);
    }
    if (path === '/slack/events' && routes.slack) return routes.slack(req, res);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const status = await routes.health.status();
      return send(
        res,
        status.ok ? 200 : 503,
        'application/json; charset=utf-8',
        JSON.stringify({ status: status.ok ? 'ok' : 'unavailable', reasons: status.reasons }),
      );
    }
    if (path === '/metrics' && req.method === 'GET') {
      const { registry } = routes.metrics;
      return send(res, 200, registry.contentType, await registry.metrics());
    }
    send(res, 404, 'text/plain', 'not found\n');
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      routes.logger.error('request failed', { error, path: req.url?.split('?')[0] });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return server;
}
