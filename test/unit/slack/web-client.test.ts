import { ErrorCode, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import {
  createDeliveryClient,
  createPermissionClient,
  SLACK_CALL_TIMEOUT_MS,
  slackClientOptions,
} from '../../../src/slack/web-client.js';
import { DEFAULT_FAKE_TOKEN, type FakeSlack, startFakeSlack } from '../../fakes/slack-api.js';
import { recordingLogger } from '../../helpers/logger.js';

/** Keeps the clients' warnings about the failures these tests make off the console. */
const quiet = recordingLogger().logger;

/** The sample lines of the registry's text output whose metric is `name`. */
async function samplesOf(metrics: Metrics, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`));
}

describe('Slack web clients', () => {
  let slack: FakeSlack;
  let metrics: Metrics;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    metrics = createMetrics();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const callsOf = (method: string) => slack.calls.filter((c) => c.method === method);

  it('calls the Slack it is pointed at, counting each call by method', async () => {
    const client = createDeliveryClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics);
    await client.auth.test();
    await client.auth.test();
    await client.users.info({ user: 'U0BOTUSER1' });
    expect(callsOf('auth.test')).toHaveLength(2);
    expect(await samplesOf(metrics, 'recallbot_slack_calls_total')).toEqual([
      'recallbot_slack_calls_total{method="auth.test"} 2',
      'recallbot_slack_calls_total{method="users.info"} 1',
    ]);
    expect(await samplesOf(metrics, 'recallbot_slack_errors_total')).toEqual([]);
  });

  it('counts an upload (outside the Web API) as `upload`', async () => {
    const client = createDeliveryClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics);
    await client.filesUploadV2({
      channel_id: 'CMODERATION1',
      filename: 'details.txt',
      title: 'details',
      content: 'every event in full',
    });
    expect(await samplesOf(metrics, 'recallbot_slack_calls_total')).toEqual(
      expect.arrayContaining([
        'recallbot_slack_calls_total{method="files.getUploadURLExternal"} 1',
        'recallbot_slack_calls_total{method="upload"} 1',
        'recallbot_slack_calls_total{method="files.completeUploadExternal"} 1',
      ]),
    );
  });

  it('the delivery client rejects a 429 at once, without retrying, and counts it', async () => {
    slack.setRateLimit('auth.test', { perSecond: 1, retryAfter: 30 });
    const client = createDeliveryClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics);
    await client.auth.test();
    const started = Date.now();
    const error = await client.auth.test().then(
      () => undefined,
      (e: unknown) => e as WebAPIRateLimitedError,
    );
    expect(error?.code).toBe(ErrorCode.RateLimitedError);
    expect(error?.retryAfter).toBe(30);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(callsOf('auth.test').map((c) => c.status)).toEqual([200, 429]);
    expect(await samplesOf(metrics, 'recallbot_slack_errors_total')).toEqual([
      'recallbot_slack_errors_total{method="auth.test",error="http_429"} 1',
    ]);
  });

  it('the delivery client does not retry a failed call, and counts how it failed', async () => {
    const client = createDeliveryClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics, quiet);
    slack.failNext('auth.test', 'http500');
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError });
    slack.failNext('users.info', 'reset');
    await expect(client.users.info({ user: 'U0BOTUSER1' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    expect(slack.calls.map((c) => [c.method, c.status])).toEqual([
      ['auth.test', 500],
      ['users.info', 0],
    ]);
    expect(await samplesOf(metrics, 'recallbot_slack_errors_total')).toEqual([
      'recallbot_slack_errors_total{method="auth.test",error="http_500"} 1',
      'recallbot_slack_errors_total{method="users.info",error="network"} 1',
    ]);
  });

  it('the delivery client gives up on a call after SLACK_CALL_TIMEOUT_MS', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const client = createDeliveryClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics);
    await client.auth.test();
    expect(SLACK_CALL_TIMEOUT_MS).toBe(15_000);
    expect(timeout).toHaveBeenCalledWith(SLACK_CALL_TIMEOUT_MS);
  });

  it('the permission client gives up within its own timeout, without retrying', async () => {
    slack.failNext('users.info', 'hang');
    const client = createPermissionClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics, 200, quiet);
    const started = Date.now();
    await expect(client.users.info({ user: 'U0BOTUSER1' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(3_000);
    expect(callsOf('users.info')).toHaveLength(1);
    expect(await samplesOf(metrics, 'recallbot_slack_errors_total')).toEqual([
      'recallbot_slack_errors_total{method="users.info",error="network"} 1',
    ]);
  });

  it('the permission client rejects a 429 too', async () => {
    slack.setRateLimit('users.info', { perSecond: 1, retryAfter: 30 });
    const client = createPermissionClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics, 2_000);
    await client.users.info({ user: 'U0BOTUSER1' });
    await expect(client.users.info({ user: 'U0BOTUSER1' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
    });
    expect(callsOf('users.info')).toHaveLength(2);
  });

  it("sends the client's own warnings through our logger", async () => {
    const { logger, lines } = recordingLogger();
    slack.failNext('auth.test', 'reset');
    const client = createDeliveryClient(DEFAULT_FAKE_TOKEN, slack.apiUrl, metrics, logger);
    await expect(client.auth.test()).rejects.toThrow();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('http request failed'),
      }),
    );
  });
});

describe('slackClientOptions', () => {
  it('points at the API URL, counts calls, bounds each call, and logs only when given a logger', () => {
    const metrics = createMetrics();
    const plain = slackClientOptions('http://127.0.0.1:1/api/', metrics);
    expect(plain).toMatchObject({
      slackApiUrl: 'http://127.0.0.1:1/api/',
      timeout: SLACK_CALL_TIMEOUT_MS,
    });
    expect(plain.fetch).toBeTypeOf('function');
    expect(plain).not.toHaveProperty('logger');
    const logged = slackClientOptions('http://127.0.0.1:1/api/', metrics, recordingLogger().logger);
    expect(logged.logger).toBeDefined();
  });
});
