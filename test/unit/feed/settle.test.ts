import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupKey, officialPostKey } from '../../../src/feed/links.js';
import { postMark, Reconciler } from '../../../src/feed/reconcile.js';
import { settleAttempts } from '../../../src/feed/settle.js';
import { dedupeKeyOf } from '../../../src/kinds/dedupe.js';
import { webhookBodySchema } from '../../../src/kinds/registry.js';
import { silentLogger } from '../../../src/log.js';
import { Health } from '../../../src/observability/health.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.js';
import { CHANNEL } from '../../helpers/app.js';
import { sendOf } from '../../helpers/feed.js';

describe('settleAttempts', () => {
  let slack: FakeSlack;
  const dir = mkdtempSync(join(tmpdir(), 'recall-bot-settle-'));
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('settles a post found in the channel from all its events, also those the batch lacks', async () => {
    const store = new SqliteStore({ dataDir: dir });
    const client = new WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl });
    const keys = ['1_1_1', '2_1_1', '3_1_1'];
    for (const key of keys) {
      const body = webhookBodySchema.parse(sendOf(key));
      await store.queue.enqueue(dedupeKeyOf(body), { body, receivedAt: Date.now() });
    }
    const events = await store.queue.claim(10, 0);
    const attempt = {
      id: 'group-post-1',
      eventIds: events.map((e) => e.id),
      kind: 'message' as const,
      channel: CHANNEL,
      delivers: true,
      state: 'started' as const,
      startedAt: Date.now(),
    };
    await store.queue.beginAttempt(attempt);
    // Slack took the post; the app was killed before it heard back.
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: '3 sent',
      metadata: postMark(attempt.id),
    });
    await store.queue.release(events.map((e) => e.id));

    // After the restart the batch holds only the first of the post's events.
    const [first] = await store.queue.claim(1, 0);
    const unfinished = new Set([first?.id ?? '']);
    const health = new Health({ checkStore: async () => {} });
    const reconciler = new Reconciler({
      slack: client,
      channel: CHANNEL,
      logger: silentLogger,
      health,
      metrics: createMetrics(),
    });
    await settleAttempts(
      { queue: store.queue, logger: silentLogger },
      reconciler,
      first ? [first] : [],
      unfinished,
    );

    expect(unfinished.size).toBe(0);
    expect(await store.queue.pendingCount()).toBe(0);
    expect(slack.messages).toHaveLength(1);
    expect((await store.links.getPostLink(groupKey(attempt.id)))?.sends).toHaveLength(3);
    for (const key of keys) {
      expect(
        await store.links.getPostLink(officialPostKey(sendOf(key).Official_Account, key)),
      ).toEqual({
        channel: CHANNEL,
        ts: posted.ts,
        group: groupKey(attempt.id),
      });
    }
    await store.close();
  });
});
