import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { postWebhook, startTestApp, testEnv } from '../helpers/app.js';
import { c2cOf, showing } from '../helpers/feed.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

describe('storage faults on Redis: a Redis that cannot write', () => {
  let slack: FakeSlack;
  let server: RedisServer;
  let admin: Redis;

  beforeAll(async () => {
    slack = await startFakeSlack();
    server = await startRedisServer();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await server.close();
    await slack.close();
  });

  it('answers 500 while Redis is out of memory, says so on /healthz, and recovers by itself', async () => {
    const app = await startTestApp(testEnv(slack.apiUrl, { REDIS_URL: server.url }));
    try {
      expect((await postWebhook(app.url, c2cOf('before-oom_1_1'))).status).toBe(200);
      await slack.waitFor(() => showing(slack, 'before-oom_1_1').length === 1, 5_000);
      // Out of memory with noeviction: reads and PING still work, every write is refused.
      await admin.config('SET', 'maxmemory', '1');
      const refused = await postWebhook(app.url, c2cOf('during-oom_1_1'));
      expect(refused.status).toBe(500);
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.text()).toContain('OOM');

      await admin.config('SET', 'maxmemory', '0');
      await slack.waitFor(async () => (await fetch(`${app.url}/healthz`)).status === 200, 10_000);
      expect((await postWebhook(app.url, c2cOf('after-oom_1_1'))).status).toBe(200);
      await slack.waitFor(() => showing(slack, 'after-oom_1_1').length === 1, 5_000);
      expect(showing(slack, 'during-oom_1_1')).toHaveLength(0);
      expect(showing(slack, 'before-oom_1_1')).toHaveLength(1);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      await app.stop();
    }
  });
});
