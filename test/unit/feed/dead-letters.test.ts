import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeadLetters } from '../../../src/feed/dead-letters.js';
import { DeadLetterError, StoreFaultError } from '../../../src/feed/errors.js';
import { silentLogger } from '../../../src/log.js';
import type { EventQueue } from '../../../src/store/queue.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.js';
import { CHANNEL } from '../../helpers/app.js';
import { c2cOf } from '../../helpers/feed.js';
import { type FeedParts, feedParts } from '../../helpers/feed-parts.js';
import { tempDirs } from '../../helpers/sqlite-store.js';

describe('DeadLetters', () => {
  let slack: FakeSlack;
  let parts: FeedParts;
  const newDir = tempDirs('recall-bot-dead-letters-');

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    parts = feedParts(slack, newDir());
  });
  afterEach(async () => {
    await parts.store.close();
  });

  function deadLetters(queue: EventQueue = parts.store.queue): DeadLetters {
    return new DeadLetters({
      queue,
      slack: parts.client,
      channel: CHANNEL,
      logger: silentLogger,
      metrics: parts.metrics,
    });
  }

  async function counted(kind: string): Promise<number> {
    const { values } = await parts.metrics.deadLettered.get();
    return values.find((v) => v.labels.kind === kind)?.value ?? 0;
  }

  it('sets aside events Slack keeps refusing, counts them and says so in the channel', async () => {
    const events = await parts.claimed(c2cOf('1_1_1'), c2cOf('2_1_1'));
    await deadLetters().setAside(
      events.map((e) => e.id),
      new DeadLetterError('payload', 'invalid_blocks'),
    );
    const letters = await parts.store.queue.deadLetters();
    expect(letters.map((l) => l.id)).toEqual(events.map((e) => e.id));
    expect(letters.map((l) => l.reason)).toEqual([
      'payload: invalid_blocks',
      'payload: invalid_blocks',
    ]);
    expect(await counted('payload')).toBe(2);
    expect(slack.messages.map((m) => m.text)).toEqual([
      ':warning: 2 events could not be posted (`payload: invalid_blocks`) and were set aside. An operator can list and replay them with `npm run dead-letters`.',
    ]);
  });

  it('sets them aside even when the notice cannot be posted', async () => {
    const [event] = await parts.claimed(c2cOf('1_1_1'));
    slack.failNext('chat.postMessage', 'http500');
    await deadLetters().setAside([event?.id ?? ''], new DeadLetterError('own', 'no_text'));
    expect(await parts.store.queue.deadLetterCount()).toBe(1);
    expect(slack.messages).toEqual([]);
  });

  it('sets aside an event failing on its own while the store works', async () => {
    const [event] = await parts.claimed(c2cOf('1_1_1'));
    if (!event) throw new Error('nothing claimed');
    expect(await deadLetters().setAsideIfOwn(event, new TypeError('boom'))).toBe(true);
    const [letter] = await parts.store.queue.deadLetters();
    expect(letter?.reason).toBe('unexpected: boom');
    expect(await counted('unexpected')).toBe(1);
    expect(slack.messages[0]?.text).toContain(
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
    const [event] = await parts.claimed(c2cOf('1_1_1'));
    if (!event) throw new Error('nothing claimed');
    expect(await deadLetters().setAsideIfOwn(event, error)).toBe(false);
    expect(await parts.store.queue.deadLetterCount()).toBe(0);
    expect(slack.messages).toEqual([]);
  });

  it('cannot tell the failure its own when the store does not answer', async () => {
    const [event] = await parts.claimed(c2cOf('1_1_1'));
    if (!event) throw new Error('nothing claimed');
    const queue = parts.store.queue;
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
