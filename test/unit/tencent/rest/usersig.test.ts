import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import TLSSigAPIv2 from 'tls-sig-api-v2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AdminUserSig,
  decodeUserSig,
  type UserSigDocument,
  verifyUserSig,
} from '../../../../src/tencent/rest/usersig.js';

const SDKAPPID = 1400000001;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const ADMIN = 'administrator';
const expected = (now = Date.now()) => ({ sdkAppId: SDKAPPID, key: KEY, identifier: ADMIN, now });

/** Encodes a document the way the package does, to build tampered signatures. */
function encode(document: UserSigDocument): string {
  return deflateSync(Buffer.from(JSON.stringify(document)))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('UserSig round trip', () => {
  it('decodes what the package generates and recomputes its HMAC', () => {
    const before = Math.floor(Date.now() / 1000);
    const sig = new TLSSigAPIv2.Api(SDKAPPID, KEY).genUserSig(ADMIN, 86_400);
    expect(sig).toMatch(/^[A-Za-z0-9*_-]+$/);
    const raw = Buffer.from(
      sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='),
      'base64',
    );
    expect(raw.subarray(0, 2).toString('hex')).toBe('789c');

    const document = decodeUserSig(sig);
    expect(document).toMatchObject({
      'TLS.ver': '2.0',
      'TLS.identifier': ADMIN,
      'TLS.sdkappid': SDKAPPID,
      'TLS.expire': 86_400,
    });
    expect(document?.['TLS.time']).toBeGreaterThanOrEqual(before);
    // Independent of src/: the content format of reference §5, key used as a UTF-8 string.
    const content = `TLS.identifier:${ADMIN}\nTLS.sdkappid:${SDKAPPID}\nTLS.time:${document?.['TLS.time']}\nTLS.expire:86400\n`;
    expect(document?.['TLS.sig']).toBe(createHmac('sha256', KEY).update(content).digest('base64'));
    expect(verifyUserSig(sig, expected())).toEqual({ ok: true, document });
  });

  it('verifies signatures that carry a userbuf', () => {
    const sig = new TLSSigAPIv2.Api(SDKAPPID, KEY).genPrivateMapKeyWithStringRoomID(
      ADMIN,
      300,
      'room-1',
      255,
    );
    expect(decodeUserSig(sig)?.['TLS.userbuf']).toBeTypeOf('string');
    expect(verifyUserSig(sig, expected()).ok).toBe(true);
  });

  it('refuses tampered, foreign, expired and malformed signatures', () => {
    const sig = new TLSSigAPIv2.Api(SDKAPPID, KEY).genUserSig(ADMIN, 3600);
    const document = decodeUserSig(sig) as UserSigDocument;
    const problem = (s: string, now = Date.now()) => {
      const check = verifyUserSig(s, expected(now));
      return check.ok ? 'ok' : check.problem;
    };
    expect(problem(encode({ ...document, 'TLS.expire': 999_999 }))).toBe('signature');
    const sigText = document['TLS.sig'];
    const flipped = `${sigText.startsWith('A') ? 'B' : 'A'}${sigText.slice(1)}`;
    expect(problem(encode({ ...document, 'TLS.sig': flipped }))).toBe('signature');
    expect(problem(new TLSSigAPIv2.Api(SDKAPPID, 'another key').genUserSig(ADMIN, 3600))).toBe(
      'signature',
    );
    expect(problem(new TLSSigAPIv2.Api(SDKAPPID, KEY).genUserSig('someone', 3600))).toBe(
      'identifier',
    );
    expect(problem(new TLSSigAPIv2.Api(1400000002, KEY).genUserSig(ADMIN, 3600))).toBe('sdkappid');
    expect(problem(sig, (document['TLS.time'] + 3601) * 1000)).toBe('expired');
    expect(problem(sig, (document['TLS.time'] + 3600) * 1000)).toBe('ok');
    expect(problem('not-a-usersig')).toBe('malformed');
    expect(problem(encode({ ...document, 'TLS.time': 'now' } as unknown as UserSigDocument))).toBe(
      'malformed',
    );
  });
});

describe('AdminUserSig', () => {
  const DAY = 86_400_000;

  it('reuses one UserSig and renews it a day before it expires', () => {
    const generate = vi.spyOn(TLSSigAPIv2.Api.prototype, 'genUserSig');
    let now = 1_700_000_000_000;
    const userSig = new AdminUserSig({
      sdkAppId: SDKAPPID,
      secretKey: KEY,
      identifier: ADMIN,
      now: () => now,
    });
    const first = userSig.get();
    expect(generate).toHaveBeenCalledTimes(1);
    expect(generate).toHaveBeenLastCalledWith(ADMIN, 7 * 86_400);
    expect(verifyUserSig(first, expected()).ok).toBe(true);

    now += 6 * DAY - 1;
    expect(userSig.get()).toBe(first);
    expect(generate).toHaveBeenCalledTimes(1);

    now += 1;
    userSig.get();
    expect(generate).toHaveBeenCalledTimes(2);
    now += 6 * DAY - 1;
    userSig.get();
    expect(generate).toHaveBeenCalledTimes(2);
  });

  it('renews at half its life when that comes sooner', () => {
    const generate = vi.spyOn(TLSSigAPIv2.Api.prototype, 'genUserSig');
    let now = 0;
    const userSig = new AdminUserSig({
      sdkAppId: SDKAPPID,
      secretKey: KEY,
      identifier: ADMIN,
      validitySeconds: 3600,
      now: () => now,
    });
    userSig.get();
    now = 1_799_999;
    userSig.get();
    expect(generate).toHaveBeenCalledTimes(1);
    now = 1_800_000;
    userSig.get();
    expect(generate).toHaveBeenCalledTimes(2);
  });

  it('generates a fresh one after invalidate()', () => {
    const generate = vi.spyOn(TLSSigAPIv2.Api.prototype, 'genUserSig');
    const userSig = new AdminUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, identifier: ADMIN });
    userSig.get();
    userSig.get();
    expect(generate).toHaveBeenCalledTimes(1);
    userSig.invalidate();
    expect(verifyUserSig(userSig.get(), expected()).ok).toBe(true);
    expect(generate).toHaveBeenCalledTimes(2);
  });
});
