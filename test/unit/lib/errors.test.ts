import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { DeadLetterError, StoppedError, StoreFaultError } from '../../../src/feed/errors.js';
import { BodyError } from '../../../src/http/body.js';
import { CodedError } from '../../../src/lib/errors.js';
import { RecallTakenOverError } from '../../../src/recall/holds.js';
import { RecallLimiterError, RecallQueueFullError } from '../../../src/recall/limiter.js';
import { SlackRequestError } from '../../../src/slack/gate.js';
import { DataDirError } from '../../../src/store/sqlite/schema.js';
import { TencentRestError } from '../../../src/tencent/rest/client.js';
import { WebhookError } from '../../../src/tencent/webhook/errors.js';

describe('CodedError', () => {
  it('carries a string code, an optional HTTP status and its cause', () => {
    const cause = new Error('disk full');
    const error = new CodedError('store_down', 'the store failed', { status: 503, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('store_down');
    expect(error.status).toBe(503);
    expect(error.message).toBe('the store failed');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('CodedError');
  });

  it('has no status and no cause unless given', () => {
    const error = new CodedError('oops', 'something');
    expect(error.status).toBeUndefined();
    expect(error.cause).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it("names a subclass's errors by the subclass", () => {
    class ThingError extends CodedError<'thing'> {}
    const error = new ThingError('thing', 'a thing went wrong');
    expect(error.name).toBe('ThingError');
    expect(error).toBeInstanceOf(CodedError);
    expect(String(error)).toBe('ThingError: a thing went wrong');
  });
});

describe('every error of the app is a CodedError', () => {
  const cause = new Error('EACCES');
  const cases: [CodedError, string, number | undefined][] = [
    [new WebhookError(401, 'Sign does not match', 'unauthorized'), 'unauthorized', 401],
    [new WebhookError(503, 'shutting down', 'unavailable'), 'unavailable', 503],
    [new BodyError('too_large', 'body exceeds 10 bytes'), 'too_large', 413],
    [new BodyError('busy', 'too many request bodies at once'), 'busy', 503],
    [new BodyError('slow', 'the body did not arrive within 10 s'), 'slow', 408],
    [new BodyError('cut_off', 'the request was cut off'), 'cut_off', undefined],
    [new SlackRequestError(405, 'not_post', 'use POST'), 'not_post', 405],
    [
      new TencentRestError('Tencent answered 70001', {
        kind: 'api',
        status: 200,
        errorCode: 70001,
        transient: false,
      }),
      'tencent_api',
      200,
    ],
    [
      new TencentRestError('Tencent did not answer', { kind: 'timeout', transient: true }),
      'tencent_timeout',
      undefined,
    ],
    [new ConfigError(['PORT must be a number']), 'config_invalid', undefined],
    [new RecallQueueFullError(5000), 'recall_queue_full', undefined],
    [new RecallLimiterError('the limiter is closed', 'closed'), 'closed', undefined],
    [new RecallLimiterError('Redis is away', 'unavailable'), 'unavailable', undefined],
    [new RecallTakenOverError(), 'recall_taken_over', undefined],
    [new DataDirError('DATA_DIR /x cannot be used', { cause }), 'data_dir_unusable', undefined],
    [new DeadLetterError('message', 'invalid_blocks'), 'dead_letter', undefined],
    [new StoppedError('stopping'), 'stopped', undefined],
    [new StoreFaultError('the store failed', { cause }), 'store_fault', undefined],
  ];

  it.each(cases)('%s has its code and status', (error, code, status) => {
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.name).toBe(error.constructor.name);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('keeps what each class adds', () => {
    const refusal = new WebhookError(403, 'SdkAppid does not match', 'forbidden');
    expect(refusal.reason).toBe('SdkAppid does not match');
    const tencent = new TencentRestError('Tencent answered 60007', {
      kind: 'api',
      errorCode: 60007,
      transient: true,
    });
    expect(tencent).toMatchObject({ kind: 'api', errorCode: 60007, transient: true });
    expect(new ConfigError(['A is required', 'B is required']).message).toBe(
      'Invalid configuration:\n  - A is required\n  - B is required',
    );
    expect(new RecallQueueFullError(7).maxQueued).toBe(7);
    expect(new DeadLetterError('file', 'too big')).toMatchObject({
      kind: 'file',
      reason: 'too big',
      message: 'file: too big',
    });
    expect(new DataDirError('no', { cause }).cause).toBe(cause);
    expect(new StoreFaultError('no', { cause }).cause).toBe(cause);
  });

  it("has no code starting slack_ (the feed waits out a failure whose code does, as Slack's)", () => {
    for (const [error] of cases) expect(error.code.startsWith('slack_')).toBe(false);
  });
});
