import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type MetricSources } from '../../../src/observability/metrics.js';

/** The sample lines (no `#` comments) of the registry's text output. */
async function samples(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

function sources(fields: Partial<MetricSources> = {}): MetricSources {
  return {
    queueDepth: async () => 0,
    oldestPendingAt: async () => undefined,
    deadLetters: async () => 0,
    ...fields,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createMetrics', () => {
  it('registers every metric under its name and type', async () => {
    const text = await createMetrics().registry.metrics();
    for (const [name, type] of [
      ['recallbot_webhooks_total', 'counter'],
      ['recallbot_queue_depth', 'gauge'],
      ['recallbot_feed_oldest_waiting_seconds', 'gauge'],
      ['recallbot_dead_letters', 'gauge'],
      ['recallbot_events_dead_lettered_total', 'counter'],
      ['recallbot_feed_reconciliations_total', 'counter'],
      ['recallbot_events_delivered_total', 'counter'],
      ['recallbot_slack_calls_total', 'counter'],
      ['recallbot_slack_errors_total', 'counter'],
      ['recallbot_delivery_latency_seconds', 'histogram'],
      ['recallbot_recall_keys_total', 'counter'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
  });

  it('counts by label', async () => {
    const metrics = createMetrics();
    metrics.webhooks.inc({ command: 'C2C.CallbackAfterMsgWithDraw', outcome: 'accepted' });
    metrics.webhooks.inc({ command: 'C2C.CallbackAfterMsgWithDraw', outcome: 'accepted' });
    metrics.webhooks.inc({ command: 'Group.CallbackAfterRecallMsg', outcome: 'unauthorized' });
    metrics.slackCalls.inc({ method: 'chat.postMessage' });
    metrics.slackErrors.inc({ method: 'chat.postMessage', error: 'ratelimited' });
    metrics.delivered.inc(3);
    metrics.recalls.inc({ outcome: 'recalled' }, 2);
    metrics.deadLettered.inc({ kind: 'invalid_blocks' });
    metrics.reconciliations.inc({ outcome: 'found' });
    const lines = await samples(metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        'recallbot_webhooks_total{command="C2C.CallbackAfterMsgWithDraw",outcome="accepted"} 2',
        'recallbot_webhooks_total{command="Group.CallbackAfterRecallMsg",outcome="unauthorized"} 1',
        'recallbot_slack_calls_total{method="chat.postMessage"} 1',
        'recallbot_slack_errors_total{method="chat.postMessage",error="ratelimited"} 1',
        'recallbot_events_delivered_total 3',
        'recallbot_recall_keys_total{outcome="recalled"} 2',
        'recallbot_events_dead_lettered_total{kind="invalid_blocks"} 1',
        'recallbot_feed_reconciliations_total{outcome="found"} 1',
      ]),
    );
  });

  it('puts delivery latencies in their buckets', async () => {
    const metrics = createMetrics();
    metrics.deliveryLatency.observe(0.3);
    metrics.deliveryLatency.observe(45);
    const lines = await samples(metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        'recallbot_delivery_latency_seconds_bucket{le="0.25"} 0',
        'recallbot_delivery_latency_seconds_bucket{le="0.5"} 1',
        'recallbot_delivery_latency_seconds_bucket{le="30"} 1',
        'recallbot_delivery_latency_seconds_bucket{le="60"} 2',
        'recallbot_delivery_latency_seconds_bucket{le="1800"} 2',
        'recallbot_delivery_latency_seconds_bucket{le="+Inf"} 2',
        'recallbot_delivery_latency_seconds_count 2',
      ]),
    );
  });

  it('keeps a registry of its own for each app', async () => {
    const one = createMetrics();
    const other = createMetrics();
    one.delivered.inc(5);
    expect(await samples(one)).toContain('recallbot_events_delivered_total 5');
    expect(await samples(other)).toContain('recallbot_events_delivered_total 0');
  });

  it('reads the gauges from the store when scraped', async () => {
    vi.useFakeTimers({ now: 1_700_000_100_000 });
    let depth = 4;
    const metrics = createMetrics(
      sources({
        queueDepth: async () => depth,
        oldestPendingAt: async () => 1_700_000_000_000,
        deadLetters: async () => 2,
      }),
    );
    expect(await samples(metrics)).toEqual(
      expect.arrayContaining([
        'recallbot_queue_depth 4',
        'recallbot_feed_oldest_waiting_seconds 100',
        'recallbot_dead_letters 2',
      ]),
    );
    depth = 0;
    expect(await samples(metrics)).toContain('recallbot_queue_depth 0');
  });

  it('says 0 s of waiting when nothing waits, and never less than 0', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    let oldest: number | undefined;
    const metrics = createMetrics(sources({ oldestPendingAt: async () => oldest }));
    expect(await samples(metrics)).toContain('recallbot_feed_oldest_waiting_seconds 0');
    oldest = 1_700_000_005_000; // another replica's clock ahead of ours
    expect(await samples(metrics)).toContain('recallbot_feed_oldest_waiting_seconds 0');
  });

  it('keeps the last value of a gauge while the store cannot answer, and still answers', async () => {
    let down = false;
    const read = (value: number) => async () => {
      if (down) throw new Error('store down');
      return value;
    };
    const metrics = createMetrics(
      sources({
        queueDepth: read(7),
        deadLetters: read(3),
        oldestPendingAt: async () => undefined,
      }),
    );
    expect(await samples(metrics)).toEqual(
      expect.arrayContaining(['recallbot_queue_depth 7', 'recallbot_dead_letters 3']),
    );
    down = true;
    expect(await samples(metrics)).toEqual(
      expect.arrayContaining(['recallbot_queue_depth 7', 'recallbot_dead_letters 3']),
    );
  });

  it('leaves the gauges at 0 without sources', async () => {
    expect(await samples(createMetrics())).toEqual(
      expect.arrayContaining([
        'recallbot_queue_depth 0',
        'recallbot_feed_oldest_waiting_seconds 0',
        'recallbot_dead_letters 0',
      ]),
    );
  });
});
