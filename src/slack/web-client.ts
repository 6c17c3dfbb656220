import { type FetchFunction, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import { toBoltLogger } from './bolt-logger.js';

/** A `fetch` that counts every Slack call (and HTTP-level failures) by method. */
export function countingFetch(metrics: Metrics, apiUrl: string): FetchFunction {
  return async (url, init) => {
    const href = String(url);
    const method = href.startsWith(apiUrl) ? href.slice(apiUrl.length).split('?')[0] : 'upload';
    metrics.slackCalls.inc({ method });
    try {
      const response = await fetch(url, init);
      if (response.status >= 300)
        metrics.slackErrors.inc({ method, error: `http_${response.status}` });
      return response;
    } catch (error) {
      metrics.slackErrors.inc({ method, error: 'network' });
      throw error;
    }
  };
}

/** No Slack call waits longer than this for its answer (uploads included). */
export const SLACK_CALL_TIMEOUT_MS = 15_000;

/**
 * Options shared by every WebClient the app makes: retries and rate limits are ours to handle,
 * and the client's own warnings go through our (redacting) logger, never straight to the console.
 */
export function slackClientOptions(
  apiUrl: string,
  metrics: Metrics,
  logger?: Logger,
): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    fetch: countingFetch(metrics, apiUrl),
    timeout: SLACK_CALL_TIMEOUT_MS,
    ...(logger ? { logger: toBoltLogger(logger) } : {}),
  };
}

/**
 * A client that sees 429s and failures itself, never retrying: the caller decides (the worker
 * keeps its events and waits; the authorizer answers "no").
 */
function unretriedClient(
  token: string,
  options: WebClientOptions,
  timeoutMs = SLACK_CALL_TIMEOUT_MS,
): WebClient {
  return new WebClient(token, {
    ...options,
    timeout: timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/** The worker's client: it sees 429s and failures itself, so it can keep events and wait. */
export function createDeliveryClient(
  token: string,
  apiUrl: string,
  metrics: Metrics,
  logger?: Logger,
): WebClient {
  return unretriedClient(token, slackClientOptions(apiUrl, metrics, logger));
}

/**
 * The authorizer's client (`users.info`, `usergroups.users.list`): a person is waiting on a
 * confirmation, so a failed or slow lookup is not retried and gives up within `timeoutMs`.
 */
export function createPermissionClient(
  token: string,
  apiUrl: string,
  metrics: Metrics,
  timeoutMs: number,
  logger?: Logger,
): WebClient {
  return unretriedClient(token, slackClientOptions(apiUrl, metrics, logger), timeoutMs);
}
