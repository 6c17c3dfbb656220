import { WebClient } from '@slack/web-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { postMark, Reconciler } from '../../../src/feed/reconcile.js';
import { silentLogger } from '../../../src/log.js';
import { Health } from '../../../src/observability/health.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { PostAttempt } from '../../../src/store/queue.js';
import { useFakeSlack } from '../../helpers/fake-slack.js';

const CHANNEL = 'CFEED00001';

function attempt(id: string, extra: Partial<PostAttempt> = {}): PostAttempt {
  return {
    id,
    eventIds: ['1'],
    kind: 'message',
    channel: CHANNEL,
    delivers: true,
    state: 'started',
    startedAt: Date.now() - 1000,
    ...extra,
  };
}

describe('Reconciler', () => {
  const fake = useFakeSlack();
  let client: WebClient;
  let health: Health;
  let reconciler: Reconciler;

  beforeEach(() => {
    client = new WebClient('xoxb-test-token', {
      slackApiUrl: fake.slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    health = new Health({ checkStore: async () => {} });
    reconciler = new Reconciler({
      slack: client,
      channel: CHANNEL,
      logger: silentLogger,
      health,
      metrics: createMetrics(),
    });
  });

  it('finds a marked post among many newer ones, page by page', async () => {
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'x',
      metadata: postMark('a-1'),
    });
    for (let i = 0; i < 450; i++) {
      await client.chat.postMessage({
        channel: CHANNEL,
        text: `later ${i}`,
        metadata: postMark(`other-${i}`),
      });
    }
    expect(await reconciler.find(attempt('a-1'))).toEqual({ outcome: 'found', ts: posted.ts });
    expect(
      fake.slack.calls.filter((c) => c.method === 'conversations.history').length,
    ).toBeGreaterThan(2);
    expect(await reconciler.find(attempt('never'))).toEqual({ outcome: 'absent' });
  });

  it('finds a file share by its name, and a reply in its thread', async () => {
    await client.filesUploadV2({
      channel_id: CHANNEL,
      filename: 'recall-events-f-1.txt',
      content: 'details',
    });
    const file = attempt('f-1', { kind: 'file', fileName: 'recall-events-f-1.txt' });
    expect((await reconciler.find(file)).outcome).toBe('found');
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    const reply = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'reply',
      thread_ts: parent.ts,
      metadata: postMark('r-1'),
    });
    const lookup = attempt('r-1', { kind: 'reply', threadTs: parent.ts ?? '', delivers: false });
    expect(await reconciler.find(lookup)).toEqual({ outcome: 'found', ts: reply.ts });
    fake.slack.deleteMessage(CHANNEL, parent.ts ?? '');
    expect(await reconciler.find(lookup)).toEqual({ outcome: 'absent' });
  });

  it('never looks for an update: making it again does no harm', async () => {
    expect(await reconciler.find(attempt('u', { kind: 'update', ts: '1.0' }))).toEqual({
      outcome: 'absent',
    });
    expect(fake.slack.calls).toHaveLength(0);
  });

  it.each([
    ['missing_scope', 'add the channels:history and groups:history scopes'],
    ['not_in_channel', 'invite the bot to the channel'],
  ])('says when the history cannot be read (%s), and what to do', async (error, remedy) => {
    fake.slack.failNext('conversations.history', { error });
    expect(await reconciler.find(attempt('a'))).toEqual({ outcome: 'unavailable', reason: error });
    const report = await health.status();
    expect(report.status).toBe('degraded');
    expect(report.reasons.join(' ')).toContain(remedy);
    expect((await reconciler.find(attempt('a'))).outcome).toBe('absent');
    expect((await health.status()).status).toBe('ok');
  });

  it('throws while Slack cannot be asked, so the caller waits and asks again', async () => {
    fake.slack.failNext('conversations.history', 'http500');
    await expect(reconciler.find(attempt('a'))).rejects.toThrow();
  });
});
