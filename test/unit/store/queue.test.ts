import { describe, expect, it } from 'vitest';
import {
  DEDUPE_RETENTION_MS,
  doneAttempt,
  type PostAttempt,
  postAttemptSchema,
} from '../../../src/store/queue.js';

const started: PostAttempt = {
  id: 'post-1',
  eventIds: ['e1', 'e2'],
  kind: 'message',
  channel: 'C1',
  delivers: true,
  state: 'started',
  startedAt: 1_700_000_000_000,
};

describe('doneAttempt', () => {
  it('marks the attempt done with its outcome and ts, keeping everything else', () => {
    expect(doneAttempt(started, { outcome: 'posted', ts: '1700000000.000100' })).toEqual({
      ...started,
      state: 'done',
      outcome: 'posted',
      ts: '1700000000.000100',
    });
  });

  it('records no ts when none is known, and keeps the one it had', () => {
    const gone = doneAttempt(started, { outcome: 'gone' });
    expect(gone).toEqual({ ...started, state: 'done', outcome: 'gone' });
    expect(gone).not.toHaveProperty('ts');
    const update = { ...started, kind: 'update' as const, step: 'update:1.1', ts: '1.1' };
    expect(doneAttempt(update, { outcome: 'posted', ts: undefined }).ts).toBe('1.1');
  });

  it('leaves what it is given unchanged, and ignores the acks and links', () => {
    const before = structuredClone(started);
    const done = doneAttempt(started, {
      outcome: 'posted',
      ts: '2.2',
      ack: ['e1'],
      links: [{ key: 'k', link: { channel: 'C1', ts: '2.2' } }],
    });
    expect(started).toEqual(before);
    expect(postAttemptSchema.parse(done)).toEqual(done);
    expect(done).not.toHaveProperty('ack');
    expect(done).not.toHaveProperty('links');
  });
});

describe('postAttemptSchema', () => {
  it('accepts every kind of write, done or started', () => {
    for (const kind of ['message', 'file', 'reply', 'update'] as const) {
      expect(postAttemptSchema.safeParse({ ...started, kind }).success).toBe(true);
    }
    const full = {
      ...started,
      kind: 'file',
      step: 'details',
      threadTs: '1.1',
      fileName: 'post-1.txt',
      state: 'done',
      outcome: 'posted',
      ts: '1.2',
    };
    expect(postAttemptSchema.parse(full)).toEqual(full);
  });

  it('bounds the id to 1–200 characters and the step to 200', () => {
    const parses = (fields: Partial<Record<keyof PostAttempt, unknown>>) =>
      postAttemptSchema.safeParse({ ...started, ...fields }).success;
    expect(parses({ id: '' })).toBe(false);
    expect(parses({ id: 'x' })).toBe(true);
    expect(parses({ id: 'x'.repeat(200) })).toBe(true);
    expect(parses({ id: 'x'.repeat(201) })).toBe(false);
    expect(parses({ step: 'x'.repeat(200) })).toBe(true);
    expect(parses({ step: 'x'.repeat(201) })).toBe(false);
  });

  it('refuses an unknown kind, state or outcome, and a record missing a field', () => {
    const parses = (value: unknown) => postAttemptSchema.safeParse(value).success;
    expect(parses({ ...started, kind: 'delete' })).toBe(false);
    expect(parses({ ...started, state: 'failed' })).toBe(false);
    expect(parses({ ...started, outcome: 'lost' })).toBe(false);
    expect(parses({ ...started, startedAt: '1700000000000' })).toBe(false);
    expect(parses({ ...started, eventIds: [1] })).toBe(false);
    for (const field of ['id', 'eventIds', 'kind', 'channel', 'delivers', 'state', 'startedAt']) {
      const { [field as keyof PostAttempt]: _dropped, ...rest } = started;
      expect(parses(rest), field).toBe(false);
    }
  });
});

describe('DEDUPE_RETENTION_MS', () => {
  it('remembers an event for at least the 24 hours SPEC asks', () => {
    expect(DEDUPE_RETENTION_MS).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
  });
});
