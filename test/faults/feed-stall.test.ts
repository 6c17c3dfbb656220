import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dedupeKeyOf } from '../../src/kinds/dedupe.js';
import { webhookBodySchema } from '../../src/kinds/registry.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { FakeMessage, FakeSlack } from '../fakes/slack-api.js';
import { CHANNEL, startTestApp, testEnv } from '../helpers/app.js';
import { useFakeSlack } from '../helpers/fake-slack.js';
import {
  accepted,
  c2cOf,
  feedPosts,
  repliesTo,
  sendOf,
  showing,
  visible,
  withdrawalOf,
} from '../helpers/feed.js';
import { runEntryPoint } from '../helpers/process.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function healthOf(
  app: TestApp,
): Promise<{ code: number; status: string; reasons: string[] }> {
  const res = await fetch(`${app.url}/healthz`);
  const body = (await res.json()) as { status: string; reasons: string[] };
  return { code: res.status, ...body };
}

/** `npm run dead-letters` as an operator runs it, against the app's own DATA_DIR. */
async function deadLettersCli(env: Record<string, string>, args: string[]): Promise<string> {
  const { code, output } = await runEntryPoint('src/cli/dead-letters.ts', args, env);
  if (code !== 0) throw new Error(`exit ${code}: ${output}`);
  return output;
}

/** Stores events while the app is down, so that its first claim takes them all in one batch. */
async function enqueueDirectly(env: Record<string, string>, bodies: object[]): Promise<void> {
  const store = new SqliteStore({ dataDir: env.DATA_DIR ?? '' });
  for (const body of bodies) {
    const parsed = webhookBodySchema.parse(body);
    await store.queue.enqueue(dedupeKeyOf(parsed), { body: parsed, receivedAt: Date.now() });
  }
  await store.close();
}

describe('feed faults: nothing stalls the feed', () => {
  const fake = useFakeSlack();
  let app: TestApp;
  let env: Record<string, string>;

  beforeEach(async () => {
    env = testEnv(fake.slack.apiUrl);
    app = await startTestApp(env, { feedBehindMs: 1_500 });
  });
  afterEach(async () => {
    await app.stop();
  });

  /** Posts a send and waits for its feed post. */
  async function posted(msgKey: string) {
    await accepted(app.url, sendOf(msgKey));
    await fake.slack.waitFor(() => showing(fake.slack, msgKey).length === 1, 5_000);
    const [post] = showing(fake.slack, msgKey);
    if (!post) throw new Error('no post');
    return post;
  }

  it.each([
    ['deleted', 'message_not_found'],
    ['frozen', 'cant_update_message'],
    ['archived with its channel', 'is_archived'],
  ])(
    'shows the recall of a %s feed post as a new post, and the events behind it flow',
    async (_how, error) => {
      const key = '71_1_1700000001';
      const post = await posted(key);
      if (error === 'message_not_found') fake.slack.deleteMessage(CHANNEL, post.ts);
      else fake.slack.failNext('chat.update', { error });
      await accepted(app.url, withdrawalOf([key]));
      for (let i = 0; i < 3; i++) await accepted(app.url, c2cOf(`after-${i}_1_1`));
      await fake.slack.waitFor(
        () => [0, 1, 2].every((i) => showing(fake.slack, `after-${i}_1_1`).length === 1),
        3_000,
      );
      await fake.slack.waitFor(
        () => showing(fake.slack, 'can no longer be changed').length === 1,
        3_000,
      );
      const [instead] = showing(fake.slack, 'can no longer be changed');
      expect(instead?.thread_ts).toBeUndefined();
      expect(visible(instead ?? post)).toContain(key);
      expect(visible(instead ?? post)).toContain(error);
      await sleep(500);
      expect(fake.slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(1);
      expect(showing(fake.slack, 'can no longer be changed')).toHaveLength(1);
      expect(await app.store.queue.pendingCount()).toBe(0);
    },
  );

  it('tells a recall of five posts in their threads once each, under one post a second, without holding up the feed', async () => {
    fake.slack.setChannelPostLimit({ perSecond: 1, retryAfter: 1 });
    const keys = Array.from({ length: 5 }, (_, i) => `7${i}_1_1700000001`);
    const posts: FakeMessage[] = [];
    for (const key of keys) posts.push(await posted(key));
    await accepted(app.url, withdrawalOf(keys));
    const behindAt = Date.now();
    await accepted(app.url, c2cOf('behind_1_1'));
    await fake.slack.waitFor(() => showing(fake.slack, 'behind_1_1').length === 1, 4_000);
    expect(Date.now() - behindAt).toBeLessThan(4_000);
    await fake.slack.waitFor(
      () => posts.every((p) => repliesTo(fake.slack, p.ts).length === 1),
      20_000,
    );
    await sleep(1_500);
    posts.forEach((post, i) => {
      const replies = repliesTo(fake.slack, post.ts);
      expect(replies, `thread of ${keys[i]}`).toHaveLength(1);
      const text = visible(replies[0] ?? post);
      for (const [j, key] of keys.entries()) {
        if (i === j) expect(text).toContain(key);
        else expect(text).not.toContain(key);
      }
      const updated = fake.slack.messages.find((m) => m.ts === post.ts);
      expect(updated?.updated).toBe(1);
      expect(JSON.stringify(updated?.blocks)).toContain('Recalled');
      expect(JSON.stringify(updated?.blocks)).not.toContain('"action_id":"feed_recall"');
    });
    expect(
      feedPosts(fake.slack).filter((p) => keys.some((k) => visible(p).includes(k))),
    ).toHaveLength(5);
  });

  it('posts a recall within seconds behind a burst of 40 sends, every send once', async () => {
    fake.slack.setChannelPostLimit({ perSecond: 1, retryAfter: 1 });
    const keys = Array.from({ length: 40 }, (_, i) => `${100 + i}_1_1700000001`);
    await Promise.all(keys.map((key) => accepted(app.url, sendOf(key))));
    const recallAt = Date.now();
    await accepted(app.url, c2cOf('after-sends_1_1'));
    await fake.slack.waitFor(() => showing(fake.slack, 'after-sends_1_1').length === 1, 5_000);
    expect(Date.now() - recallAt).toBeLessThan(5_000);
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 10_000);
    for (const key of keys) expect(showing(fake.slack, key), key).toHaveLength(1);
    expect(feedPosts(fake.slack).length).toBeLessThanOrEqual(5);
  });

  it('sets aside a post Slack keeps refusing, says so, lets the rest flow, and replays it', async () => {
    fake.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    fake.slack.failNext('files.completeUploadExternal', { error: 'invalid_arguments' }, 3);
    await accepted(app.url, c2cOf('refused_1_1'));
    await fake.slack.waitFor(
      () => fake.slack.calls.some((c) => c.method === 'chat.postMessage'),
      2_000,
    );
    await accepted(app.url, c2cOf('next_1_1'));
    await fake.slack.waitFor(() => showing(fake.slack, 'next_1_1').length === 1, 10_000);
    await fake.slack.waitFor(async () => (await app.store.queue.deadLetterCount()) === 1, 5_000);
    const health = await healthOf(app);
    expect(health).toMatchObject({ code: 200, status: 'degraded' });
    expect(health.reasons.join(' ')).toContain('dead letter');
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/recallbot_dead_letters 1/);
    expect(metrics).toMatch(/recallbot_events_dead_lettered_total\{kind="payload"\} 1/);
    expect(showing(fake.slack, 'refused_1_1')).toHaveLength(0);

    const listed = await deadLettersCli(env, []);
    expect(listed).toContain('1 dead letter');
    expect(listed).toContain('refused_1_1');
    expect(listed).toContain('invalid_arguments');
    expect(await deadLettersCli(env, ['replay'])).toContain('1 event put back in the queue');
    await fake.slack.waitFor(() => showing(fake.slack, 'refused_1_1').length === 1, 5_000);
    await fake.slack.waitFor(async () => (await healthOf(app)).status === 'ok', 5_000);
  });

  it('sets aside only the event Slack refuses, not the digest it was in', async () => {
    await app.stop();
    const keys = Array.from({ length: 6 }, (_, i) => `digest-${i}_1_1`);
    await enqueueDirectly(
      env,
      keys.map((key) => c2cOf(key)),
    );
    fake.slack.refuseContaining('digest-4_1_1', 'content_blocked');
    app = await startTestApp(env);
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 10_000);
    expect(await app.store.queue.deadLetterCount()).toBe(1);
    const [letter] = await app.store.queue.deadLetters();
    expect(JSON.stringify(letter?.event)).toContain('digest-4_1_1');
    for (const key of keys.filter((k) => k !== 'digest-4_1_1')) {
      expect(showing(fake.slack, key), key).toHaveLength(1);
    }
    expect(showing(fake.slack, 'could not be posted')).toHaveLength(1);
  });

  it('posts a recall within seconds behind sends of 12 accounts', async () => {
    fake.slack.setChannelPostLimit({ perSecond: 1, retryAfter: 1 });
    await app.stop();
    await enqueueDirectly(
      env,
      Array.from({ length: 12 }, (_, i) => sendOf(`${500 + i}_1_1700000001`, `@TOA#_acc${i}`)),
    );
    app = await startTestApp(env);
    await fake.slack.waitFor(() => feedPosts(fake.slack).length >= 2, 5_000);
    const recallAt = Date.now();
    await accepted(app.url, c2cOf('between-accounts_1_1'));
    await fake.slack.waitFor(() => showing(fake.slack, 'between-accounts_1_1').length === 1, 6_000);
    expect(Date.now() - recallAt).toBeLessThan(6_000);
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 60_000);
    expect(feedPosts(fake.slack)).toHaveLength(13);
  });

  it('says the feed is behind while an event waits too long, and recovers', async () => {
    fake.slack.setOutage('http503');
    await accepted(app.url, c2cOf('waiting_1_1'));
    await fake.slack.waitFor(async () => (await healthOf(app)).status === 'degraded', 5_000);
    const health = await healthOf(app);
    expect(health.code).toBe(200);
    expect(health.reasons.join(' ')).toMatch(
      /feed behind: the oldest waiting event was accepted \d+ s ago/,
    );
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/recallbot_feed_oldest_waiting_seconds [1-9]/);
    fake.slack.setOutage('none');
    await fake.slack.waitFor(() => showing(fake.slack, 'waiting_1_1').length === 1, 5_000);
    await fake.slack.waitFor(async () => (await healthOf(app)).status === 'ok', 5_000);
  });

  it('shows a send and its recall taken in one batch as one updated post', async () => {
    // Both wait in the store when the app starts (it was down), so its first claim takes both.
    await app.stop();
    const key = '81_1_1700000001';
    await enqueueDirectly(env, [sendOf(key), withdrawalOf([key])]);
    app = await startTestApp(env);
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 5_000);
    const posts = feedPosts(fake.slack).filter((p) => visible(p).includes(key));
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post?.updated).toBe(1);
    expect(JSON.stringify(post?.blocks)).toContain('Recalled');
    expect(JSON.stringify(post?.blocks)).not.toContain('"action_id":"feed_recall"');
    expect(repliesTo(fake.slack, post?.ts ?? '')).toHaveLength(1);
  });

  it('links a post of many sends whose file share Slack shows a moment late', async () => {
    await app.stop();
    const keys = Array.from({ length: 25 }, (_, i) => `${300 + i}_1_1700000001`);
    await enqueueDirectly(
      env,
      keys.map((key) => sendOf(key)),
    );
    fake.slack.setFileShareDelay(1_500);
    app = await startTestApp(env);
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 10_000);
    const [post] = fake.slack.messages.filter((m) => m.files?.length);
    expect(JSON.stringify(post?.blocks)).toContain('Recall all 25');
    const group = JSON.stringify(post?.blocks).match(/\\"group\\":\\"([^\\]+)\\"/)?.[1];
    expect((await app.store.links.getPostLink(`group:${group}`))?.sends).toHaveLength(25);
    await accepted(app.url, withdrawalOf([keys[3] ?? '']));
    await fake.slack.waitFor(() => repliesTo(fake.slack, post?.ts ?? '').length === 1, 5_000);
    expect(fake.slack.messages.find((m) => m.ts === post?.ts)?.updated).toBe(1);
    expect(JSON.stringify(fake.slack.messages.find((m) => m.ts === post?.ts)?.blocks)).toContain(
      'Recall all 24',
    );
    expect(feedPosts(fake.slack)).toHaveLength(1);
  });

  it.each([
    ['with an attached file', () => {}, '8'.repeat(220)],
    [
      'as the plain-text fallback',
      (s: FakeSlack) => s.failNext('chat.postMessage', { error: 'invalid_blocks' }),
      '82_1_1700000001',
    ],
  ])('updates a send posted %s when it is recalled', async (_how, fault, key) => {
    fault(fake.slack);
    await accepted(app.url, sendOf(key));
    await fake.slack.waitFor(
      () => fake.slack.messages.some((m) => m.files?.some((f) => f.content.includes(key))),
      5_000,
    );
    const [post] = fake.slack.messages.filter((m) => m.files?.some((f) => f.content.includes(key)));
    await accepted(app.url, withdrawalOf([key]));
    await fake.slack.waitFor(() => repliesTo(fake.slack, post?.ts ?? '').length === 1, 5_000);
    const updated = fake.slack.messages.find((m) => m.ts === post?.ts);
    expect(updated?.updated).toBe(1);
    expect(JSON.stringify(updated?.blocks)).toContain('Recalled');
    expect(feedPosts(fake.slack)).toHaveLength(1);
  });
});
