import { randomUUID } from 'node:crypto';
import { LogLevel, WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { DeadLetterError, StoppedError, StoreFaultError } from '../../../src/feed/errors.js';
import { officialPostKey } from '../../../src/feed/links.js';
import { newJobState } from '../../../src/feed/runner.js';
import type { FeedWrite } from '../../../src/feed/writes.js';
import type { EventQueue, PostAttempt, QueuedEvent } from '../../../src/store/queue.js';
import { CHANNEL } from '../../helpers/app.js';
import { c2cOf } from '../../helpers/feed.js';
import { FAST_RETRY, useFeedParts } from '../../helpers/feed-parts.js';

const content = { text: 'one recall', blocks: [] };

function writeOf(events: readonly QueuedEvent[], rest: Partial<FeedWrite> = {}): FeedWrite {
  return {
    id: randomUUID(),
    kind: 'message',
    channel: CHANNEL,
    content,
    eventIds: events.map((e) => e.id),
    delivers: true,
    ...rest,
  };
}

function doneAttempt(rest: Partial<PostAttempt>): PostAttempt {
  return {
    id: 'w-done',
    eventIds: ['e1'],
    kind: 'message',
    channel: CHANNEL,
    delivers: true,
    state: 'done',
    outcome: 'posted',
    ts: '7.7',
    startedAt: 0,
    ...rest,
  };
}

/** The queue with `method` answered by `replace` instead. */
function queueWith<M extends keyof EventQueue>(
  queue: EventQueue,
  method: M,
  replace: EventQueue[M],
): EventQueue {
  return new Proxy(queue, {
    get: (target, prop, receiver) =>
      prop === method ? replace : Reflect.get(target, prop, receiver),
  });
}

/** The queue, with each attempt it records, finishes or forgets written into `log`. */
function recording(queue: EventQueue, log: string[]): EventQueue {
  return new Proxy(queue, {
    get: (target, prop, receiver) => {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'beginAttempt' || prop === 'finishAttempt') {
        return (attempt: PostAttempt, ...rest: unknown[]) => {
          log.push(`${prop} ${attempt.id} ${JSON.stringify(rest[0] ?? {})}`);
          return (value as (...args: unknown[]) => Promise<void>).apply(target, [attempt, ...rest]);
        };
      }
      if (prop === 'abandonAttempt') {
        return (id: string) => {
          log.push(`abandonAttempt ${id}`);
          return target.abandonAttempt(id);
        };
      }
      return value;
    },
  });
}

describe('newJobState', () => {
  it('knows the writes done before by step, else by ID, and nothing of those only started', () => {
    const state = newJobState([
      doneAttempt({ id: 'a' }),
      doneAttempt({ id: 'b:update:1', step: 'update:1' }),
      doneAttempt({ id: 'c', state: 'started' }),
    ]);
    expect([...state.done.keys()]).toEqual(['a', 'update:1']);
    expect(state).toMatchObject({ ownFailures: 0, unreachable: 0 });
    expect(state.maxOwnFailures).toBeUndefined();
    expect(newJobState([], 2).maxOwnFailures).toBe(2);
  });
});

describe('WriteRunner', () => {
  const env = useFeedParts('recall-bot-runner-');

  it('makes a write once: recorded before, then done with the acks of its events', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'), c2cOf('2_1_1'));
    const log: string[] = [];
    const write = writeOf(events);
    const outcome = await env.parts
      .runner({ queue: recording(env.parts.store.queue, log) })
      .run(write, newJobState());
    const [message] = env.slack.messages;
    expect(outcome).toEqual({ outcome: 'posted', ts: message?.ts });
    expect(env.slack.messages).toHaveLength(1);
    const done = { outcome: 'posted', ts: message?.ts, ack: write.eventIds, links: [] };
    expect(log).toEqual([
      `beginAttempt ${write.id} {}`,
      `finishAttempt ${write.id} ${JSON.stringify(done)}`,
    ]);
    expect(await env.parts.store.queue.pendingCount()).toBe(0);
  });

  it('does not make again a write recorded as done, nor a step recorded gone', async () => {
    const runner = env.parts.runner();
    const write = writeOf([], { id: 'w-done' });
    expect(await runner.run(write, newJobState([doneAttempt({})]))).toEqual({
      outcome: 'posted',
      ts: '7.7',
    });
    const update = writeOf([], { id: 'e1:update:1', step: 'update:1', kind: 'update', ts: '1' });
    const gone = doneAttempt({ id: 'e1:update:1', step: 'update:1', outcome: 'gone' });
    expect(await runner.run(update, newJobState([gone]))).toEqual({
      outcome: 'gone',
      reason: 'recorded earlier',
    });
    expect(env.slack.calls).toEqual([]);
  });

  it('saves the links the write makes, with its ts, in the same commit', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    const key = officialPostKey('@TOA#_x', '1_1_1');
    const outcome = await env.parts.runner().run(
      writeOf(events, {
        links: (at) => [{ key, link: { channel: CHANNEL, ...(at ? { ts: at } : {}) } }],
      }),
      newJobState(),
    );
    const ts = outcome.outcome === 'posted' ? outcome.ts : undefined;
    expect(ts).toBe(env.slack.messages[0]?.ts);
    expect(await env.parts.store.links.getPostLink(key)).toEqual({ channel: CHANNEL, ts });
  });

  it('makes the plainer write instead, once, when Slack refuses the payload', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    env.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const plain = writeOf(events, { content: { text: 'plain', blocks: [] } });
    const write = writeOf(events, { fallback: () => plain });
    const log: string[] = [];
    await env.parts
      .runner({ queue: recording(env.parts.store.queue, log) })
      .run(write, newJobState());
    expect(env.slack.messages.map((m) => m.text)).toEqual(['plain']);
    // The refused write is forgotten: nothing to look for after a restart.
    expect(log.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      `beginAttempt ${write.id}`,
      `abandonAttempt ${write.id}`,
      `beginAttempt ${plain.id}`,
      `finishAttempt ${plain.id}`,
    ]);
  });

  it('gives a job up after failures of its own, as many as its state or the policy allows', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    env.slack.failNext('chat.postMessage', { error: 'something_only_this_post_does' }, 5);
    const job = newJobState();
    const error = await env.parts
      .runner()
      .run(writeOf(events), job)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadLetterError);
    expect(error).toMatchObject({ kind: 'own', reason: 'something_only_this_post_does' });
    expect(job.ownFailures).toBe(FAST_RETRY.maxOwnFailures);

    const retried = newJobState([], 2);
    await expect(env.parts.runner().run(writeOf(events), retried)).rejects.toThrow(DeadLetterError);
    expect(retried.ownFailures).toBe(2);
    expect(env.slack.messages).toEqual([]);
    expect(await env.parts.store.queue.pendingCount()).toBe(1);
  });

  it('waits while Slack refuses the feed, says so on /healthz, and clears it once it posts', async () => {
    const problems: (string | undefined)[] = [];
    const setProblem = env.parts.health.setProblem.bind(env.parts.health);
    env.parts.health.setProblem = (name, reason) => {
      if (name === 'slack') problems.push(reason);
      setProblem(name, reason);
    };
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    env.slack.failNext('chat.postMessage', { error: 'invalid_auth' }, 2);
    await env.parts.runner().run(writeOf(events), newJobState());
    expect(problems).toEqual([
      'Slack refuses the feed: invalid_auth',
      'Slack refuses the feed: invalid_auth',
      undefined,
    ]);
    expect(env.slack.messages).toHaveLength(1);
    expect((await env.parts.health.status()).status).toBe('ok');
  });

  it('looks in the channel after an unanswered try before making the write again', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    env.slack.failNext('chat.postMessage', 'http500');
    await env.parts.runner().run(writeOf(events), newJobState());
    const methods = env.slack.calls.map((c) => c.method);
    expect(methods).toEqual(['chat.postMessage', 'conversations.history', 'chat.postMessage']);
    expect(env.slack.messages).toHaveLength(1);
  });

  it('finds in the channel the post of a try whose answer was lost, and posts nothing more', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    const held = env.slack.hold('chat.postMessage');
    const impatient = new WebClient('xoxb-test-token', {
      slackApiUrl: env.slack.apiUrl,
      timeout: 300,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    const runner = env.parts.runner({ slack: impatient });
    const write = writeOf(events);
    const outcome = await runner.run(write, newJobState());
    held.release();
    expect(env.slack.messages).toHaveLength(1);
    expect(outcome).toEqual({ outcome: 'posted', ts: env.slack.messages[0]?.ts });
    expect(await env.parts.store.queue.pendingCount()).toBe(0);
  });

  it('is gone when the post it updates was deleted, and records it so', async () => {
    const post = await env.parts.client.chat.postMessage({ channel: CHANNEL, text: 'a post' });
    env.slack.deleteMessage(CHANNEL, post.ts ?? '');
    const update = writeOf([], {
      id: 'e1:update',
      step: 'update',
      kind: 'update',
      ts: post.ts ?? '',
      eventIds: ['e1'],
      delivers: false,
    });
    const job = newJobState();
    expect(await env.parts.runner().run(update, job)).toEqual({
      outcome: 'gone',
      reason: 'message_not_found',
    });
    expect(job.done.get('update')).toMatchObject({ state: 'done', outcome: 'gone' });
  });

  it('does not post for events another replica took over', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    const runner = env.parts.runner({
      queue: queueWith(env.parts.store.queue, 'confirmHeld', async () => false),
    });
    const error = await runner.run(writeOf(events), newJobState()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFaultError);
    expect((error as Error).message).toBe('another replica took these events over');
    expect(env.slack.messages).toEqual([]);
  });

  it('tries a store write again before giving up on it', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    let failures = 2;
    const queue = env.parts.store.queue;
    const runner = env.parts.runner({
      queue: queueWith(queue, 'beginAttempt', (attempt) =>
        failures-- > 0
          ? Promise.reject(new Error('database is locked'))
          : queue.beginAttempt(attempt),
      ),
    });
    await runner.run(writeOf(events), newJobState());
    expect(env.slack.messages).toHaveLength(1);
    expect(await queue.pendingCount()).toBe(0);
  });

  it('stops waiting when the app stops', async () => {
    const events = await env.parts.claimed(c2cOf('1_1_1'));
    env.slack.failNext('chat.postMessage', { error: 'invalid_auth' });
    const runner = env.parts.runner({ retry: { ...FAST_RETRY, permanentMs: 60_000 } });
    const running = runner.run(writeOf(events), newJobState());
    setTimeout(() => env.parts.controller.abort(), 50);
    await expect(running).rejects.toBeInstanceOf(StoppedError);
    expect(env.slack.messages).toEqual([]);
  });
});
