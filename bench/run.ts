// npm run bench: each figure is measured against a baseline taken in the same run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSign } from '../src/tencent/webhook/verify.js';
import { startFakeSlack } from '../test/fakes/slack-api.js';
import { freePort, SIGNING_SECRET } from '../test/helpers/app.js';
import {
  blockActionPayload,
  commandBody,
  interactionBody,
  postSlack,
} from '../test/helpers/slack-requests.js';
import { build, cpuMs, fmt, load, startProcess, stopProcess } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'bench-callback-token';
const SDKAPPID = '1400000001';

function appEnv(slackApiUrl: string, port: number): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
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

/** Ids of the confirmation buttons in an ephemeral `/recall` answer. */
function confirmationId(answer: unknown): string {
  const blocks = (answer as { blocks?: { elements?: { action_id?: string; value?: string }[] }[] })
    .blocks;
  for (const block of blocks ?? []) {
    for (const element of block.elements ?? []) {
      if (element.action_id === 'confirm_recall' && element.value) return element.value;
    }
  }
  throw new Error('no confirmation button in the answer');
}

interface TencentStats {
  url: string;
  calls: { at: number; answer: string }[];
  maxInAnySecond: number;
  recalled: number;
}

async function recallRate(): Promise<void> {
  await recallRateOn(1);
}

async function replicas(): Promise<void> {
  await ingestOnReplicas();
  await recallRateOn(2);
}

/** A Redis database of the benchmark's own, flushed before use (never the shared db 0). */
const BENCH_REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

async function flushBenchRedis(): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(BENCH_REDIS);
  await redis.flushdb();
  redis.disconnect();
}

async function ingestOnReplicas(): Promise<void> {
  await flushBenchRedis();
  const slack = await startFakeSlack({ rateLimits: SLACK_PACE });
  const apps = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const env = { ...appEnv(slack.apiUrl, port), REDIS_URL: BENCH_REDIS };
    apps.push({
      url: `http://127.0.0.1:${port}`,
      process: await startProcess(['dist/main.js'], env, `http://127.0.0.1:${port}/healthz`),
    });
  }
  await Promise.all(
    apps.map((app, i) => load(app.url, (n) => webhookRequest(n, `rw${i}_`), 2, 25)),
  );
  const results = await Promise.all(
    apps.map((app, i) => load(app.url, (n) => webhookRequest(n, `r${i}_`), SECONDS, 25)),
  );
  for (const app of apps) await stopProcess(app.process);
  await slack.close();
  const total = results.reduce((n, r) => n + r.requestsPerSecond, 0);
  const p99 = Math.max(...results.map((r) => r.p99Ms));
  const failed = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
  console.log('\n## Two replicas on one Redis (25 connections each, Redis store)');
  console.log(
    `ingest: ${fmt(total, 0)} req/s together, worst p99 ${p99} ms (non-2xx + errors ${failed})`,
  );
}

async function recallRateOn(replicaCount: number): Promise<void> {
  const REQUESTS = 200;
  const KEYS = 10;
  const RATE = 200;
  const account = '@TOA#_BENCH';
  const statsPort = await freePort();
  const statsUrl = `http://127.0.0.1:${statsPort}/stats`;
  const tencent = await startProcess(
    ['--import', 'tsx', 'bench/fake-tencent-process.ts'],
    {
      ACCOUNT: account,
      KEYS: String(REQUESTS * KEYS),
      SDKAPPID,
      SECRET_KEY: 'bench-secret-key',
      RATE: String(RATE),
      STATS_PORT: String(statsPort),
    },
    statsUrl,
  );
  const stats = async () => (await (await fetch(statsUrl)).json()) as TencentStats;
  const slack = await startFakeSlack({ users: { UADMIN: { is_admin: true } } });
  if (replicaCount > 1) await flushBenchRedis();
  const urls: string[] = [];
  const apps = [];
  for (let i = 0; i < replicaCount; i++) {
    const port = await freePort();
    urls.push(`http://127.0.0.1:${port}`);
    apps.push(
      await startProcess(
        ['dist/main.js'],
        {
          ...appEnv(slack.apiUrl, port),
          TENCENT_API_BASE: (await stats()).url,
          RECALL_RATE_PER_SECOND: String(RATE),
          ...(replicaCount > 1 ? { REDIS_URL: BENCH_REDIS } : {}),
        },
        `http://127.0.0.1:${port}/healthz`,
      ),
    );
  }
  const urlOf = (i: number) => urls[i % urls.length] ?? '';
  // 200 people each prepare a recall of 10 keys, then all confirm at once.
  const clicks: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const keys = Array.from({ length: KEYS }, (_, k) => `${i * KEYS + k + 1}_1_1698741698`);
    const answer = await postSlack(
      urlOf(i),
      commandBody({
        text: `${account} ${keys.join(' ')}`,
        userId: 'UADMIN',
        responseUrl: slack.responseUrl(),
      }),
    );
    clicks.push(
      interactionBody(
        blockActionPayload({
          actionId: 'confirm_recall',
          value: confirmationId(answer.json),
          userId: 'UADMIN',
          responseUrl: slack.responseUrl(),
        }),
      ),
    );
  }
  const clicked = Date.now();
  // Each click lands on another replica than the one that made its confirmation.
  await Promise.all(clicks.map((body, i) => postSlack(urlOf(i + 1), body)));
  const acked = Date.now() - clicked;
  const deadline = Date.now() + 60_000;
  let result = await stats();
  while (result.recalled < REQUESTS * KEYS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    result = await stats();
  }
  const ok = result.calls.filter((c) => c.answer === 'ok');
  const span = (ok.at(-1)?.at ?? 0) - (ok[0]?.at ?? 0);
  const ideal = ((ok.length - 1) * 1000) / RATE;
  const refused = result.calls.length - ok.length;
  for (const app of apps) await stopProcess(app);
  await stopProcess(tencent);
  await slack.close();
  console.log(
    `\n## Recall rate (${REQUESTS} requests of ${KEYS} keys from ${REQUESTS} concurrent confirmations, limit ${RATE}/s, ${replicaCount} replica${replicaCount > 1 ? 's on one Redis' : ''})`,
  );
  console.log(
    `span first→last request: ${fmt(span / 1000, 3)} s; ideal ${fmt(ideal / 1000, 3)} s; ratio ${fmt(span / ideal, 2)}`,
  );
  console.log(
    `all ${REQUESTS} clicks acknowledged ${acked} ms after the first; first request ${(ok[0]?.at ?? 0) - clicked} ms after it; keys recalled ${result.recalled}/${REQUESTS * KEYS}`,
  );
  console.log(
    `most requests in any one-second window: ${result.maxInAnySecond}; refused by the fake (60007 etc.): ${refused}`,
  );
}

// BENCH_ONLY=ingest,burst,recall picks sections.
const only = process.env.BENCH_ONLY?.split(',');
const sections: [string, () => Promise<void>][] = [
  ['ingest', ingest],
  ['burst', burst],
  ['recall', recallRate],
  ['replicas', replicas],
];
build();
for (const [name, run] of sections) {
  if (!only || only.includes(name)) await run();
}
