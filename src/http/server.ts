import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { Health } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';

export interface Routes {
  webhook: (req: IncomingMessage, res: ServerResponse, query: string) => Promise<void>;
  /** Bolt's HTTP receiver, in HTTP mode only. */
  slack?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  health: Health;
  metrics: Metrics;
  logger: Logger;
}

export interface HttpServer {
  server: Server;
  /**
   * Stops taking connections; requests in flight are answered with `Connection: close`; after
   * `graceMs` every connection still open (a request half sent, a hung client) is cut.
   */
  close(graceMs: number): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** One server on `PORT` for every route, in HTTP mode and Socket Mode alike. */
export function createHttpServer(routes: Routes): HttpServer {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    if (path === '/tencent/webhook') {
      if (req.method !== 'POST') {
        req.resume();
        res.setHeader('allow', 'POST');
        const fail = { ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: 'use POST' };
        return send(res, 405, 'application/json; charset=utf-8', JSON.stringify(fail));
      }
      return routes.webhook(req, res, query);
    }
    if (path === '/slack/events' && routes.slack) return routes.slack(req, res);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const report = await routes.health.status();
      return send(
        res,
        report.status === 'unavailable' ? 503 : 200,
        'application/json; charset=utf-8',
        JSON.stringify(report),
      );
    }
    if (path === '/metrics' && req.method === 'GET') {
      const { registry } = routes.metrics;
      return send(res, 200, registry.contentType, await registry.metrics());
    }
    send(res, 404, 'text/plain', 'not found\n');
  };

  let closing = false;
  /**
   * Open connections, to find the responses in flight when the server stops (tracked per
   * connection, not per request: a listener on every response cost a sixth of a webhook's CPU).
   */
  const connections = new Set<Socket>();
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) {
      res.shouldKeepAlive = false;
      return;
    }
    // Node detaches the socket from the response before 'finish'.
    const socket = res.socket;
    res.once('finish', () => socket?.end());
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (closing) closeAfter(res);
    handle(req, res).catch((error: unknown) => {
      routes.logger.error('request failed', { error, path: req.url?.split('?')[0] });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;

  const close = (graceMs: number) =>
    new Promise<void>((resolve) => {
      closing = true;
      for (const socket of connections) {
        // Node keeps the response a connection is serving there (as http-terminator relies on).
        const res = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
        if (res instanceof ServerResponse) closeAfter(res);
      }
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });

  return { server, close };
}
