import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSign } from '../../src/tencent/webhook/verify.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import {
  CALLBACK_TOKEN,
  type ChildApp,
  freePort,
  SDKAPPID,
  spawnApp,
  testEnv,
} from '../helpers/app.js';
import { c2cOf, showing } from '../helpers/feed.js';

/** A raw keep-alive connection, so a test can send a request a piece at a time. */
function open(
  port: number,
): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString();
    });
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
  });
}

function webhookHead(body: string): string {
  const time = String(Math.floor(Date.now() / 1000));
  const query = new URLSearchParams({
    SdkAppid: SDKAPPID,
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    RequestTime: time,
    Sign: computeSign(CALLBACK_TOKEN, time),
  });
  return [
    `POST /tencent/webhook?${query} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: keep-alive',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    '',
  ].join('\r\n');
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('shutdown: gone within 30 s, whatever the connections do', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });

  async function start(): Promise<{ app: ChildApp; port: number }> {
    const port = await freePort();
    return { app: await spawnApp(testEnv(slack.apiUrl, { LOG_LEVEL: 'warn' }), port), port };
  }

  it('answers a request in flight with Connection: close, closes idle keep-alive connections and exits', async () => {
    const { app, port } = await start();
    const idle = await open(port);
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await until(() => idle.received().includes('"status"'), 5_000);
    const busy = await open(port);
    const body = JSON.stringify(c2cOf('in-flight_1_1'));
    busy.socket.write(webhookHead(body) + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    const stoppedAt = Date.now();
    app.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    busy.socket.write(body.slice(10));
    await until(() => busy.received().includes('\r\n\r\n{'), 5_000);
    expect(busy.received()).toMatch(/^HTTP\/1.1 200/);
    expect(busy.received().toLowerCase()).toContain('connection: close');
    expect(await app.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    await Promise.all([idle.closed, busy.closed]);
  });

  it('cuts a request that is never finished and exits within the grace period', async () => {
    const { app, port } = await start();
    const half = await open(port);
    const body = JSON.stringify(c2cOf('never-finished_1_1'));
    half.socket.write(webhookHead(body) + body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 200));
    const stoppedAt = Date.now();
    app.process.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    const took = Date.now() - stoppedAt;
    expect(took).toBeLessThan(25_000);
    await half.closed;
    expect(showing(slack, 'never-finished_1_1')).toHaveLength(0);
  });
});
