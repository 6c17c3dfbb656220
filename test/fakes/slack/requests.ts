/** Reading Web API calls: query string, then a form, JSON or multipart body. */
import type { IncomingMessage } from 'node:http';
import { isRecord, type Json } from './wire.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Arguments Slack takes as JSON strings in form bodies. */
const JSON_ARGS = ['blocks', 'attachments', 'view', 'files', 'metadata'];

export async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<unknown>) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export async function parseMultipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
  const headers = { 'content-type': req.headers['content-type'] ?? '' };
  return new Response(new Uint8Array(body), { headers }).formData();
}

/** The arguments of a Web API call: query string, then the body (form, JSON or multipart). */
export async function parseArgs(
  req: IncomingMessage,
  body: Buffer,
  query: URLSearchParams,
): Promise<{ args: Json; error?: string }> {
  const args: Json = Object.fromEntries(query);
  if (body.length === 0) return { args };
  const type = mediaType(req);
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (!isRecord(parsed)) return { args, error: 'invalid_json' };
      return { args: { ...args, ...parsed } };
    } catch {
      return { args, error: 'invalid_json' };
    }
  }
  if (type === 'multipart/form-data') {
    try {
      for (const [key, value] of await parseMultipart(req, body)) {
        args[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size };
      }
    } catch {
      return { args, error: 'invalid_form_data' };
    }
    return { args: decodeJsonArgs(args) };
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || type === '') {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) args[key] = value;
    return { args: decodeJsonArgs(args) };
  }
  return { args, error: 'invalid_post_type' };
}

/** Form values of JSON arguments are JSON strings; parse them where they parse. */
function decodeJsonArgs(args: Json): Json {
  for (const key of JSON_ARGS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Left as the string; the method's validation reports it as Slack would.
    }
  }
  return args;
}

export function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A response_url body: JSON, or a form with a JSON `payload` as incoming webhooks accept. */
export function parseResponseBody(type: string, raw: Buffer): Json | undefined {
  try {
    const text = raw.toString('utf8');
    const json: unknown =
      type === 'application/x-www-form-urlencoded'
        ? JSON.parse(new URLSearchParams(text).get('payload') ?? '')
        : JSON.parse(text);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}
