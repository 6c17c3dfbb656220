import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../fakes/slack-api.js';
import { type ChildApp, freePort, spawnApp, testEnv } from '../helpers/app.js';
import { useFakeSlack } from '../helpers/fake-slack.js';
import { accepted, c2cOf, repliesTo, sendOf, showing, withdrawalOf } from '../helpers/feed.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the app has nothing left to deliver. */
async function drained(slack: FakeSlack, app: ChildApp, timeoutMs = 20_000): Promise<void> {
  await slack.waitFor(async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    return /^recallbot_queue_depth 0$/m.test(metrics);
  }, timeoutMs);
  await sleep(500);
}

describe('feed faults: exactly once across a kill at any instant', () => {
  const fake = useFakeSlack();
  let env: Record<string, string>;
  let port: number;
  const children: ChildApp[] = [];

  async function start(): Promise<ChildApp> {
    const child = await spawnApp(env, port);
    children.push(child);
    return child;
  }

  /** kill -9, as a crash or an OOM kill would. */
  async function crash(app: ChildApp): Promise<void> {
    app.process.kill('SIGKILL');
    expect(await app.exited).toBeNull();
  }

  beforeEach(async () => {
    env = testEnv(fake.slack.apiUrl, { LOG_LEVEL: 'warn' });
    port = await freePort();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    }
  });

  it('posts a single event once when killed after Slack took it and before the app heard back', async () => {
    const first = await start();
    const held = fake.slack.hold('chat.postMessage');
    await accepted(first.url, c2cOf('single-crash_1_1'));
    await held.waitForHeld(1);
    await crash(first);
    held.release();
    expect(showing(fake.slack, 'single-crash_1_1')).toHaveLength(1);
    const second = await start();
    await drained(fake.slack, second);
    expect(showing(fake.slack, 'single-crash_1_1')).toHaveLength(1);
    expect(fake.slack.calls.some((c) => c.method === 'conversations.history')).toBe(true);
  });

  it.each([
    ['at once', 0],
    ['a moment after Slack answers (as Slack does)', 1_500],
  ])(
    'posts a burst digest and its file once when killed while the file was being shared, the share showing %s',
    async (_when, delayMs) => {
      const first = await start();
      fake.slack.setFileShareDelay(delayMs);
      fake.slack.setOutage('http503');
      await accepted(first.url, c2cOf('lead_1_1'));
      await sleep(300);
      // Identifiers too long for the message: the digest carries a file with every event in full.
      const keys = Array.from(
        { length: 29 },
        (_, i) => `${String(i).padStart(3, '0')}${'k'.repeat(217)}`,
      );
      await Promise.all(keys.map((key) => accepted(first.url, c2cOf(key))));
      const held = fake.slack.hold('files.completeUploadExternal');
      fake.slack.setOutage('none');
      await held.waitForHeld(1, 10_000);
      await crash(first);
      held.release();
      const second = await start();
      await drained(fake.slack, second);
      expect(showing(fake.slack, 'lead_1_1')).toHaveLength(1);
      for (const key of keys) expect(showing(fake.slack, key), key).toHaveLength(1);
    },
  );

  it('posts the plain-text fallback once when killed before the app heard back', async () => {
    const first = await start();
    fake.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const held = fake.slack.hold('files.completeUploadExternal');
    await accepted(first.url, c2cOf('fallback-crash_1_1'));
    await held.waitForHeld(1, 10_000);
    await crash(first);
    held.release();
    const second = await start();
    await drained(fake.slack, second);
    expect(showing(fake.slack, 'fallback-crash_1_1')).toHaveLength(1);
  });

  it('replies in a thread once when killed before the app heard back', async () => {
    const first = await start();
    const key = '91_1_1700000001';
    await accepted(first.url, sendOf(key));
    await fake.slack.waitFor(() => showing(fake.slack, key).length === 1, 5_000);
    const [post] = showing(fake.slack, key);
    const held = fake.slack.hold('chat.postMessage');
    await accepted(first.url, withdrawalOf([key]));
    await held.waitForHeld(1, 10_000);
    await crash(first);
    held.release();
    const second = await start();
    await drained(fake.slack, second);
    expect(repliesTo(fake.slack, post?.ts ?? '')).toHaveLength(1);
    expect(showing(fake.slack, key).filter((m) => !m.thread_ts)).toHaveLength(1);
  });

  it('posts once when the store cannot record the post (locked), also across a restart', async () => {
    const first = await start();
    const held = fake.slack.hold('chat.postMessage');
    await accepted(first.url, c2cOf('locked_1_1'));
    await held.waitForHeld(1);
    // Another process locks the database: the app cannot record that Slack took the post.
    const lock = new Database(join(env.DATA_DIR ?? '', 'recall-bot.sqlite'));
    lock.pragma('busy_timeout = 5000');
    lock.exec('BEGIN EXCLUSIVE');
    held.release();
    await fake.slack.waitFor(async () => {
      const health = await fetch(`${first.url}/healthz`);
      return health.status === 503 && (await health.text()).includes('locked');
    }, 10_000);
    await sleep(3_000);
    expect(showing(fake.slack, 'locked_1_1')).toHaveLength(1);
    await crash(first);
    lock.exec('ROLLBACK');
    lock.close();
    const second = await start();
    await drained(fake.slack, second);
    expect(showing(fake.slack, 'locked_1_1')).toHaveLength(1);
  });

  it('says on /healthz and in the log that it cannot promise exactly once without the history scopes', async () => {
    fake.slack.setMissingScopes(['channels:history']);
    const first = await start();
    await fake.slack.waitFor(async () => {
      const body = await (await fetch(`${first.url}/healthz`)).text();
      return body.includes('channels:history');
    }, 5_000);
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded' });
    expect(first.output()).toContain('cannot read the channel history');
    // What it warns of: a kill in the window posts that event again.
    const held = fake.slack.hold('chat.postMessage');
    await accepted(first.url, c2cOf('twice_1_1'));
    await held.waitForHeld(1);
    await crash(first);
    held.release();
    const second = await start();
    await drained(fake.slack, second);
    expect(showing(fake.slack, 'twice_1_1')).toHaveLength(2);
  });
});
