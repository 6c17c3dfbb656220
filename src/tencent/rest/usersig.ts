import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import TLSSigAPIv2 from 'tls-sig-api-v2';
import { z } from 'zod';

const DAY_SECONDS = 86_400;

export interface AdminUserSigOptions {
  sdkAppId: number;
  secretKey: string;
  /** The App admin account the REST API is called as (`identifier`). */
  identifier: string;
  /** How long each generated UserSig is valid. Tencent asks for at least 24 hours. */
  validitySeconds?: number;
  /** Renew when less than this remains; capped at half the validity. */
  renewBeforeSeconds?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

/**
 * The admin account's UserSig, generated once and reused: signing on every request would
 * cost a deflate and an HMAC each time, and Tencent allows reuse while it is valid. It is
 * renewed well before it expires, so a request never leaves with a UserSig about to lapse.
 */
export class AdminUserSig {
  readonly identifier: string;
  private readonly api: TLSSigAPIv2.Api;
  private readonly validitySeconds: number;
  private readonly renewBeforeSeconds: number;
  private readonly now: () => number;
  private cached: { sig: string; renewAtMs: number } | undefined;

  constructor(options: AdminUserSigOptions) {
    this.identifier = options.identifier;
    this.api = new TLSSigAPIv2.Api(options.sdkAppId, options.secretKey);
    this.validitySeconds = options.validitySeconds ?? 7 * DAY_SECONDS;
    this.renewBeforeSeconds = Math.min(
      options.renewBeforeSeconds ?? DAY_SECONDS,
      this.validitySeconds / 2,
    );
    this.now = options.now ?? Date.now;
  }

  /** The current UserSig; a fresh one when none is cached or the cached one nears its end. */
  get(): string {
    const now = this.now();
    if (!this.cached || now >= this.cached.renewAtMs) {
      this.cached = {
        sig: this.api.genUserSig(this.identifier, this.validitySeconds),
        renewAtMs: now + (this.validitySeconds - this.renewBeforeSeconds) * 1000,
      };
    }
    return this.cached.sig;
  }

  /** Forgets the cached UserSig (after Tencent answered 70001/70052: it thinks it expired). */
  invalidate(): void {
    this.cached = undefined;
  }
}

const userSigDocumentSchema = z.object({
  'TLS.ver': z.string(),
  'TLS.identifier': z.string(),
  'TLS.sdkappid': z.number().int(),
  'TLS.time': z.number().int(),
  'TLS.expire': z.number().int(),
  'TLS.sig': z.string(),
  'TLS.userbuf': z.string().optional(),
});

/** What a UserSig carries once its transport encoding is undone. */
export type UserSigDocument = z.infer<typeof userSigDocumentSchema>;

/** A UserSig is small; anything inflating past this is not one (and not worth the memory). */
const MAX_DOCUMENT_BYTES = 16 * 1024;

/**
 * Undoes the package's encoding: its base64 variant (`*` `-` `_` for `+` `/` `=`), zlib
 * deflate, JSON. Returns undefined for anything that is not a well-formed UserSig.
 */
export function decodeUserSig(sig: string): UserSigDocument | undefined {
  try {
    const base64 = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const json = inflateSync(Buffer.from(base64, 'base64'), {
      maxOutputLength: MAX_DOCUMENT_BYTES,
    }).toString('utf8');
    const parsed = userSigDocumentSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The HMAC-SHA256 of the signed content, exactly as `tls-sig-api-v2` computes it. */
export function userSigHmac(document: Omit<UserSigDocument, 'TLS.sig' | 'TLS.ver'>, key: string) {
  let content =
    `TLS.identifier:${document['TLS.identifier']}\n` +
    `TLS.sdkappid:${document['TLS.sdkappid']}\n` +
    `TLS.time:${document['TLS.time']}\n` +
    `TLS.expire:${document['TLS.expire']}\n`;
  if (document['TLS.userbuf'] !== undefined) content += `TLS.userbuf:${document['TLS.userbuf']}\n`;
  return createHmac('sha256', key).update(content).digest('base64');
}

export type UserSigCheck =
  | { ok: true; document: UserSigDocument }
  | { ok: false; problem: 'malformed' | 'sdkappid' | 'identifier' | 'expired' | 'signature' };

export interface UserSigExpectation {
  sdkAppId: number;
  key: string;
  identifier: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/**
 * Checks a UserSig the way Tencent's Go port (`VerifyUserSig`) does: SDKAppID, identifier,
 * expiry, then the HMAC. The Node package has no verifier; the fake Tencent server needs one.
 */
export function verifyUserSig(sig: string, expected: UserSigExpectation): UserSigCheck {
  const document = decodeUserSig(sig);
  if (!document) return { ok: false, problem: 'malformed' };
  if (document['TLS.sdkappid'] !== expected.sdkAppId) return { ok: false, problem: 'sdkappid' };
  if (document['TLS.identifier'] !== expected.identifier) {
    return { ok: false, problem: 'identifier' };
  }
  if (Math.floor(expected.now / 1000) > document['TLS.time'] + document['TLS.expire']) {
    return { ok: false, problem: 'expired' };
  }
  const wanted = Buffer.from(userSigHmac(document, expected.key));
  const given = Buffer.from(document['TLS.sig']);
  if (wanted.length !== given.length || !timingSafeEqual(wanted, given)) {
    return { ok: false, problem: 'signature' };
  }
  return { ok: true, document };
}
