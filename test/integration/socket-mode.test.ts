import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { postWebhook, startTestApp, testEnv } from '../helpers/app.js';
import { samples } from '../helpers/tencent-samples.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('Socket Mode', () => {
  let slack: FakeSlack;
  let app: TestApp;
  beforeAll(async () => {
    slack = await startFakeSlack();
    // No signing secret: Socket Mode does not need one.
    const { SLACK_SIGNING_SECRET: _, ...env } = testEnv(slack.apiUrl, {
      SLACK_APP_TOKEN: 'xapp-1-A0TEST-1-abc',
    });
    app = await startTestApp(env);
  });
  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  it('serves the webhook, health and metrics on PORT, and not /slack/events', async () => {
    expect((await postWebhook(app.url, samples.c2c)).status).toBe(200);
    await slack.waitFor(() => slack.messages.length === 1, 3_000);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${app.url}/metrics`)).text()).toContain('recallbot_webhooks_total');
    const slackRoute = await fetch(`${app.url}/slack/events`, { method: 'POST', body: 'x' });
    expect(slackRoute.status).toBe(404);
  });

  it('asks Slack for a socket with the app token', async () => {
    await slack.waitFor(() => slack.calls.some((c) => c.method === 'apps.connections.open'), 5_000);
  });
});
