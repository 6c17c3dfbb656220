import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppOptions, type RunningApp, startApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { createLogger, type LogLevel, silentLogger } from '../../src/log.js';
import { computeSign } from '../../src/tencent/webhook/verify.js';

export const SDKAPPID = '1400000001';
export const CHANNEL = 'CMODERATION1';
export const BOT_TOKEN = 'xoxb-test-token';
export const SIGNING_SECRET = 'test-signing-secret';
export const CALLBACK_TOKEN = 'test-callback-token';

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'recall-bot-it-'));
}

/** The environment of an app wired to the fakes. */
export function testEnv(
  slackApiUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
    SLACK_MODERATION_CHANNEL: CHANNEL,
    TENCENT_SDKAPPID: SDKAPPID,
    TENCENT_SECRET_KEY: 'test-tencent-secret-key',
    TENCENT_CALLBACK_TOKEN: CALLBACK_TOKEN,
    PORT: '0',
    DATA_DIR: newDataDir(),
    LOG_LEVEL: 'error',
    ...extra,
  };
}

/** The real app, in this process, on a random port. */
export async function startTestApp(
  env: Record<string, string>,
  overrides: Partial<AppOptions> = {},
): Promise<RunningApp & { url: string }> {
  const app = await startApp(parseConfig(env), {
    // TEST_LOG=debug shows the app's log while debugging a test.
    logger: process.env.TEST_LOG
      ? createLogger({ level: process.env.TEST_LOG as LogLevel })
      : silentLogger,
    retry: { baseMs: 50, maxMs: 500, permanentMs: 200, maxOwnFailures: 3 },
    recallBackoff: { baseMs: 20, maxMs: 200 },
    ...overrides,
  });
  return Object.assign(app, { url: `http://127.0.0.1:${app.port}` });
}

export interface WebhookOptions {
  sdkAppId?: string;
  token?: string | null;
  requestTime?: number;
  extraQuery?: string;
  contentType?: string;
  rawBody?: string | Buffer;
}

/** A Tencent webhook call as Tencent makes it: query parameters, Sign, JSON body. */
export async function postWebhook(
  baseUrl: string,
  body: { CallbackCommand: string } | Record<string, unknown>,
  options: WebhookOptions = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const time = String(options.requestTime ?? Math.floor(Date.now() / 1000));
  const token = options.token === undefined ? CALLBACK_TOKEN : options.token;
  const command = String((body as { CallbackCommand?: unknown }).CallbackCommand ?? '');
  const params = new URLSearchParams({
    SdkAppid: options.sdkAppId ?? SDKAPPID,
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    OptPlatform: 'iOS',
  });
  if (token !== null) {
    params.set('RequestTime', time);
    params.set('Sign', computeSign(token, time));
  }
  const query = `${params.toString()}${options.extraQuery ?? ''}`;
  const response = await fetch(`${baseUrl}/tencent/webhook?${query}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json' },
    body: options.rawBody ?? JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
}

export interface ChildApp {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** The real app as its own process (`node --import tsx src/main.ts`), for kill -9 and replicas. */
export async function spawnApp(env: Record<string, string>, port: number): Promise<ChildApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.text();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`app did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, process: child, output: () => output, exited };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
