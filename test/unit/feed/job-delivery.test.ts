import { beforeEach, describe, expect, it } from 'vitest';
import { planPosts } from '../../../src/feed/batch.js';
import { DeadLetterError } from '../../../src/feed/errors.js';
import { JobDelivery } from '../../../src/feed/job-delivery.js';
import type { FeedJob } from '../../../src/feed/jobs.js';
import type { JobState } from '../../../src/feed/runner.js';
import { silentLogger } from '../../../src/log.js';
import type { PostAttempt, QueuedEvent } from '../../../src/store/queue.js';
import { CHANNEL } from '../../helpers/app.js';
import { c2cOf, showing } from '../../helpers/feed.js';
import { useFeedParts } from '../../helpers/feed-parts.js';

describe('JobDelivery', () => {
  const env = useFeedParts('recall-bot-job-delivery-');
  let setAside: { ids: string[]; error: DeadLetterError }[];
  beforeEach(() => {
    setAside = [];
  });

  function delivery(): JobDelivery {
    return new JobDelivery({
      queue: env.parts.store.queue,
      runner: env.parts.runner(),
      deadLetters: {
        setAside: async (ids, error) => void setAside.push({ ids: [...ids], error }),
      },
      channel: CHANNEL,
      logger: silentLogger,
      metrics: env.parts.metrics,
    });
  }

  /** A job over `events` that does `run` with the state it is given. */
  function jobOf(
    events: readonly QueuedEvent[],
    run: (state: JobState) => Promise<void> = async () => {},
    acksItself = false,
  ): FeedJob {
    return { eventIds: events.map((e) => e.id), acksItself, run: (_runner, state) => run(state) };
  }

  it('acks the events of a job once it is done, and counts them delivered', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'), c2cOf('2_1_1'));
    expect(await delivery().run(jobOf(events), [], events)).toBeUndefined();
    expect(await env.parts.store.queue.pendingCount()).toBe(0);
    expect(await env.parts.deliveredCount()).toBe(2);
    const latency = await env.parts.metrics.deliveryLatency.get();
    expect(latency.values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(2);
  });

  it('leaves the acks to a job whose writes make them', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    await delivery().run(
      jobOf(events, async () => {}, true),
      [],
      events,
    );
    expect(await env.parts.store.queue.pendingCount()).toBe(1);
    expect(await env.parts.deliveredCount()).toBe(1);
  });

  it('runs the job with the writes done before and its own limit of failures', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    const done: PostAttempt = {
      id: 'w1',
      eventIds: [events[0]?.id ?? ''],
      kind: 'message',
      channel: CHANNEL,
      delivers: false,
      state: 'done',
      outcome: 'posted',
      ts: '1.1',
      startedAt: 0,
    };
    const seen: JobState[] = [];
    await delivery().run(
      jobOf(events, async (state) => void seen.push(state)),
      [done],
      events,
      { maxOwnFailures: 2 },
    );
    expect([...(seen[0]?.done.keys() ?? [])]).toEqual(['w1']);
    expect(seen[0]?.maxOwnFailures).toBe(2);
  });

  it('sets aside a job failing on its own, or hands the failure back to split it', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    const refused = new DeadLetterError('own', 'content_blocked');
    const failing = jobOf(events, () => Promise.reject(refused));
    expect(await delivery().run(failing, [], events)).toBeUndefined();
    expect(setAside).toEqual([{ ids: [events[0]?.id], error: refused }]);

    setAside = [];
    expect(await delivery().run(failing, [], events, { setAside: false })).toBe(refused);
    expect(setAside).toEqual([]);
    expect(await env.parts.deliveredCount()).toBe(0);
    expect(await env.parts.store.queue.pendingCount()).toBe(1);
  });

  it('throws any other failure, for the batch to be released', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    const job = jobOf(events, () => Promise.reject(new Error('the store failed')));
    await expect(delivery().run(job, [], events)).rejects.toThrow('the store failed');
    expect(setAside).toEqual([]);
  });

  it('splits a digest Slack keeps refusing until only the event at fault is set aside', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `digest-${i}_1_1`);
    const events = await env.parts.claimed(...keys.map((k) => c2cOf(k)));
    const [digest, ...more] = planPosts(events);
    expect(more).toEqual([]);
    env.slack.refuseContaining('digest-4_1_1', 'content_blocked');
    if (digest) await delivery().deliverPost(digest, events);
    const faulty = events.find((e) => JSON.stringify(e.event).includes('digest-4_1_1'));
    expect(setAside.map((s) => s.ids)).toEqual([[faulty?.id]]);
    for (const key of keys.filter((k) => k !== 'digest-4_1_1')) {
      expect(showing(env.slack, key), key).toHaveLength(1);
    }
    expect(await env.parts.store.queue.pendingCount()).toBe(1);
    expect(await env.parts.deliveredCount()).toBe(5);
  });
});
