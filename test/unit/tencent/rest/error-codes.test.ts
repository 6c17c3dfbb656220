import { describe, expect, it } from 'vitest';
import {
  isRateLimit,
  isTransient,
  isUserSigExpired,
  meaningOf,
} from '../../../../src/tencent/rest/error-codes.js';

const MEANINGS: [number, RegExp][] = [
  [10002, /internal error/],
  [10003, /command/],
  [10004, /invalid parameter/],
  [10007, /permission/],
  [10010, /Official Account does not exist/],
  [10015, /invalid Official Account ID/],
  [10030, /does not exist/],
  [10031, /time limit/],
  [10032, /does not support recall/],
  [60002, /HTTP parse/],
  [60003, /JSON parse/],
  [60004, /UserID or UserSig/],
  [60005, /UserID or UserSig/],
  [60006, /invalid SDKAppID/],
  [60007, /frequency over the limit/],
  [60008, /timed out/],
  [60009, /URL/],
  [60010, /admin/],
  [60011, /SDKAppID request frequency/],
  [60012, /SDKAppID missing/],
  [60013, /response JSON/],
  [60014, /account replacement/],
  [60015, /not a string/],
  [60016, /disabled/],
  [60017, /request is disabled/],
  [60018, /too many requests/],
  [60019, /too many requests/],
  [60020, /package has expired/],
  [60021, /IP address/],
  [70001, /UserSig has expired/],
  [70002, /empty/],
  [70003, /UserSig is invalid/],
  [70005, /UserSig is invalid/],
  [70009, /verification failed/],
  [70013, /UserID does not match/],
  [70014, /SDKAppID does not match/],
  [70016, /key/],
  [70020, /not found/],
  [70050, /retry after a minute/],
  [70051, /blacklisted/],
  [70052, /UserSig has expired/],
  [70107, /user does not exist/],
  [70169, /timeout/],
  [70202, /timeout/],
  [70398, /number of accounts/],
  [70402, /invalid parameter/],
  [70403, /admin/],
  [70500, /internal error/],
];

describe('Tencent error codes', () => {
  it.each(MEANINGS)('%i means %s', (code, meaning) => {
    expect(meaningOf(code)).toMatch(meaning);
    expect(meaningOf(code)).not.toMatch(/^Tencent error/);
  });

  it('names unknown codes by number', () => {
    expect(meaningOf(12345)).toBe('Tencent error 12345');
    expect(meaningOf(0)).toBe('OK');
  });

  it('retries internal errors, internal timeouts and rate limits only', () => {
    const transient = MEANINGS.map(([code]) => code).filter(isTransient);
    expect(transient).toEqual([10002, 60007, 60011, 60018, 60019, 70050, 70169, 70202, 70500]);
    expect(isTransient(12345)).toBe(false);
  });

  it('knows which codes are rate limits (not 60014, not 70398)', () => {
    expect(MEANINGS.map(([code]) => code).filter(isRateLimit)).toEqual([
      60007, 60011, 60018, 60019,
    ]);
    expect(isRateLimit(60014)).toBe(false);
    expect(isRateLimit(70398)).toBe(false);
    expect(isTransient(70398)).toBe(false);
  });

  it('knows which codes mean the UserSig expired', () => {
    expect(MEANINGS.map(([code]) => code).filter(isUserSigExpired)).toEqual([70001, 70052]);
  });
});
