import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyBudget, BodyError, readBody } from '../../http/body.js';
import type { FeedEvent } from '../../kinds/feed-event.js';
import { isHandledCommand } from '../../kinds/registry.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../observability/metrics.js';
import { WebhookError, type WebhookRefusal, type WebhookStatus } from './errors.js';
import {
  MAX_BODY_BYTES,
  parseWebhook,
  parseWebhookQuery,
  signsFor,
  verifyWebhookRequest,
  type WebhookSettings,
} from './receive.js';

/** A body refused while it was read, as the webhook's refusal (its status is the body's). */
const BODY_REFUSALS: Record<'too_large' | 'busy' | 'slow', WebhookRefusal> = {
  too_large: 'too_large',
  busy: 'unavailable',
  slow: 'bad_request',
};

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

export interface WebhookRouteOptions {
  settings: WebhookSettings;
  /**
   * Commits an accepted event durably, resolving once it is committed: `false` when an event of
   * the same dedupe key was accepted before (a duplicate: nothing stored). A rejection is
   * answered 500, so Tencent sends the event again.
   */
  accept: (dedupeKey: string, event: FeedEvent) => Promise<boolean>;
  metrics: Metrics;
  logger: Logger;
  isStopping: () => boolean;
  /** Memory the webhook's request bodies may take at once (Slack's have a budget of their own). */
  bodies: BodyBudget;
}

/**
 * `POST /tencent/webhook`: verify, parse, commit to the store, then answer — the event is
 * durable before Tencent hears OK. Delivery to Slack happens later, in the worker.
 */
export function createWebhookRoute(options: WebhookRouteOptions) {
  const { settings, accept, metrics, logger } = options;
  // This route's own: another app in the process (a test's second app) keeps its own.
  const signs = signsFor(settings);
  // Labels from a fixed set: anybody can send any CallbackCommand, and every value would stay.
  const count = (command: string, outcome: string) =>
    metrics.webhooks.inc({ command: isHandledCommand(command) ? command : 'other', outcome });

  return async (req: IncomingMessage, res: ServerResponse, query: string): Promise<void> => {
    const params = new URLSearchParams(query);
    const commandHint = params.get('CallbackCommand') ?? '';
    if (options.isStopping()) {
      const stopping = new WebhookError(503, 'shutting down', 'unavailable');
      answerRefusal(res, commandHint, stopping, { close: true });
      return;
    }
    // Who is calling is checked from the query alone (403/401), before a byte of the body is
    // read or counted: strangers cannot fill the memory budget that Tencent's calls share.
    // Refused, the body is drained unread: the connection is not kept for another request.
    const caller = refusing(res, commandHint, { close: true }, () => {
      const query = parseWebhookQuery(params);
      verifyWebhookRequest(query, settings, signs);
      return query;
    });
    if (!caller) {
      req.resume();
      return;
    }
    let read: Awaited<ReturnType<typeof readBody>>;
    try {
      read = await readBody(req, MAX_BODY_BYTES, options.bodies);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      // Cut off half-way: nobody is left to answer.
      if (error.code === 'cut_off') return;
      answerRefusal(
        res,
        commandHint,
        new WebhookError(error.status as WebhookStatus, error.message, BODY_REFUSALS[error.code]),
        { close: true },
      );
      return;
    }
    // The body counts against the webhook's budget until the answer, store commit included.
    try {
      const outcome = refusing(res, commandHint, { close: false }, () =>
        parseWebhook(
          caller,
          { contentType: req.headers['content-type'], body: read.body },
          settings,
        ),
      );
      if (!outcome) return;
      if (outcome.kind === 'ignored') {
        answer(res, 200, OK_BODY);
        count(outcome.command, 'ignored');
        return;
      }
      try {
        const stored = await accept(outcome.dedupeKey, outcome.event);
        count(outcome.command, stored ? 'accepted' : 'duplicate');
      } catch (error) {
        logger.error('could not store a webhook event', { error, command: outcome.command });
        fail(res, 500, 'could not store the event');
        count(outcome.command, 'error');
        return;
      }
      answer(res, 200, OK_BODY);
    } finally {
      read.release();
    }
  };

  /**
   * Runs `check` and returns what it returns; a `WebhookError` it throws is answered (see
   * `answerRefusal`), and then undefined is returned.
   */
  function refusing<T>(
    res: ServerResponse,
    commandHint: string,
    how: { close: boolean },
    check: () => T,
  ): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      answerRefusal(res, commandHint, error, how);
      return undefined;
    }
  }

  /**
   * The one place a refusal becomes the answer: its status and reason, counted by its code;
   * with `close`, the connection is closed after it (headers are set before the answer is sent).
   */
  function answerRefusal(
    res: ServerResponse,
    commandHint: string,
    error: WebhookError,
    how: { close: boolean },
  ): void {
    if (how.close) res.setHeader('connection', 'close');
    if (error.status === 503) res.setHeader('retry-after', '1');
    fail(res, error.status, error.reason);
    count(commandHint, error.code);
    logger.debug('webhook refused', { status: error.status, reason: error.reason });
  }
}
