import { describe, expect, it } from 'vitest';
import {
  computeSign,
  SignCache,
  verifySdkAppId,
  verifySignature,
} from '../../../../src/tencent/webhook/verify.js';
import { refusalOf } from '../../../helpers/refusal.js';

const refusal = refusalOf;

describe('webhook verification', () => {
  it('computes the documented example signature', () => {
    expect(computeSign('xxxxyyyy', '1669872112')).toBe(
      '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
    );
  });

  it('accepts a fresh, correct Sign in lowercase hex, and only in lowercase (SPEC)', () => {
    const now = 1669872112_000;
    const sign = computeSign('xxxxyyyy', '1669872112');
    expect(() => verifySignature(new SignCache('xxxxyyyy'), sign, '1669872112', now)).not.toThrow();
    expect(() =>
      verifySignature(new SignCache('xxxxyyyy'), sign, '1669872112', now + 59_000),
    ).not.toThrow();
    expect(() =>
      verifySignature(new SignCache('xxxxyyyy'), sign.toUpperCase(), '1669872112', now),
    ).toThrow(/Sign does not match/);
  });

  it.each([
    ['missing Sign', undefined, '1669872112', 1669872112_000],
    ['missing RequestTime', 'abc', undefined, 1669872112_000],
    ['wrong Sign', computeSign('other', '1669872112'), '1669872112', 1669872112_000],
    [
      'truncated Sign',
      computeSign('xxxxyyyy', '1669872112').slice(0, 10),
      '1669872112',
      1669872112_000,
    ],
    [
      'stale RequestTime',
      computeSign('xxxxyyyy', '1669872112'),
      '1669872112',
      1669872112_000 + 61_000,
    ],
    [
      'future RequestTime',
      computeSign('xxxxyyyy', '1669872112'),
      '1669872112',
      1669872112_000 - 61_000,
    ],
    ['non-numeric RequestTime', computeSign('xxxxyyyy', 'abc'), 'abc', 1669872112_000],
  ])('refuses %s with 401', (_name, sign, time, now) => {
    const error = refusal(() => verifySignature(new SignCache('xxxxyyyy'), sign, time, now));
    expect(error.status).toBe(401);
  });

  it('refuses another SDKAppID with 403', () => {
    expect(() => verifySdkAppId('1400000001', 1400000001)).not.toThrow();
    expect(refusal(() => verifySdkAppId('1400000002', 1400000001)).status).toBe(403);
    expect(refusal(() => verifySdkAppId(undefined, 1400000001)).status).toBe(403);
    expect(refusal(() => verifySdkAppId('01400000001', 1400000001)).status).toBe(403);
  });

  it("keeps each route's expected signs apart, a few seconds at most", () => {
    const now = 1669872112_000;
    const sign = computeSign('xxxxyyyy', '1669872112');
    const a = new SignCache('xxxxyyyy');
    const b = new SignCache('other');
    expect(() => verifySignature(a, sign, '1669872112', now)).not.toThrow();
    expect(a.expected('1669872112').toString('utf8')).toBe(sign);
    expect(a.size()).toBe(1);
    // Another app's route (its own cache) has computed nothing, and refuses with its own token.
    expect(b.size()).toBe(0);
    expect(refusal(() => verifySignature(b, sign, '1669872112', now)).status).toBe(401);
    for (let t = 0; t < SignCache.MAX_SIZE * 2; t++) a.expected(String(1669872112 + t));
    expect(a.size()).toBeLessThanOrEqual(SignCache.MAX_SIZE);
    expect(a.expected('1669872112').toString('utf8')).toBe(sign);
  });
});
