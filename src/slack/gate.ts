import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { type BodyBudget, BodyError, readBody } from '../http/body.js';
import { CodedError } from '../lib/errors.js';
import { isRecord } from '../lib/records.js';
import type { Logger } from '../log.js';

/**
 * The largest Slack request body taken. Measured: the largest payload the app needs is a click
 * on (or the shortcut on) its own biggest feed post, 50 sections of 3,000 characters: 1.32 MiB
 * form-encoded when every character is CJK (9 bytes each once URL-encoded).
 */
export const SLACK_MAX_BODY_BYTES = 2 * 1024 * 1024;
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

/** Why a request was refused before Bolt (besides its body: see `BodyError`). */
export type SlackRefusal = 'not_post' | 'unsigned' | 'stale' | 'bad_signature' | 'bad_shape';

/** A request to `/slack/events` refused before Bolt saw it: the status it is answered with. */
export class SlackRequestError extends CodedError<SlackRefusal> {
  declare readonly status: number;

  constructor(status: number, code: SlackRefusal, message: string) {
    super(code, message, { status });
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `POST /slack/events`, before Bolt: checks what can be checked before reading (method, headers,
 * timestamp, declared size), reads the body within Slack's own budget, verifies Slack's
 * signature, and refuses a body Bolt could not handle (a `payload` that is not a JSON object, a
 * JSON body that is not an object). Bolt then sees only well-formed, signed requests.
 */
export function createSlackGate(options: SlackGateOptions) {
  const { signingSecret, bodies, logger } = options;
  const now = options.now ?? Date.now;

  /** The body of a request Bolt can be given; throws `SlackRequestError` or `BodyError`. */
  const admit = async (req: IncomingMessage, res: ServerResponse): Promise<Buffer> => {
    if (req.method !== 'POST') throw new SlackRequestError(405, 'not_post', 'use POST');
    const signature = header(req, 'x-slack-signature');
    const timestamp = header(req, 'x-slack-request-timestamp');
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) {
      throw new SlackRequestError(401, 'unsigned', 'a Slack signature and timestamp are required');
    }
    if (Math.abs(now() / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) {
      throw new SlackRequestError(401, 'stale', 'the request timestamp is too far from now');
    }
    // Slack sends its (small) bodies at once: one trickled in is cut (see `BODY_TIMEOUT_MS`).
    const { body, release } = await readBody(req, SLACK_MAX_BODY_BYTES, bodies);
    // Given back when the response is done: Bolt handles the request until then.
    res.once('close', release);
    if (!signatureMatches(signingSecret, timestamp, body, signature)) {
      throw new SlackRequestError(401, 'bad_signature', 'the signature does not match');
    }
    const problem = shapeProblem(body, header(req, 'content-type'));
    if (problem) throw new SlackRequestError(400, 'bad_shape', problem);
    return body;
  };

  /** The one place a refusal becomes the answer: its status and message, as plain text. */
  const refuse = (req: IncomingMessage, res: ServerResponse, error: CodedError): void => {
    // A body cut off half-way: nobody is left to answer.
    if (error.status === undefined) return;
    req.resume();
    if (error instanceof BodyError) res.setHeader('connection', 'close');
    if (error.code === 'bad_shape')
      logger.warn('slack request refused', { problem: error.message });
    else if (error.code === 'bad_signature') logger.debug('slack request refused: bad signature');
    const text = `${error.message}\n`;
    res.writeHead(error.status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...(error.status === 405 ? { allow: 'POST' } : {}),
      ...(error.status === 503 ? { 'retry-after': '1' } : {}),
    });
    res.end(text);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await admit(req, res);
    } catch (error) {
      if (!(error instanceof SlackRequestError || error instanceof BodyError)) throw error;
      refuse(req, res, error);
      return;
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

/**
 * Why Bolt could not handle this body, or undefined when it can. It reads the body exactly as
 * Bolt's receiver does (`node:querystring` for a form, JSON for anything else, the same
 * `ssl_check` rule), so that what passes here is what Bolt sees.
 */
export function shapeProblem(body: Buffer, contentType: string | undefined): string | undefined {
  const text = body.toString('utf8');
  if (contentType !== 'application/x-www-form-urlencoded') {
    const value = parseJson(text);
    if (!isRecord(value)) return 'the body must be a JSON object';
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
  if (!isRecord(value)) return 'payload must be a JSON object';
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
