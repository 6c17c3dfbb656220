/** What every part of the fake Slack shares: argument reading and Slack-shaped answers. */
import type { ServerResponse } from 'node:http';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string argument; numbers and booleans as Slack reads them from a form. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Slack counts characters, not UTF-16 units. */
export function chars(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** A boolean argument: `true` or `1`, as JSON or as form text. */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

export function ok(fields: Json = {}): Json {
  return { ok: true, ...fields };
}

export function fail(error: string, messages?: string[]): Json {
  return messages && messages.length > 0
    ? { ok: false, error, response_metadata: { messages } }
    : { ok: false, error };
}

/** A method's answer when it is not HTTP 200, e.g. a 429 decided inside the method. */
export class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {}
}

export function rateLimited(retryAfter: number): HttpAnswer {
  return new HttpAnswer(429, fail('ratelimited'), { 'retry-after': String(retryAfter) });
}

export function send(
  res: ServerResponse,
  status: number,
  body: Json | string,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type':
      typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Whether an answer can still reach the client (it may have hung up, or been killed). */
export function canAnswer(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded && res.socket !== null && !res.socket.destroyed;
}

/** One Web API method: its arguments in, Slack's answer out (HTTP 200 unless an `HttpAnswer`). */
export type MethodHandler = (args: Json) => Json | HttpAnswer;

/** Web API methods by name, as each part of the fake serves them. */
export type MethodTable = Record<string, MethodHandler>;
