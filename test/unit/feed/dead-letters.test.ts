import { describe, expect, it } from 'vitest';
import { DeadLetters } from '../../../src/feed/dead-letters.js';
import { DeadLetterError, StoreFaultError } from '../../../src/feed/errors.js';
import { silentLogger } from '../../../src/log.js';
import type { EventQueue } from '../../../src/store/queue.js';
import { CHANNEL } from '../../helpers/app.js';
import { c2cOf } from '../../helpers/feed.js';
import { useFeedParts } from '../../helpers/feed-parts.js';

describe('DeadLetters', () => {
  const env = useFeedParts('recall-bot-dead-letters-');

  function deadLetters(queue: EventQueue = env.parts.store.queue): DeadLetters {
    return new DeadLetters({
      queue,
      slack: env.parts.client,
      channel: CHANNEL,
      logger: silentLogger,
      metrics: env.parts.metrics,
    });
  }

  async function counted(kind: string): Promise<number> {
    const { values } = await env.parts.metrics.deadLettered.get();
    return values.find((v) => v.labels.kind === kind)?.value ?? 0;
  }

  it('sets aside events Slack keeps refusing, counts them and says so in the channel', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'), c2cOf('2_1_1'));
    await deadLetters().setAside(
      events.map((e) => e.id),
      new DeadLetterError('payload', 'invalid_blocks'),
    );
    const letters = await env.parts.store.queue.deadLetters();
    expect(letters.map((l) => l.id)).toEqual(events.map((e) => e.id));
    expect(letters.map((l) => l.reason)).toEqual([
      'payload: invalid_blocks',
      'payload: invalid_blocks',
    ]);
    expect(await counted('payload')).toBe(2);
    expect(env.slack.messages.map((m) => m.text)).toEqual([
      ':warning: 2 events could not be posted (`payload: invalid_blocks`) and were set aside. An operator can list and replay them with `npm run dead-letters`.',
    ]);
  });

  it('sets them aside even when the notice cannot be posted', async () => {
    const [event] = await env.parts.claimed(c2cOf('1_1_1'));
    env.slack.failNext('chat.postMessage', 'http500');
    await deadLetters().setAside([event?.id ?? ''], new DeadLetterError('own', 'no_text'));
    expect(await env.parts.store.queue.deadLetterCount()).toBe(1);
    expect(env.slack.messages).toEqual([]);
  });

  it('sets aside an event failing on its own while the store works', async () => {
    const [event] = await env.parts.claimed(c2cOf('1_1_1'));
    if (!event) throw new Error('nothing claimed');
    expect(await deadLetters().setAsideIfOwn(event, new TypeError('boom'))).toBe(true);
    const [letter] = await env.parts.store.queue.deadLetters();
    expect(letter?.reason).toBe('unexpected: boom');
    expect(await counted('unexpected')).toBe(1);
    expect(env.slack.messages[0]?.text).toContain(
      '1 event could not be posted (`an unexpected error`) and was set aside',
    );
  });

  it.each([
    ['the store failing', new StoreFaultError('the store failed: locked')],
    [
      'Slack failing',
      Object.assign(new Error('An API error occurred'), { code: 'slack_webapi_platform_error' }),
    ],
  ])('never takes %s for an event’s own', async (_name, error) => {
    const [event] = await env.parts.claimed(c2cOf('1_1_1'));
    if (!event) throw new Error('nothing claimed');
    expect(await deadLetters().setAsideIfOwn(event, error)).toBe(false);
    expect(await env.parts.store.queue.deadLetterCount()).toBe(0);
    expect(env.slack.messages).toEqual([]);
  });

  it('cannot tell the failure its own when the store does not answer', async () => {
    const [event] = await env.parts.claimed(c2cOf('1_1_1'));
    if (!event) throw new Error('nothing claimed');
    const queue = env.parts.store.queue;
    const broken = new Proxy(queue, {
      get: (target, prop, receiver) =>
        prop === 'check'
          ? () => Promise.reject(new Error('disk I/O error'))
          : Reflect.get(target, prop, receiver),
    });
    expect(await deadLetters(broken).setAsideIfOwn(event, new TypeError('boom'))).toBe(false);
    expect(await queue.deadLetterCount()).toBe(0);
  });
});
