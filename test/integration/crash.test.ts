import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { freePort, postWebhook, spawnApp, testEnv } from '../helpers/app.js';
import { samples } from '../helpers/tencent-samples.js';

describe('feed: a hard kill during a Slack outage', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });

  it('loses and doubles nothing once the app restarts and Slack is back', async () => {
    const env = testEnv(slack.apiUrl, { LOG_LEVEL: 'warn' });
    const port = await freePort();
    slack.setOutage('http503');
    const first = await spawnApp(env, port);
    const keys = Array.from({ length: 40 }, (_, i) => `crash-${i}_1_1698741698`);
    for (const [i, key] of keys.entries()) {
      const res = await postWebhook(first.url, {
        ...samples.c2c,
        From_Account: `u${i % 4}`,
        MsgKey: key,
      });
      expect(res.status).toBe(200);
    }
    // Retried while Slack is down; nothing got through.
    await slack.waitFor(
      () => slack.calls.filter((c) => c.method === 'chat.postMessage').length >= 1,
      10_000,
    );
    expect(slack.messages).toHaveLength(0);
    first.process.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    slack.setOutage('none');
    const second = await spawnApp(env, port);
    try {
      await slack.waitFor(
        () => keys.every((key) => slack.messages.some((m) => JSON.stringify(m).includes(key))),
        20_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      for (const key of keys) {
        expect(
          slack.messages.filter((m) => JSON.stringify(m).includes(key)),
          key,
        ).toHaveLength(1);
      }
      // A replay after the restart is still recognised.
      await postWebhook(second.url, { ...samples.c2c, From_Account: 'u0', MsgKey: keys[0] ?? '' });
      await new Promise((r) => setTimeout(r, 500));
      expect(slack.messages.filter((m) => JSON.stringify(m).includes(keys[0] ?? '')).length).toBe(
        1,
      );
    } finally {
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
