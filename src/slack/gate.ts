import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { type BodyBudget, BodyError, readBody } from '../http/body.js';
import type { Logger } from '../log.js';

/**
 * The largest Slack request body taken. Measured: the largest payload the app needs is a click
 * on (or the shortcut on) its own biggest feed post, 50 sections of 3,000 characters: 1.32 MiB
 * form-encoded when every character is CJK (9 bytes each once URL-encoded).
 */
export const SLACK_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Slack sends its (small) bodies at once; a body trickled in is cut after this long. */
export const SLACK_BODY_TIMEOUT_MS = 10_000;
/**
 * Memory Slack request bodies may take at once. Their signature can only be checked once they
 * are read, so anybody can send them: they have a budget of their own, apart from the
 * webhook's (whose callers are checked before their bodies are read).
 */
export const SLACK_BODIES_IN_FLIGHT = 8 * 1024 * 1024;
/** Slack's own advice: refuse a request whose timestamp is over five minutes away, either way. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export interface SlackGateOptions {
  signingSecret: string;
  bodies: BodyBudget;
  logger: Logger;
  /** Bolt's receiver, given only verified requests whose body is read (`rawBody`). */
  next: (req: IncomingMessage, res: ServerResponse) => void;
  now?: () => number;
}

function refuse(res: ServerResponse, status: number, text: string, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text) + 1,
    ...headers,
  });
  res.end(`${text}\n`);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `POST /slack/events`, before Bolt: checks what can be checked before reading (method, headers,
 * timestamp, declared size), reads the body within the shared budget, verifies Slack's
 * signature, and refuses a body Bolt could not handle (a `payload` that is not a JSON object, a
 * JSON body that is not an object). Bolt then sees only well-formed, signed requests.
 */
export function createSlackGate(options: SlackGateOptions) {
  const { signingSecret, bodies, logger } = options;
  const now = options.now ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      req.resume();
      return refuse(res, 405, 'use POST', { allow: 'POST' });
    }
    const signature = header(req, 'x-slack-signature');
    const timestamp = header(req, 'x-slack-request-timestamp');
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) {
      req.resume();
      return refuse(res, 401, 'a Slack signature and timestamp are required');
    }
    if (Math.abs(now() / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) {
      req.resume();
      return refuse(res, 401, 'the request timestamp is too far from now');
    }
    let read: Awaited<ReturnType<typeof readBody>>;
    try {
      read = await readBody(req, SLACK_MAX_BODY_BYTES, bodies, SLACK_BODY_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      if (error.refusal === 'cut_off') return;
      res.setHeader('connection', 'close');
      if (error.refusal === 'busy') return refuse(res, 503, error.message, { 'retry-after': '1' });
      if (error.refusal === 'slow') return refuse(res, 408, error.message);
      return refuse(res, 413, error.message);
    }
    const { body } = read;
    // Given back when the response is done: Bolt handles the request until then.
    res.once('close', read.release);
    if (!signatureMatches(signingSecret, timestamp, body, signature)) {
      logger.debug('slack request refused: bad signature');
      return refuse(res, 401, 'the signature does not match');
    }
    const problem = shapeProblem(body, header(req, 'content-type'));
    if (problem) {
      logger.warn('slack request refused', { problem });
      return refuse(res, 400, problem);
    }
    Object.assign(req, { rawBody: body });
    options.next(req, res);
  };
}

function signatureMatches(
  secret: string,
  timestamp: string,
  body: Buffer,
  signature: string,
): boolean {
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why Bolt could not handle this body, or undefined when it can. It reads the body exactly as
 * Bolt's receiver does (`node:querystring` for a form, JSON for anything else, the same
 * `ssl_check` rule), so that what passes here is what Bolt sees.
 */
export function shapeProblem(body: Buffer, contentType: string | undefined): string | undefined {
  const text = body.toString('utf8');
  if (contentType !== 'application/x-www-form-urlencoded') {
    const value = parseJson(text);
    if (!isObject(value)) return 'the body must be a JSON object';
    if (typeof value.type !== 'string') return 'the body has no type';
    return undefined;
  }
  const form = parseQuery(text);
  // Bolt answers this alone, without reading anything else of the body.
  if (form.ssl_check === '1') return undefined;
  if (form.payload === undefined) {
    // A slash command: Bolt needs its command.
    return typeof form.command === 'string' ? undefined : 'neither a payload nor a command';
  }
  if (typeof form.payload !== 'string') return 'payload is repeated';
  const value = parseJson(form.payload);
  if (!isObject(value)) return 'payload must be a JSON object';
  if (typeof value.type !== 'string') return 'payload has no type';
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
