import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { type FakeTencent, startFakeTencent } from '../fakes/tencent-api.js';
import {
  type ChildApp,
  freePort,
  postWebhook,
  SDKAPPID,
  spawnApp,
  testEnv,
} from '../helpers/app.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import {
  blockActionPayload,
  commandBody,
  interactionBody,
  postSlack,
} from '../helpers/slack-requests.js';
import { samples } from '../helpers/tencent-samples.js';

/**
 * Replicas of the real app (separate processes) sharing one Redis. The app uses the default
 * key prefix `recall-bot:`, so these tests get a database of their own on the shared Redis and
 * flush it before each test. No other test file may use this database number.
 */
const REDIS_URL = process.env.REDIS_REPLICAS_TEST_URL ?? 'redis://127.0.0.1:6379/14';
const STREAM = 'recall-bot:events';
const GROUP = 'feed';
const ACCOUNT = '@TOA#_2J4SZEAEL';
const TENCENT_KEY = 'test-tencent-secret-key';

async function flushReplicaDb(): Promise<void> {
  const db = Number(new URL(REDIS_URL).pathname.slice(1) || '0');
  if (db < 10) throw new Error(`refusing to flush database ${db} of ${REDIS_URL}`);
  const redis = new Redis(REDIS_URL);
  try {
    await redis.flushdb();
  } finally {
    await redis.quit();
  }
}

/** A MsgKey no other key of the file contains (fixed width), e.g. `feed-0007_1_1698741698`. */
const msgKey = (tag: string, i: number) => `${tag}-${String(i).padStart(4, '0')}_1_1698741698`;
const recallKeys = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `${from + i}_1_1698741698`);

const c2c = (key: string, i = 0) => ({ ...samples.c2c, From_Account: `u${i % 7}`, MsgKey: key });

function alive(app: ChildApp): boolean {
  return app.process.exitCode === null && app.process.signalCode === null;
}

/** Stops a replica: SIGTERM, then SIGKILL if it is still there after 10 s. */
async function stopApp(app: ChildApp): Promise<void> {
  if (!alive(app)) return;
  app.process.kill('SIGTERM');
  const timer = setTimeout(() => app.process.kill('SIGKILL'), 10_000);
  await app.exited;
  clearTimeout(timer);
}

/** Runs `tasks` with at most `limit` in flight; results in order. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

async function health(app: ChildApp): Promise<number> {
  try {
    const res = await fetch(`${app.url}/healthz`);
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

async function waitUntil(
  what: string,
  predicate: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Button {
  action_id: string;
  value: string;
}

function confirmValue(blocks: unknown): string {
  for (const block of (blocks ?? []) as { type: string; elements?: Button[] }[]) {
    for (const element of block.elements ?? []) {
      if (element.action_id === 'confirm_recall') return element.value;
    }
  }
  throw new Error(`no confirm_recall button in ${JSON.stringify(blocks)}`);
}

describe('replicas on one Redis', () => {
  let slack: FakeSlack;
  let tencent: FakeTencent;
  const children: ChildApp[] = [];
  let redisServer: RedisServer | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { UADMIN: { is_admin: true } } });
    tencent = await startFakeTencent({
      sdkAppId: Number(SDKAPPID),
      key: TENCENT_KEY,
      identifier: 'administrator',
      ratePerSecond: 20,
    });
  });
  afterAll(async () => {
    await slack.close();
    await tencent.close();
  });
  beforeEach(async () => {
    slack.reset();
    tencent.reset();
    await flushReplicaDb();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopApp));
    await redisServer?.close();
    redisServer = undefined;
  });

  async function replica(extra: Record<string, string> = {}): Promise<ChildApp> {
    const env = testEnv(slack.apiUrl, {
      REDIS_URL,
      TENCENT_API_BASE: tencent.url,
      LOG_LEVEL: 'warn',
      ...extra,
    });
    const app = await spawnApp(env, await freePort());
    children.push(app);
    return app;
  }

  /** Feed messages that show `key` (a digest's attached file included). */
  const postsOf = (key: string) =>
    slack.messages.filter((m) => !m.ephemeral && JSON.stringify(m).includes(key)).length;

  /** Waits until every key is posted, lets duplicates show up, then checks each is posted once. */
  async function expectEachPostedOnce(keys: string[], timeoutMs: number): Promise<void> {
    await slack
      .waitFor(() => keys.every((k) => postsOf(k) >= 1), timeoutMs)
      .catch(() => {
        const missing = keys.filter((k) => postsOf(k) === 0);
        throw new Error(`${missing.length} of ${keys.length} never posted, e.g. ${missing[0]}`);
      });
    await new Promise((r) => setTimeout(r, 1500));
    const wrong = keys
      .map((k) => ({ key: k, posts: postsOf(k) }))
      .filter((entry) => entry.posts !== 1);
    expect(wrong).toEqual([]);
  }

  async function streamLength(url = REDIS_URL): Promise<number> {
    const redis = new Redis(url);
    try {
      return await redis.xlen(STREAM);
    } finally {
      await redis.quit();
    }
  }

  it('posts each of 200 webhooks spread over two replicas exactly once', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const keys = Array.from({ length: 200 }, (_, i) => msgKey('spread', i));
    const statuses = await pooled(
      keys.map((key, i) => async () => {
        const target = i % 2 === 0 ? a : b;
        return (await postWebhook(target.url, c2c(key, i))).status;
      }),
      20,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await expectEachPostedOnce(keys, 30_000);
    expect(await streamLength()).toBe(0);
  }, 60_000);

  it('posts once an event delivered to both replicas at the same moment (20 pairs)', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const keys = Array.from({ length: 20 }, (_, i) => msgKey('pair', i));
    const answers = await Promise.all(
      keys.map((key, i) =>
        Promise.all([postWebhook(a.url, c2c(key, i)), postWebhook(b.url, c2c(key, i))]),
      ),
    );
    for (const pair of answers) {
      for (const answer of pair) {
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
      }
    }
    await expectEachPostedOnce(keys, 20_000);
  }, 60_000);

  it('recalls once when a confirmation made on replica A is clicked on replica B', async () => {
    tencent.addMessages(ACCOUNT, recallKeys(10));
    const [a, b] = await Promise.all([replica(), replica()]);
    const commandUrl = slack.responseUrl();
    const command = await postSlack(
      a.url,
      commandBody({
        text: `${ACCOUNT} 1_1_1698741698 2_1_1698741698`,
        userId: 'UADMIN',
        responseUrl: commandUrl,
      }),
    );
    expect(command.status).toBe(200);
    const value = confirmValue((command.json as { blocks?: unknown }).blocks);
    expect(tencent.calls).toHaveLength(0);

    const clickUrl = slack.responseUrl();
    const click = await postSlack(
      b.url,
      interactionBody(
        blockActionPayload({
          actionId: 'confirm_recall',
          value,
          userId: 'UADMIN',
          responseUrl: clickUrl,
        }),
      ),
    );
    expect(click.status).toBe(200);
    const finalTo = async (url: string) => {
      const finals = () =>
        slack.responses
          .filter((r) => url.endsWith(`/${r.id}`))
          .map((r) => JSON.stringify(r.body))
          .filter((t) => !t.includes(':hourglass_flowing_sand:'));
      await slack.waitFor(() => finals().length > 0, 15_000);
      return finals().at(-1) ?? '';
    };
    expect(await finalTo(clickUrl)).toContain('Recalled *2 of 2*');
    expect(tencent.calls).toHaveLength(1);
    expect(tencent.calls[0]?.msgKeys).toEqual(['1_1_1698741698', '2_1_1698741698']);
    expect(tencent.isRecalled(ACCOUNT, '1_1_1698741698')).toBe(true);
    expect(tencent.isRecalled(ACCOUNT, '2_1_1698741698')).toBe(true);

    // The same confirmation, clicked again on A, is used up: nothing more goes to Tencent.
    const againUrl = slack.responseUrl();
    await postSlack(
      a.url,
      interactionBody(
        blockActionPayload({
          actionId: 'confirm_recall',
          value,
          userId: 'UADMIN',
          responseUrl: againUrl,
        }),
      ),
    );
    expect(await finalTo(againUrl)).toContain('already used or has expired');
    expect(tencent.calls).toHaveLength(1);
  }, 60_000);

  it('resumes on replica B a recall that replica A was running when it was killed', async () => {
    const keys = recallKeys(120, 500);
    tencent.addMessages(ACCOUNT, keys);
    const [a, b] = await Promise.all([
      replica({ RECALL_RATE_PER_SECOND: '6' }),
      replica({ RECALL_RATE_PER_SECOND: '6' }),
    ]);
    const command = await postSlack(
      a.url,
      commandBody({
        text: `${ACCOUNT} ${keys.join(' ')}`,
        userId: 'UADMIN',
        responseUrl: slack.responseUrl(),
      }),
    );
    const value = confirmValue((command.json as { blocks?: unknown }).blocks);
    const clickUrl = slack.responseUrl();
    await postSlack(
      a.url,
      interactionBody(
        blockActionPayload({
          actionId: 'confirm_recall',
          value,
          userId: 'UADMIN',
          responseUrl: clickUrl,
        }),
      ),
    );
    await slack.waitFor(() => tencent.calls.length >= 3, 10_000);
    a.process.kill('SIGKILL');
    expect(await a.exited).toBeNull();
    const finals = () =>
      slack.responses
        .filter((r) => clickUrl.endsWith(`/${r.id}`))
        .map((r) => JSON.stringify(r.body))
        .filter((t) => !t.includes(':hourglass_flowing_sand:'));
    // B takes the job over once A's lease (30 s) lapses, at its next look (every 15 s).
    await slack.waitFor(() => finals().length > 0, 70_000);
    expect(finals()).toHaveLength(1);
    for (const key of keys) expect(tencent.isRecalled(ACCOUNT, key), key).toBe(true);
    const sends = new Map<string, number>();
    for (const call of tencent.calls) {
      for (const key of call.msgKeys) sends.set(key, (sends.get(key) ?? 0) + 1);
    }
    expect([...sends.values()].every((n) => n <= 2)).toBe(true);
    expect(await health(b)).toBe(200);
  }, 120_000);

  it('keeps two replicas together within one recall rate (20/s) on Redis', async () => {
    tencent.addMessages(ACCOUNT, recallKeys(300));
    const [a, b] = await Promise.all([
      replica({ RECALL_RATE_PER_SECOND: '20' }),
      replica({ RECALL_RATE_PER_SECOND: '20' }),
    ]);
    const on = (i: number) => (i % 2 === 0 ? a : b);
    const values = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await postSlack(
          on(i).url,
          commandBody({
            text: `${ACCOUNT} ${recallKeys(10, i * 10 + 1).join(' ')}`,
            userId: 'UADMIN',
            responseUrl: slack.responseUrl(),
          }),
        );
        expect(res.status).toBe(200);
        return confirmValue((res.json as { blocks?: unknown }).blocks);
      }),
    );
    expect(tencent.calls).toHaveLength(0);

    const started = Date.now();
    const urls = await Promise.all(
      values.map(async (value, i) => {
        const responseUrl = slack.responseUrl();
        const res = await postSlack(
          on(i).url,
          interactionBody(
            blockActionPayload({
              actionId: 'confirm_recall',
              value,
              userId: 'UADMIN',
              responseUrl,
            }),
          ),
        );
        expect(res.status).toBe(200);
        return responseUrl;
      }),
    );
    const finalOf = (url: string) =>
      slack.responses
        .filter((r) => url.endsWith(`/${r.id}`))
        .map((r) => JSON.stringify(r.body))
        .find((t) => !t.includes(':hourglass_flowing_sand:'));
    await slack.waitFor(() => urls.every((u) => finalOf(u) !== undefined), 30_000);
    const elapsed = Date.now() - started;
    for (const url of urls) expect(finalOf(url)).toContain('Recalled *10 of 10*');

    const all = recallKeys(300);
    expect(all.filter((k) => !tencent.isRecalled(ACCOUNT, k))).toEqual([]);
    const recalledOk = tencent.calls
      .filter((c) => c.answer === 'ok')
      .flatMap((c) => (c.results ?? []).filter((r) => r.RetCode === 0).map((r) => r.MsgKey));
    expect(recalledOk.sort()).toEqual([...all].sort());
    const most = tencent.maxInAnySecond();
    const refused = tencent.calls.filter((c) => c.errorCode === 60007).length;
    console.info(
      `[replicas] rate: ${tencent.calls.length} Tencent requests (${refused} answered 60007), most in any second ${most}, all answered in ${elapsed} ms`,
    );
    // When it fails, the arrivals (ms after the first) and answers show where the burst was.
    const first = tencent.calls[0]?.at ?? 0;
    const timeline = tencent.calls
      .map((c) => `${c.at - first}${c.answer === 'ok' ? '' : `:${c.errorCode ?? c.answer}`}`)
      .join(' ');
    expect(most, `arrivals (ms, :code when refused): ${timeline}`).toBeLessThanOrEqual(21);
  }, 60_000);

  it("delivers a SIGKILLed replica's acknowledged events exactly once from the other replica", async () => {
    slack.setOutage('http503');
    const a = await replica();
    const keys = Array.from({ length: 100 }, (_, i) => msgKey('kill', i));
    const statuses = await pooled(
      keys.map((key, i) => async () => (await postWebhook(a.url, c2c(key, i))).status),
      10,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // A has taken events and is retrying them against the outage.
    await slack.waitFor(
      () =>
        slack.calls.some((c) => c.method === 'chat.postMessage' || c.method.startsWith('files')),
      10_000,
    );
    expect(slack.messages).toHaveLength(0);

    // B is up before A dies: it takes the events nobody holds yet.
    const b = await replica();
    const redis = new Redis(REDIS_URL);
    let heldByA: string[] = [];
    let killedAt = 0;
    try {
      const aPid = `-${a.process.pid}-`;
      const pending = async () =>
        (await redis.xpending(STREAM, GROUP, '-', '+', 1000)) as [string, string, number, number][];
      // Wait until B holds the rest, so the only thing left to A is what it held.
      await waitUntil(
        'B to claim the events A does not hold',
        async () => (await pending()).length === 100,
        10_000,
      );
      const entries = await pending();
      const ids = entries.filter(([, consumer]) => consumer.includes(aPid)).map(([id]) => id);
      heldByA = [];
      for (const id of ids) {
        const [entry] = await redis.xrange(STREAM, id, id);
        const fields = entry?.[1] ?? [];
        const payload = fields[fields.indexOf('payload') + 1] ?? '';
        const key = keys.find((k) => payload.includes(k));
        if (key) heldByA.push(key);
      }
      expect(ids.length).toBeGreaterThan(0);
      expect(heldByA).toHaveLength(ids.length);

      a.process.kill('SIGKILL');
      expect(await a.exited).toBeNull();
      killedAt = Date.now();
      slack.setOutage('none');

      // B posts its own at once, and A's once their lease (30 s by default) runs out: entries
      // of a dead consumer are taken over by XAUTOCLAIM only after that idle time.
      const notHeldByA = keys.filter((k) => !heldByA.includes(k));
      await slack.waitFor(() => notHeldByA.every((k) => postsOf(k) >= 1), 20_000);
      const othersAfter = Date.now() - killedAt;
      await slack.waitFor(() => heldByA.every((k) => postsOf(k) >= 1), 45_000);
      const takenOverAfter = Date.now() - killedAt;
      await expectEachPostedOnce(keys, 5_000);
      console.info(
        `[replicas] SIGKILL: A held ${heldByA.length} of 100 events (${heldByA.slice(0, 3).join(', ')}); B posted the other ${notHeldByA.length} by ${othersAfter} ms after the kill, A's by ${takenOverAfter} ms`,
      );
      await waitUntil('the stream to empty', async () => (await redis.xlen(STREAM)) === 0, 5_000);
      expect(await health(b)).toBe(200);
    } finally {
      await redis.quit();
    }
  }, 100_000);

  it('does not post again what a SIGKILLed replica posted just before dying (it looks first)', async () => {
    const a = await replica();
    const held = slack.hold('chat.postMessage');
    const key = msgKey('posted-then-killed', 0);
    expect((await postWebhook(a.url, c2c(key))).status).toBe(200);
    // Slack has the post; A dies before hearing back, so nothing recorded it as done.
    await held.waitForHeld(1, 10_000);
    const b = await replica();
    a.process.kill('SIGKILL');
    expect(await a.exited).toBeNull();
    held.release();
    expect(postsOf(key)).toBe(1);
    // B takes the event over once A's lease runs out, finds the post in the channel, and acks it.
    await waitUntil('the stream to empty', async () => (await streamLength()) === 0, 45_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(postsOf(key)).toBe(1);
    expect(slack.calls.some((c) => c.method === 'conversations.history')).toBe(true);
    expect(await health(b)).toBe(200);
  }, 100_000);

  it('loses and doubles nothing when Redis restarts mid-run, and gets healthy again', async () => {
    redisServer = await startRedisServer();
    const server = redisServer;
    slack.setOutage('http503');
    const app = await replica({ REDIS_URL: server.url });
    expect(await health(app)).toBe(200);
    const first = Array.from({ length: 50 }, (_, i) => msgKey('restart', i));
    const statuses = await pooled(
      first.map((key, i) => async () => (await postWebhook(app.url, c2c(key, i))).status),
      10,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await slack.waitFor(() => slack.calls.some((c) => c.method === 'chat.postMessage'), 10_000);
    expect(await streamLength(server.url)).toBe(50);

    await server.stop();
    await waitUntil(
      '/healthz to say 503 while Redis is down',
      async () => (await health(app)) === 503,
      10_000,
    );
    await server.start();
    const restartedAt = Date.now();
    // Everything answered before the restart is still there (AOF, fsync always).
    expect(await streamLength(server.url)).toBe(50);
    await waitUntil('/healthz to return to 200', async () => (await health(app)) === 200, 20_000);
    const healthyAfter = Date.now() - restartedAt;
    slack.setOutage('none');

    const more = Array.from({ length: 10 }, (_, i) => msgKey('after', i));
    for (const [i, key] of more.entries()) {
      const res = await postWebhook(app.url, c2c(key, i));
      expect(res.status, `webhook ${key} after the restart: ${JSON.stringify(res.json)}`).toBe(200);
    }
    await expectEachPostedOnce([...first, ...more], 30_000);
    expect(await streamLength(server.url)).toBe(0);
    expect(await health(app)).toBe(200);
    console.info(
      `[replicas] Redis restart: /healthz back to 200 ${healthyAfter} ms after Redis was up`,
    );
  }, 90_000);
});
