import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../../http/metrics.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { WebhookError } from './errors.js';
import {
  MAX_BODY_BYTES,
  parseWebhookQuery,
  receiveWebhook,
  verifyWebhookRequest,
  type WebhookSettings,
} from './receive.js';

const OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function fail(res: ServerResponse, status: number, reason: string): void {
  answer(res, status, JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: reason }));
}

/** Reads the body up to the limit; `undefined` once it is over (the rest is not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', reject);
    // Cut off half-way (client gone, server stopping): nothing to store, nobody to answer.
    req.on('close', () => {
      if (!ended) reject(new WebhookError(400, 'the request was cut off', 'bad_request'));
    });
  });
}

export interface WebhookRouteOptions {
  settings: WebhookSettings;
  store: Store;
  metrics: Metrics;
  logger: Logger;
  isStopping: () => boolean;
}

/**
 * `POST /tencent/webhook`: verify, parse, commit to the store, then answer — the event is
 * durable before Tencent hears OK. Delivery to Slack happens later, in the worker.
 */
export function createWebhookRoute(options: WebhookRouteOptions) {
  const { settings, store, metrics, logger } = options;
  const count = (command: string, outcome: string) =>
    metrics.webhooks.inc({ command: command || 'unknown', outcome });

  return async (req: IncomingMessage, res: ServerResponse, query: string): Promise<void> => {
    const params = new URLSearchParams(query);
    const commandHint = params.get('CallbackCommand') ?? '';
    if (options.isStopping()) {
      res.setHeader('connection', 'close');
      fail(res, 503, 'shutting down');
      count(commandHint, 'unavailable');
      return;
    }
    let outcome: ReturnType<typeof receiveWebhook>;
    try {
      const declared = Number(req.headers['content-length']);
      const body = declared > MAX_BODY_BYTES ? undefined : await readBody(req, MAX_BODY_BYTES);
      if (body === undefined) {
        req.resume();
        res.setHeader('connection', 'close');
        // Who is calling is checked first (403/401), whatever the size.
        verifyWebhookRequest(parseWebhookQuery(params), settings);
        throw new WebhookError(413, `body exceeds ${MAX_BODY_BYTES} bytes`, 'too_large');
      }
      outcome = receiveWebhook(
        { query: params, contentType: req.headers['content-type'], body },
        settings,
      );
    } catch (error) {
      if (error instanceof WebhookError) {
        fail(res, error.status, error.reason);
        count(commandHint, error.outcome);
        logger.debug('webhook refused', { status: error.status, reason: error.reason });
        return;
      }
      throw error;
    }
    if (outcome.kind === 'ignored') {
      answer(res, 200, OK_BODY);
      count(outcome.command, 'ignored');
      return;
    }
    try {
      const stored = await store.enqueue(outcome.dedupeKey, outcome.event);
      count(outcome.command, stored ? 'accepted' : 'duplicate');
    } catch (error) {
      logger.error('could not store a webhook event', { error, command: outcome.command });
      fail(res, 500, 'could not store the event');
      count(outcome.command, 'error');
      return;
    }
    answer(res, 200, OK_BODY);
  };
}
