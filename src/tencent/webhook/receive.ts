import type { z } from 'zod';
import { dedupeKeyOf } from '../../kinds/dedupe.js';
import type { FeedEvent } from '../../kinds/feed-event.js';
import { isHandledCommand, kindByCommand } from '../../kinds/registry.js';
import { WebhookError } from './errors.js';
import { SignCache, verifySdkAppId, verifySignature } from './verify.js';

/** Tencent's own limit is unknown; ours is the one SPEC names. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * How deeply a webhook body may nest. Tencent's deepest (a merged-message element inside a
 * message body) is well under 16; deeper is refused before parsing, so that nothing we accept
 * is too deep to store (serialising 6,000 nested arrays overflows the stack).
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `text` (JSON) nests objects and arrays deeper than `max`; strings are skipped. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export interface WebhookRequest {
  /** The query string (without the leading `?`), or its parsed parameters. */
  query: string | URLSearchParams;
  contentType: string | undefined;
  body: Buffer;
}

export interface WebhookSettings {
  sdkAppId: number;
  callbackToken: string | undefined;
  now?: () => number;
}

export type WebhookOutcome =
  | { kind: 'accepted'; command: string; event: FeedEvent; dedupeKey: string }
  | { kind: 'ignored'; command: string };

const QUERY_PARAMS = [
  'SdkAppid',
  'CallbackCommand',
  'Sign',
  'RequestTime',
  'ClientIP',
  'OptPlatform',
];

/** Reads the query; a parameter we rely on that is given twice is refused, not guessed. */
export function parseWebhookQuery(
  query: string | URLSearchParams,
): Record<string, string | undefined> {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const out: Record<string, string | undefined> = {};
  for (const name of QUERY_PARAMS) {
    const values = params.getAll(name);
    if (values.length > 1) {
      throw new WebhookError(
        name === 'SdkAppid' ? 403 : 400,
        `query parameter ${name} is repeated`,
        name === 'SdkAppid' ? 'forbidden' : 'bad_request',
      );
    }
    out[name] = values[0];
  }
  return out;
}

const NOT_JSON = /^(application\/x-www-form-urlencoded|multipart\/)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The signs a webhook route checks calls against: none when no callback token is configured. */
export function signsFor(settings: Pick<WebhookSettings, 'callbackToken'>): SignCache | undefined {
  return settings.callbackToken ? new SignCache(settings.callbackToken) : undefined;
}

/**
 * Verifies and checks the request before any body work: cheap refusals first. `signs`: the
 * route's cache of expected signs (see `signsFor`), undefined when calls are not signed.
 */
export function verifyWebhookRequest(
  query: Record<string, string | undefined>,
  settings: Pick<WebhookSettings, 'sdkAppId' | 'now'>,
  signs: SignCache | undefined,
): void {
  verifySdkAppId(query.SdkAppid, settings.sdkAppId);
  if (signs) verifySignature(signs, query.Sign, query.RequestTime, (settings.now ?? Date.now)());
}

function parseJsonObject(
  req: Pick<WebhookRequest, 'contentType' | 'body'>,
): Record<string, unknown> {
  if (req.contentType && NOT_JSON.test(req.contentType)) {
    throw new WebhookError(
      400,
      `body must be JSON, not ${req.contentType.split(';')[0]}`,
      'bad_request',
    );
  }
  let text: string;
  try {
    text = utf8.decode(req.body);
  } catch {
    throw new WebhookError(400, 'body is not valid UTF-8', 'bad_request');
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new WebhookError(400, `body nests deeper than ${MAX_JSON_DEPTH} levels`, 'bad_request');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WebhookError(400, 'body is not valid JSON', 'bad_request');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookError(400, 'body must be a JSON object', 'bad_request');
  }
  return value as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
  const message =
    issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return `${path || 'body'} ${message}`;
}

/**
 * Verifies, parses and validates one webhook call. Throws `WebhookError` for every refusal;
 * returns what to store, or that the command is not ours.
 */
export function receiveWebhook(req: WebhookRequest, settings: WebhookSettings): WebhookOutcome {
  const query = parseWebhookQuery(req.query);
  verifyWebhookRequest(query, settings, signsFor(settings));
  // The route's bodies are bounded as they are read (`readBody`); a body given whole is here.
  if (req.body.length > MAX_BODY_BYTES) {
    throw new WebhookError(413, `body exceeds ${MAX_BODY_BYTES} bytes`, 'too_large');
  }
  return parseWebhook(query, req, settings);
}

/**
 * Parses and validates the body of a call whose query is already verified (see
 * `verifyWebhookRequest`) and whose body is within `MAX_BODY_BYTES` (see `readBody`). Throws
 * `WebhookError` for every refusal.
 */
export function parseWebhook(
  query: Record<string, string | undefined>,
  req: Pick<WebhookRequest, 'contentType' | 'body'>,
  settings: Pick<WebhookSettings, 'now'>,
): WebhookOutcome {
  const json = parseJsonObject(req);

  const bodyCommand = json.CallbackCommand;
  const command = query.CallbackCommand ?? (typeof bodyCommand === 'string' ? bodyCommand : '');
  if (!command) throw new WebhookError(400, 'CallbackCommand is required', 'bad_request');
  if (bodyCommand !== undefined && bodyCommand !== command) {
    throw new WebhookError(
      400,
      'CallbackCommand in the body differs from the query',
      'bad_request',
    );
  }
  if (!isHandledCommand(command)) return { kind: 'ignored', command };

  const parsed = kindByCommand(command).schema.safeParse(
    // Copied only when the command came in the query alone: most bodies carry it.
    bodyCommand === undefined ? { ...json, CallbackCommand: command } : json,
  );
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map(describeIssue).join('; ');
    throw new WebhookError(400, `${command}: ${first}`, 'bad_request');
  }
  const event: FeedEvent = {
    body: parsed.data,
    receivedAt: (settings.now ?? Date.now)(),
    ...(query.ClientIP ? { clientIp: query.ClientIP.slice(0, 64) } : {}),
    ...(query.OptPlatform ? { platform: query.OptPlatform.slice(0, 32) } : {}),
  };
  return { kind: 'accepted', command, event, dedupeKey: dedupeKeyOf(parsed.data) };
}
