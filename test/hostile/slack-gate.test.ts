import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNING_SECRET } from '../helpers/app.js';
import { useApp, useFakes } from '../helpers/fixture.js';
import { signSlack } from '../helpers/slack-requests.js';

/** One hostile request to `/slack/events` and its documented answer. */
interface Case {
  name: string;
  status: 400 | 401 | 405 | 413;
  body: string;
  method?: string;
  contentType?: string;
  /** Headers replacing the signed ones (`null` leaves one out). */
  timestamp?: string | null;
  signature?: string | null;
  /** Declared length, when it is not the body's. */
  contentLength?: string;
}

const now = () => Math.floor(Date.now() / 1000);
const FORM = 'application/x-www-form-urlencoded';
const click = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [] }))}`;

const CASES: Case[] = [
  ...['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].map(
    (method): Case => ({ name: `${method} instead of POST`, status: 405, body: click, method }),
  ),
  { name: 'no signature', status: 401, body: click, signature: null },
  { name: 'no timestamp', status: 401, body: click, timestamp: null },
  { name: 'neither header', status: 401, body: click, signature: null, timestamp: null },
  ...['', 'abc', '1.5', '-5', '1e9', ' 12345', '0x10', '9'.repeat(20)].map(
    (timestamp): Case => ({
      name: `timestamp ${JSON.stringify(timestamp)}`,
      status: 401,
      body: click,
      timestamp,
    }),
  ),
  ...[
    ['six minutes old', -6 * 60],
    ['six minutes ahead', 6 * 60],
    ['ten minutes ahead', 10 * 60],
    ['a day ahead', 24 * 60 * 60],
    ['a year old', -365 * 24 * 60 * 60],
  ].map(([name, shift]): Case => {
    const timestamp = String(now() + Number(shift));
    return {
      name: `signed, timestamp ${name}`,
      status: 401,
      body: click,
      timestamp,
      signature: signSlack(click, Number(timestamp)),
    };
  }),
  { name: 'signature empty', status: 401, body: click, signature: '' },
  { name: 'signature v0=00', status: 401, body: click, signature: 'v0=00' },
  {
    name: 'signature with another scheme',
    status: 401,
    body: click,
    signature: signSlack(click, now()).replace('v0=', 'v1='),
  },
  {
    name: 'signature in uppercase hex',
    status: 401,
    body: click,
    signature: `v0=${signSlack(click, now()).slice(3).toUpperCase()}`,
  },
  {
    name: 'signature of another secret',
    status: 401,
    body: click,
    signature: signSlack(click, now(), 'another-secret'),
  },
  {
    name: 'signature of another body',
    status: 401,
    body: click,
    signature: signSlack(`${click}&x=1`, now()),
  },
  {
    name: 'signature of another timestamp',
    status: 401,
    body: click,
    signature: signSlack(click, now() - 1),
  },
  {
    name: 'signature without v0=',
    status: 401,
    body: click,
    signature: signSlack(click, now()).slice(3),
  },
  {
    name: 'signature of the body alone',
    status: 401,
    body: click,
    signature: `v0=${createHmac('sha256', SIGNING_SECRET).update(click).digest('hex')}`,
  },
  { name: 'declared 3 MiB', status: 413, body: click, contentLength: String(3 * 1024 * 1024) },
  ...[
    ['payload=null', 'null'],
    ['payload=42', '42'],
    ['payload a string', '"block_actions"'],
    ['payload an array', '[]'],
    ['payload {}', '{}'],
    ['payload with a numeric type', '{"type":7}'],
    ['payload with a null type', '{"type":null}'],
    ['payload truncated', '{"type":"block_actions"'],
    ['payload not JSON', 'hello'],
    ['payload empty', ''],
  ].map(
    ([name, payload]): Case => ({
      name: String(name),
      status: 400,
      body: `payload=${encodeURIComponent(payload ?? '')}`,
    }),
  ),
  { name: 'payload given twice', status: 400, body: `${click}&${click}` },
  // Bolt skips everything but `ssl_check` when it reads exactly '1': the gate must read the same.
  {
    name: 'ssl_check repeated before payload=null',
    status: 400,
    body: 'ssl_check=1&ssl_check=2&payload=null',
  },
  {
    name: 'ssl_check after 1,000 other fields, payload=null',
    status: 400,
    body: `payload=null&${Array.from({ length: 999 }, (_, i) => `k${i}=1`).join('&')}&ssl_check=1`,
  },
  {
    name: 'ssl_check=1 in a JSON body of null',
    status: 400,
    body: 'null',
    contentType: 'application/json',
  },
  {
    name: 'form with a charset: read as JSON by Bolt',
    status: 400,
    body: 'payload=null',
    contentType: 'application/x-www-form-urlencoded; charset=utf-8',
  },
  { name: 'neither a payload nor a command', status: 400, body: 'text=hello&user_id=U1' },
  { name: 'an empty form', status: 400, body: '' },
  { name: 'text/plain', status: 400, body: click, contentType: 'text/plain' },
  { name: 'multipart', status: 400, body: click, contentType: 'multipart/form-data; boundary=x' },
  { name: 'no content type', status: 400, body: click, contentType: '' },
  ...['null', '[]', '"x"', '7', '{}', '{"type":5}', '{"type":"event_callback"', 'not json'].map(
    (body): Case => ({
      name: `JSON body ${body}`,
      status: 400,
      body,
      contentType: 'application/json',
    }),
  ),
];

async function send(url: string, c: Case): Promise<number> {
  const timestamp = c.timestamp === undefined ? String(now()) : c.timestamp;
  const signature = c.signature === undefined ? signSlack(c.body, Number(timestamp)) : c.signature;
  const headers: Record<string, string> = {};
  const type = c.contentType ?? FORM;
  if (type) headers['content-type'] = type;
  if (timestamp !== null) headers['x-slack-request-timestamp'] = timestamp;
  if (signature !== null) headers['x-slack-signature'] = signature;
  if (c.contentLength) headers['content-length'] = c.contentLength;
  const method = c.method ?? 'POST';
  const res = await fetch(`${url}/slack/events`, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body: c.body }),
  }).catch((error: unknown) => ({ status: -1, error, text: async () => '' }));
  await res.text();
  return res.status;
}

describe('hostile requests to /slack/events: refused before Bolt, changing nothing', () => {
  const fakes = useFakes();
  const running = useApp(fakes);

  it('has a table of at least 50 hostile Slack requests', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CASES)('$name → $status', async (c) => {
    const status = await send(running.app.url, c);
    // A declared length the body does not fill may be cut off by the client once refused.
    expect(c.contentLength ? [c.status, -1] : [c.status]).toContain(status);
  });

  it('posted, opened and sent nothing, and is up', async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.slack.messages).toHaveLength(0);
    expect(fakes.tencent.calls).toHaveLength(0);
    expect(await running.app.store.queue.pendingCount()).toBe(0);
    expect((await fetch(`${running.app.url}/healthz`)).status).toBe(200);
  });
});
