// npm run bench: each figure is measured against a baseline taken in the same run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSign } from '../src/tencent/webhook/verify.js';
import { startFakeSlack } from '../test/fakes/slack-api.js';
import { freePort } from '../test/helpers/app.js';
import { build, cpuMs, fmt, load, startProcess, stopProcess } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'bench-callback-token';
const SDKAPPID = '1400000001';

function appEnv(slackApiUrl: string, port: number): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slackApiUrl,
    SLACK_MODERATION_CHANNEL: 'CBENCH00001',
    TENCENT_SDKAPPID: SDKAPPID,
    TENCENT_SECRET_KEY: 'bench-secret-key',
    TENCENT_CALLBACK_TOKEN: TOKEN,
    PORT: String(port),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'recall-bot-bench-')),
    LOG_LEVEL: 'error',
  };
}

function webhookRequest(n: number, prefix: string): { path: string; body: string } {
  const time = String(Math.floor(Date.now() / 1000));
  const path = `/tencent/webhook?SdkAppid=${SDKAPPID}&CallbackCommand=C2C.CallbackAfterMsgWithDraw&contenttype=json&ClientIP=203.0.113.7&OptPlatform=Android&RequestTime=${time}&Sign=${computeSign(TOKEN, time)}`;
  const body = JSON.stringify({
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    From_Account: `user${n % 97}`,
    To_Account: `user${(n * 7) % 89}`,
    MsgKey: `${prefix}${n}_${n % 65536}_1698741698`,
    EventTime: Date.now(),
  });
  return { path, body };
}

/** Slack's own pace for posting to one channel: about one message per second. */
const SLACK_PACE = {
  'chat.postMessage': { perSecond: 1, retryAfter: 1 },
  'files.completeUploadExternal': { perSecond: 1, retryAfter: 1 },
};

async function ingest(): Promise<void> {
  // The feed worker runs during the load, against a Slack that paces posts as the real one does.
  const slack = await startFakeSlack({ rateLimits: SLACK_PACE });
  const barePort = await freePort();
  const bare = await startProcess(
    ['--import', 'tsx', 'bench/bare-server.ts'],
    { PORT: String(barePort) },
    `http://127.0.0.1:${barePort}/`,
  );
  await load(`http://127.0.0.1:${barePort}`, (n) => webhookRequest(n, 'w'), 2);
  const bareCpu = cpuMs(bare);
  const baseline = await load(
    `http://127.0.0.1:${barePort}`,
    (n) => webhookRequest(n, 'b'),
    SECONDS,
  );
  const bareCpuPerRequest = ((cpuMs(bare) - bareCpu) * 1000) / baseline.total;
  await stopProcess(bare);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await startProcess(['dist/main.js'], appEnv(slack.apiUrl, port), `${url}/healthz`);
  await load(url, (n) => webhookRequest(n, 'warm'), 2);
  const appCpu = cpuMs(app);
  const ours = await load(url, (n) => webhookRequest(n, 'x'), SECONDS);
  const appCpuPerRequest = ((cpuMs(app) - appCpu) * 1000) / ours.total;
  const metrics = await (await fetch(`${url}/metrics`)).text();
  await stopProcess(app);
  await slack.close();

  const accepted = Number(/outcome="accepted"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  console.log(
    '\n## Webhook ingest (50 connections, signed C2C recalls, every event committed before OK)',
  );
  console.log(
    `bare node:http JSON endpoint: ${fmt(baseline.requestsPerSecond, 0)} req/s, p99 ${baseline.p99Ms} ms, CPU ${fmt(bareCpuPerRequest)} µs/request`,
  );
  console.log(
    `recall-bot /tencent/webhook:  ${fmt(ours.requestsPerSecond, 0)} req/s, p99 ${ours.p99Ms} ms, CPU ${fmt(appCpuPerRequest)} µs/request (non-2xx ${ours.non2xx}, errors ${ours.errors})`,
  );
  console.log(
    `ratio: ${fmt(ours.requestsPerSecond / baseline.requestsPerSecond, 2)} of bare node:http`,
  );
  console.log(`events committed (accepted, incl. warm-up): ${accepted}`);
}

async function burst(): Promise<void> {
  const slack = await startFakeSlack({ rateLimits: SLACK_PACE });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await startProcess(['dist/main.js'], appEnv(slack.apiUrl, port), `${url}/healthz`);
  const started = Date.now();
  const keys: string[] = [];
  for (let i = 0; i < 500; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => {
        const { path, body } = webhookRequest(i + j, 'burst');
        keys.push(JSON.parse(body).MsgKey as string);
        return fetch(`${url}${path}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        }).then((r) => r.text());
      }),
    );
  }
  const accepted = Date.now() - started;
  await slack.waitFor(
    () => keys.every((k) => slack.messages.some((m) => JSON.stringify(m).includes(k))),
    120_000,
  );
  const drained = (Date.now() - started) / 1000;
  const posts = slack.messages.length;
  const calls = slack.calls.length;
  const limited = slack.calls.filter((c) => c.status === 429).length;
  await stopProcess(app);
  await slack.close();
  console.log('\n## Burst drain (500 events, Slack allows one post per second)');
  console.log(
    `all 500 accepted in ${fmt(accepted / 1000, 2)} s; all visible in Slack after ${fmt(drained, 2)} s`,
  );
  console.log(`posts: ${posts}; Slack calls: ${calls} (of which 429: ${limited})`);
  console.log(`ideal at one post per second for ${posts} posts: ${posts} s`);
}

build();
await ingest();
await burst();
