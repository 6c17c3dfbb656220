import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read from the store when scraped. */
export interface MetricSources {
  queueDepth: () => Promise<number>;
  oldestPendingAt: () => Promise<number | undefined>;
  deadLetters: () => Promise<number>;
}

/**
 * Sets a gauge from the store; while the store cannot answer the gauge keeps its last value
 * (`/metrics` still answers: `/healthz` tells what is wrong).
 */
async function setFrom(gauge: Gauge, read: () => Promise<number>): Promise<void> {
  try {
    gauge.set(await read());
  } catch {
    // Kept: the last value read.
  }
}

/** Everything the app counts, on a registry of its own (several apps can share a test process). */
export function createMetrics(sources?: MetricSources) {
  const registry = new Registry();
  return {
    registry,
    webhooks: new Counter({
      name: 'recallbot_webhooks_total',
      help: 'Tencent webhook calls by callback command and outcome',
      labelNames: ['command', 'outcome'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'recallbot_queue_depth',
      help: 'Accepted events not yet delivered to Slack',
      registers: [registry],
      async collect() {
        if (sources) await setFrom(this, sources.queueDepth);
      },
    }),
    oldestWaiting: new Gauge({
      name: 'recallbot_feed_oldest_waiting_seconds',
      help: 'Age of the oldest accepted event not yet delivered to Slack (0 when none waits)',
      registers: [registry],
      async collect() {
        if (!sources) return;
        await setFrom(this, async () => {
          const at = await sources.oldestPendingAt();
          return at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000);
        });
      },
    }),
    deadLetters: new Gauge({
      name: 'recallbot_dead_letters',
      help: 'Events set aside because their delivery kept failing (replay: npm run dead-letters)',
      registers: [registry],
      async collect() {
        if (sources) await setFrom(this, sources.deadLetters);
      },
    }),
    deadLettered: new Counter({
      name: 'recallbot_events_dead_lettered_total',
      help: 'Events set aside as dead letters, by the kind of failure',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    reconciliations: new Counter({
      name: 'recallbot_feed_reconciliations_total',
      help: 'Looks in the channel for a post the app recorded but never heard back about, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    delivered: new Counter({
      name: 'recallbot_events_delivered_total',
      help: 'Events Slack accepted',
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'recallbot_slack_calls_total',
      help: 'Slack Web API calls by method',
      labelNames: ['method'] as const,
      registers: [registry],
    }),
    slackErrors: new Counter({
      name: 'recallbot_slack_errors_total',
      help: 'Slack Web API failures by method and error',
      labelNames: ['method', 'error'] as const,
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'recallbot_delivery_latency_seconds',
      help: 'From webhook receipt to Slack accepting the post',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    }),
    recalls: new Counter({
      name: 'recallbot_recall_keys_total',
      help: 'Official Account MsgKeys sent for recall, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
