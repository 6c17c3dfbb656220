import { describe, expect, it } from 'vitest';
import { RecallTakenOverError } from '../../../src/recall/holds.js';
import { RecallLimiterError } from '../../../src/recall/limiter.js';
import {
  failure,
  interruptionOf,
  isStopped,
  mayHaveTakenEffect,
  NO_RESULT,
  unknownResult,
  verdictOfError,
  verdictOfRetCode,
} from '../../../src/recall/verdicts.js';
import { TencentRestError, type TencentRestErrorKind } from '../../../src/tencent/rest/client.js';
import { meaningOf } from '../../../src/tencent/rest/error-codes.js';

/** A failed request as the REST client reports it (the one place that builds one). */
function restError(
  kind: TencentRestErrorKind,
  details: { status?: number; code?: number; transient?: boolean } = {},
): TencentRestError {
  return new TencentRestError(`failed: ${kind}`, {
    kind,
    status: details.status,
    errorCode: details.code,
    transient: details.transient ?? false,
  });
}

const NOT_FOUND = 10030;
const TRANSIENT = 70500;
const PERMANENT = 70003;

describe('verdictOfRetCode', () => {
  it('reads 0 as recalled', () => {
    expect(verdictOfRetCode(0, false, false)).toEqual({
      ok: true,
      unknown: false,
      retCode: 0,
      meaning: 'recalled',
      transient: false,
    });
  });

  it('tries a transient code again, until the last try', () => {
    expect(verdictOfRetCode(TRANSIENT, false, false)).toBeUndefined();
    expect(verdictOfRetCode(TRANSIENT, true, false)).toEqual(
      failure(TRANSIENT, meaningOf(TRANSIENT), true),
    );
  });

  it('fails a permanent code at once, with its meaning', () => {
    expect(verdictOfRetCode(PERMANENT, false, false)).toEqual(
      failure(PERMANENT, meaningOf(PERMANENT), false),
    );
  });

  it('reads "not found" after an unanswered try as most likely recalled, never as failed', () => {
    const verdict = verdictOfRetCode(NOT_FOUND, false, true);
    expect(verdict).toMatchObject({ ok: false, unknown: true, retCode: NOT_FOUND });
    expect(verdict?.meaning).toMatch(/most likely recalled/);
    expect(verdictOfRetCode(NOT_FOUND, false, false)).toMatchObject({
      ok: false,
      unknown: false,
      retCode: NOT_FOUND,
    });
  });
});

describe('mayHaveTakenEffect', () => {
  it('is true when no answer could be read: network, timeout, 5xx, an unreadable answer', () => {
    expect(mayHaveTakenEffect(restError('network'))).toBe(true);
    expect(mayHaveTakenEffect(restError('timeout'))).toBe(true);
    expect(mayHaveTakenEffect(restError('http', { status: 502 }))).toBe(true);
    expect(mayHaveTakenEffect(restError('http'))).toBe(true);
    expect(mayHaveTakenEffect(restError('bad_answer', { status: 200 }))).toBe(true);
  });

  it('is false for a refusal: a 4xx, or Tencent’s top-level FAIL', () => {
    expect(mayHaveTakenEffect(restError('http', { status: 403 }))).toBe(false);
    expect(mayHaveTakenEffect(restError('api', { status: 200, code: PERMANENT }))).toBe(false);
  });
});

describe('verdictOfError', () => {
  it('makes every key unknown when the request may have recalled them', () => {
    const verdict = verdictOfError(restError('timeout', { transient: true }));
    expect(verdict).toEqual(
      unknownResult(
        NO_RESULT,
        'no result from Tencent (failed: timeout): it may have been recalled',
      ),
    );
  });

  it('fails every key with Tencent’s code and its meaning after a FAIL', () => {
    expect(
      verdictOfError(restError('api', { status: 200, code: TRANSIENT, transient: true })),
    ).toEqual(failure(TRANSIENT, meaningOf(TRANSIENT), true));
  });

  it('fails every key with no code after a refusal that has none', () => {
    expect(verdictOfError(restError('http', { status: 401 }))).toEqual(
      failure(NO_RESULT, 'failed: http', false),
    );
  });
});

describe('why a request was not sent', () => {
  it('names the interruption: stopping, the limiter, another replica, else the store', () => {
    expect(interruptionOf(new RecallLimiterError('closed', 'closed'))).toBe('stopping');
    expect(interruptionOf(new RecallLimiterError('redis lost', 'unavailable'))).toBe('limiter');
    expect(interruptionOf(new RecallTakenOverError())).toBe('taken-over');
    expect(interruptionOf(new Error('SQLITE_FULL'))).toBe('storage');
  });

  it('stops retrying only when this process cannot send: stopping, or taken over', () => {
    expect(isStopped(new RecallLimiterError('closed', 'closed'))).toBe(true);
    expect(isStopped(new RecallTakenOverError())).toBe(true);
    expect(isStopped(new RecallLimiterError('redis lost', 'unavailable'))).toBe(false);
    expect(isStopped(new Error('x'))).toBe(false);
  });
});
