import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import type { FakeTencent } from '../fakes/tencent-api.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { confirmRecall, sendsPerKey, startAppTencent } from '../helpers/recall.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const keys = Array.from({ length: 200 }, (_, i) => `${5000 + i}_1_1698741698`);

describe('recall faults: Redis lost in the middle of a recall', () => {
  let slack: FakeSlack;
  let tencent: FakeTencent;
  let redis: RedisServer;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { UADMIN: { is_admin: true } } });
    tencent = await startAppTencent();
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.close();
    await slack.close();
    await tencent.close();
  });

  it('keeps every result, tells the person what is known, and finishes when Redis is back', async () => {
    tencent.addMessages(ACCOUNT, keys);
    const app = await startTestApp(
      testEnv(slack.apiUrl, {
        TENCENT_API_BASE: tencent.url,
        REDIS_URL: redis.url,
        RECALL_RATE_PER_SECOND: '4',
      }),
    );
    try {
      const responseUrl = await confirmRecall(app.url, slack, `${ACCOUNT} ${keys.join(' ')}`);
      const answers = () =>
        slack.responses
          .filter((r) => responseUrl.endsWith(r.id))
          .map((r) => JSON.stringify(r.body));
      await slack.waitFor(() => tencent.calls.length >= 3, 10_000);
      await redis.stop();
      const sentWhileUp = tencent.calls.length;

      // Told what is known, not "Nothing more was recalled", and nothing reported as failed.
      await slack.waitFor(() => answers().some((a) => a.includes('could not be sent yet')), 20_000);
      const interim = answers().at(-1) ?? '';
      expect(interim).toMatch(/Recalled \d+ of 200 so far/);
      expect(interim).toMatch(/Redis|rate limiter|stor/);
      expect(answers().join('\n')).not.toMatch(/Nothing more was recalled|Recalled \*\d+ of 200\*/);
      // Nothing goes to Tencent that could not be recorded first.
      expect(tencent.calls.length).toBeLessThanOrEqual(sentWhileUp + 1);

      await redis.start();
      await slack.waitFor(() => answers().some((a) => /Recalled \*\d+ of 200\*/.test(a)), 60_000);
      for (const key of keys) expect(tencent.isRecalled(ACCOUNT, key), key).toBe(true);
      const sends = sendsPerKey(tencent);
      expect(sends.size).toBe(200);
      expect([...sends.values()].every((n) => n <= 2)).toBe(true);
      const finals = answers().filter((a) => /Recalled \*\d+ of 200\*/.test(a));
      expect(finals).toHaveLength(1);
      // Told of the pause once, however many tries it took.
      expect(answers().filter((a) => a.includes('could not be sent yet'))).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 500));
      const audits = slack.messages.filter((m) =>
        JSON.stringify([m.text, m.blocks]).includes('recalled 200 messages'),
      );
      expect(audits).toHaveLength(1);
    } finally {
      await app.stop();
    }
  }, 120_000);
});
