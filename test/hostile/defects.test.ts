import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSign } from '../../src/tencent/webhook/verify.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import {
  CALLBACK_TOKEN,
  type ChildApp,
  freePort,
  postWebhook,
  SDKAPPID,
  spawnApp,
  testEnv,
} from '../helpers/app.js';
import { c2cOf, sendOf, showing } from '../helpers/feed.js';
import { memoryOf } from '../helpers/proc.js';
import { commandBody, postSlack, signSlack } from '../helpers/slack-requests.js';

/** Hostile input that used to crash the process, lose an event or grow without bound. */
describe('hostile input: the defects found against main', () => {
  let slack: FakeSlack;
  let app: ChildApp;

  beforeAll(async () => {
    slack = await startFakeSlack();
    app = await spawnApp(testEnv(slack.apiUrl, { LOG_LEVEL: 'warn' }), await freePort());
  }, 60_000);
  afterAll(async () => {
    if (app.process.exitCode === null) {
      app.process.kill('SIGTERM');
      await app.exited;
    }
    await slack.close();
  });

  const alive = async () => {
    expect(app.process.exitCode).toBeNull();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  };

  it('refuses a signed Slack body of `payload=null` or JSON `null` with 400 and stays up', async () => {
    for (const body of ['payload=null', 'payload=42', 'payload=%5B%5D', 'payload={', 'x=1']) {
      const res = await postSlack(app.url, body);
      expect(res.status, body).toBe(400);
    }
    const ts = Math.floor(Date.now() / 1000);
    for (const body of ['null', '[]', '"x"', '{}']) {
      const res = await fetch(`${app.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signSlack(body, ts),
        },
        body,
      });
      expect(res.status, body).toBe(400);
    }
    await alive();
  });

  it('answers GET and PUT on /slack/events and /tencent/webhook with 405 and Allow, logging nothing', async () => {
    const before = app.output();
    for (const path of ['/slack/events', '/tencent/webhook']) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`${app.url}${path}`, {
          method,
          ...(method === 'PUT' ? { body: 'x' } : {}),
        });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        const text = await res.text();
        if (path === '/tencent/webhook')
          expect(JSON.parse(text)).toMatchObject({ ActionStatus: 'FAIL' });
      }
    }
    expect(app.output().slice(before.length)).not.toMatch(/request failed|error/i);
  });

  it('refuses Slack timestamps 10 minutes or a day in the future, even correctly signed', async () => {
    for (const ahead of [10 * 60, 24 * 60 * 60]) {
      const res = await postSlack(app.url, 'payload=%7B%7D', {
        timestamp: Math.floor(Date.now() / 1000) + ahead,
      });
      expect(res.status).toBe(401);
    }
  });

  it('refuses an unsigned 4 MB body before reading it, and 100 at once do not grow memory', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    const send = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const req = request(`${app.url}/slack/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(-1));
        req.end(big);
      });
    const before = memoryOf(app.process.pid ?? 0).rssMiB;
    const statuses = await Promise.all(Array.from({ length: 100 }, () => send({})));
    expect(statuses.every((s) => s === 401 || s === -1)).toBe(true);
    // Signed headers but a body over the limit: 413 from the declared length.
    const ts = String(Math.floor(Date.now() / 1000));
    expect(await send({ 'x-slack-request-timestamp': ts, 'x-slack-signature': 'v0=00' })).toBe(413);
    expect(memoryOf(app.process.pid ?? 0).rssMiB - before).toBeLessThan(100);
    await alive();
  }, 60_000);

  it('refuses a webhook nested too deep with 400 before taking its dedupe key', async () => {
    // Inside MsgContent, which the schema takes as it is: only the depth check refuses it.
    const deep = `${'['.repeat(6000)}"x"${']'.repeat(6000)}`;
    const rawBody = JSON.stringify({
      ...sendOf('deep_1_1'),
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'DEEP' } }],
    }).replace('"DEEP"', deep);
    expect(rawBody).toContain(deep);
    const refused = await postWebhook(app.url, sendOf('deep_1_1'), { rawBody });
    expect(refused.status).toBe(400);
    // The same event with a normal body is stored and posted.
    expect((await postWebhook(app.url, sendOf('deep_1_1'))).status).toBe(200);
    await slack.waitFor(() => showing(slack, 'deep_1_1').length === 1, 10_000);
  });

  it('keeps /metrics labels to a fixed set whatever CallbackCommand strangers send', async () => {
    const sizeBefore = (await (await fetch(`${app.url}/metrics`)).text()).length;
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        postWebhook(app.url, { CallbackCommand: `Random.Command${i}` }, { sdkAppId: '1400000999' }),
      ),
    );
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    const commands = new Set(
      [...metrics.matchAll(/recallbot_webhooks_total\{command="([^"]*)"/g)].map((m) => m[1]),
    );
    expect(commands.has('other')).toBe(true);
    expect([...commands].some((c) => c?.startsWith('Random.'))).toBe(false);
    expect(metrics.length - sizeBefore).toBeLessThan(2_000);
  });

  it('refuses an uppercase-hex Sign (SPEC: lowercase)', async () => {
    const time = String(Math.floor(Date.now() / 1000));
    const res = await postWebhook(app.url, sendOf('upper_1_1'), {
      extraQuery: '',
      requestTime: Number(time),
      token: null,
    }).then(() =>
      fetch(
        `${app.url}/tencent/webhook?SdkAppid=${SDKAPPID}&CallbackCommand=OfficialAccount.CallbackAfterSendMsg&RequestTime=${time}&Sign=${computeSign(CALLBACK_TOKEN, time).toUpperCase()}`,
        { method: 'POST', body: JSON.stringify(sendOf('upper_1_1')) },
      ),
    );
    expect(res.status).toBe(401);
  });

  it('bounds memory under 100 concurrent valid 1 MiB webhooks (503 beyond the budget)', async () => {
    // Valid and 1 MiB: a recall event padded with a field the schema drops (what is stored is
    // small; a message body is bounded by the schema, as Tencent's are).
    const padding = 'y'.repeat(1024 * 1024 - 2048);
    const body = (i: number) => ({ ...c2cOf(`big${i}_1_1`), Padding: padding });
    const before = memoryOf(app.process.pid ?? 0).peakMiB;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => postWebhook(app.url, body(i))),
    );
    for (const r of results) expect([200, 503]).toContain(r.status);
    expect(results.some((r) => r.status === 503)).toBe(true);
    // Unbounded, this took 600–900 MiB; within the 16 MiB budget it stays far below.
    expect(memoryOf(app.process.pid ?? 0).peakMiB - before).toBeLessThan(250);
    await alive();
  }, 60_000);

  it('keeps its memory budget for callers it can check: stalled bodies of strangers starve nobody', async () => {
    const port = Number(new URL(app.url).port);
    /** Opens a request, sends all of its body but the last byte, and stalls. */
    const stall = (head: string, size: number) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`${head}Content-Length: ${size}\r\n\r\n`);
      socket.write(Buffer.alloc(size - 1, 'a'));
      return socket;
    };
    const ts = Math.floor(Date.now() / 1000);
    const sockets = [
      // Webhooks of another SDKAppID: refused from the query, their bodies never counted.
      ...Array.from({ length: 17 }, () =>
        stall(
          'POST /tencent/webhook?SdkAppid=999&CallbackCommand=x HTTP/1.1\r\nHost: x\r\n',
          1024 * 1024,
        ),
      ),
      // Slack bodies with a made-up signature: they fill Slack's own budget, for 10 s at most.
      ...Array.from({ length: 5 }, () =>
        stall(
          `POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: ${ts}\r\n`,
          2 * 1024 * 1024,
        ),
      ),
    ];
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect((await postWebhook(app.url, sendOf('stalled_1_1'))).status).toBe(200);
      // Slack's budget frees itself once the stalled bodies are cut (408 after 10 s).
      await slack.waitFor(async () => {
        const res = await postSlack(
          app.url,
          commandBody({ text: 'help', userId: 'U1', responseUrl: slack.responseUrl() }),
        );
        return res.status === 200;
      }, 15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await alive();
  }, 30_000);

  it('names the 1,000-key limit for a /recall of 100,000 keys', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `${i}_1_1698741698`).join(' ');
    const res = await postSlack(
      app.url,
      commandBody({ text: `@TOA#_X ${keys}`, userId: 'U1', responseUrl: slack.responseUrl() }),
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toMatch(/at most 1,000 MsgKeys/);
  });

  it('printed nothing past its redacting logger: every line is one of its JSON lines', () => {
    const lines = app.output().split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  });
});
