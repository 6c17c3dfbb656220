import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Everything the app counts, on a registry of its own (several apps can share a test process). */
export function createMetrics(readQueueDepth?: () => Promise<number>) {
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
        if (readQueueDepth) this.set(await readQueueDepth());
      },
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
