import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import type { FakeTencent } from '../fakes/tencent-api.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { startAppTencent } from '../helpers/recall.js';
import {
  blockActionPayload,
  commandBody,
  interactionBody,
  postSlack,
} from '../helpers/slack-requests.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ACCOUNT = '@TOA#_2J4SZEAEL';

describe('recall listeners when the store fails', () => {
  let slack: FakeSlack;
  let tencent: FakeTencent;
  let app: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { UADMIN: { is_admin: true } } });
    tencent = await startAppTencent();
  });
  afterAll(async () => {
    await slack.close();
    await tencent.close();
  });
  beforeEach(async () => {
    slack.reset();
    tencent.reset();
    tencent.addMessages(ACCOUNT, ['1_1_1698741698']);
    env = testEnv(slack.apiUrl, { TENCENT_API_BASE: tencent.url });
    app = await startTestApp(env);
  });
  afterEach(async () => {
    await app.stop();
  });

  /** Another process holds the database: every write fails after the lock wait. */
  function lockDatabase(): () => void {
    const lock = new Database(join(env.DATA_DIR ?? '', 'recall-bot.sqlite'));
    lock.exec('BEGIN EXCLUSIVE');
    return () => {
      lock.exec('ROLLBACK');
      lock.close();
    };
  }

  it("answers /recall within Slack's 3 seconds, and tells the person it failed", async () => {
    const unlock = lockDatabase();
    try {
      const started = Date.now();
      const res = await postSlack(
        app.url,
        commandBody({
          text: `${ACCOUNT} 1_1_1698741698`,
          userId: 'UADMIN',
          responseUrl: slack.responseUrl(),
        }),
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json)).toContain('Something went wrong on our side');
    } finally {
      unlock();
    }
    expect(tencent.calls).toHaveLength(0);
  });

  it('tells the person when a confirm click fails on our side, and the confirmation still works after', async () => {
    const command = await postSlack(
      app.url,
      commandBody({
        text: `${ACCOUNT} 1_1_1698741698`,
        userId: 'UADMIN',
        responseUrl: slack.responseUrl(),
      }),
    );
    const value = JSON.stringify(command.json).match(/"value":"([0-9a-f-]{36})"/)?.[1] ?? '';
    const click = async () => {
      const responseUrl = slack.responseUrl();
      await postSlack(
        app.url,
        interactionBody(
          blockActionPayload({ actionId: 'confirm_recall', value, userId: 'UADMIN', responseUrl }),
        ),
      );
      return responseUrl;
    };
    const unlock = lockDatabase();
    let failed: string;
    try {
      failed = await click();
      await slack.waitFor(
        () =>
          slack.responses.some(
            (r) => failed.endsWith(r.id) && String(r.body.text).includes('Something went wrong'),
          ),
        10_000,
      );
    } finally {
      unlock();
    }
    expect(tencent.calls).toHaveLength(0);
    const retried = await click();
    await slack.waitFor(
      () =>
        slack.responses.some(
          (r) => retried.endsWith(r.id) && String(r.body.text).includes('Recalled 1 of 1'),
        ),
      10_000,
    );
  });
});
