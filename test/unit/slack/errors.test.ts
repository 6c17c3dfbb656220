import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySlackError } from '../../../src/slack/errors.js';

const platform = (error: string) => ({ code: ErrorCode.PlatformError, data: { error } });

describe('classifySlackError', () => {
  it('waits out a rate limit for as long as Slack asks', () => {
    expect(classifySlackError({ code: ErrorCode.RateLimitedError, retryAfter: 7 })).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      reason: 'ratelimited',
    });
  });

  it.each(['message_not_found', 'cant_update_message', 'is_archived', 'thread_not_found'])(
    'takes %s about an earlier post as the post being gone',
    (error) => {
      expect(classifySlackError(platform(error), 'existing_post').kind).toBe('gone');
    },
  );

  it('takes a channel problem of the feed itself as a refusal a person must fix', () => {
    expect(classifySlackError(platform('is_archived'), 'channel').kind).toBe('refused');
    expect(classifySlackError(platform('not_in_channel'), 'channel').kind).toBe('refused');
    expect(classifySlackError(platform('invalid_auth'), 'existing_post').kind).toBe('refused');
  });

  it('tells payload refusals, Slack breaking and errors of the call itself apart', () => {
    expect(classifySlackError(platform('invalid_blocks')).kind).toBe('payload');
    expect(classifySlackError(platform('internal_error')).kind).toBe('unreachable');
    expect(classifySlackError(platform('something_new')).kind).toBe('own');
    expect(classifySlackError({ code: ErrorCode.HTTPError, statusCode: 502 })).toEqual({
      kind: 'unreachable',
      reason: 'http_502',
    });
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(classifySlackError({ code: ErrorCode.RequestError, original: timeout })).toEqual({
      kind: 'unreachable',
      reason: 'timeout',
    });
    expect(classifySlackError(new Error('boom'))).toEqual({
      kind: 'unreachable',
      reason: 'unexpected',
    });
  });
});
