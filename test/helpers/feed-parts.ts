import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach } from 'vitest';
import { Reconciler } from '../../src/feed/reconcile.js';
import { type RetryPolicy, WriteRunner, type WriteRunnerOptions } from '../../src/feed/runner.js';
import { dedupeKeyOf } from '../../src/kinds/dedupe.js';
import { webhookBodySchema } from '../../src/kinds/registry.js';
import { silentLogger } from '../../src/log.js';
import { Health } from '../../src/observability/health.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createDeliveryClient } from '../../src/slack/web-client.js';
import type { QueuedEvent } from '../../src/store/queue.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { FakeSlack } from '../fakes/slack-api.js';
import { CHANNEL } from './app.js';
import { useFakeSlack } from './fake-slack.js';
import { tempDirs } from './sqlite-store.js';

/** Retry timings short enough for a test; a job is set aside after 3 failures of its own. */
export const FAST_RETRY: RetryPolicy = {
  baseMs: 10,
  maxMs: 40,
  permanentMs: 40,
  maxOwnFailures: 3,
};

/** What the feed's modules are built from: a fake Slack, a SQLite store of the test's own. */
export interface FeedParts {
  store: SqliteStore;
  client: WebClient;
  metrics: Metrics;
  health: Health;
  reconciler: Reconciler;
  /** Aborting it stops the runner's and the reconciler's waits. */
  controller: AbortController;
  /** A `WriteRunner` over these parts (with `FAST_RETRY`), or some of its own. */
  runner(own?: Partial<Pick<WriteRunnerOptions, 'queue' | 'slack' | 'retry'>>): WriteRunner;
  /** Stores webhook bodies and claims them, as the delivery loop would. */
  claimed(...bodies: object[]): Promise<QueuedEvent[]>;
  /** Stores webhook bodies, unclaimed. */
  enqueue(...bodies: object[]): Promise<void>;
  /** How many events `metrics.delivered` counted. */
  deliveredCount(): Promise<number>;
}

/** Builds the parts in `dir`; close `store` after the test. */
export function feedParts(slack: FakeSlack, dir: string): FeedParts {
  const store = new SqliteStore({ dataDir: dir });
  const metrics = createMetrics();
  const client = createDeliveryClient('xoxb-test-token', slack.apiUrl, metrics);
  const health = new Health({ checkStore: async () => {} });
  const controller = new AbortController();
  const reconciler = new Reconciler({
    slack: client,
    channel: CHANNEL,
    logger: silentLogger,
    health,
    metrics,
    signal: controller.signal,
  });
  const enqueue = async (...bodies: object[]) => {
    for (const body of bodies) {
      const parsed = webhookBodySchema.parse(body);
      await store.queue.enqueue(dedupeKeyOf(parsed), { body: parsed, receivedAt: Date.now() });
    }
  };
  return {
    store,
    client,
    metrics,
    health,
    reconciler,
    controller,
    runner: (own = {}) =>
      new WriteRunner({
        queue: store.queue,
        slack: client,
        reconciler,
        health,
        metrics,
        logger: silentLogger,
        retry: FAST_RETRY,
        signal: controller.signal,
        ...own,
      }),
    enqueue,
    claimed: async (...bodies) => {
      await enqueue(...bodies);
      return store.queue.claim(bodies.length, 0);
    },
    deliveredCount: async () => (await metrics.delivered.get()).values[0]?.value ?? 0,
  };
}

/**
 * Registers a test file's hooks over the feed's parts: one fake Slack for the file (reset before
 * each test), new parts and store for each test, stopped and closed after it.
 */
export function useFeedParts(dirPrefix: string): {
  readonly slack: FakeSlack;
  readonly parts: FeedParts;
} {
  const newDir = tempDirs(dirPrefix);
  const fake = useFakeSlack();
  let parts: FeedParts | undefined;
  beforeEach(() => {
    parts = feedParts(fake.slack, newDir());
  });
  afterEach(async () => {
    parts?.controller.abort();
    await parts?.store.close();
  });
  return {
    get slack() {
      return fake.slack;
    },
    get parts() {
      if (!parts) throw new Error('the parts are built before each test');
      return parts;
    },
  };
}
