import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookError } from './errors.js';

/** How far `RequestTime` may lie from our clock. */
export const REQUEST_TIME_WINDOW_SECONDS = 60;

/** `Sign = sha256(token + RequestTime)`, lowercase hex. */
export function computeSign(token: string, requestTime: string): string {
  return createHash('sha256')
    .update(token + requestTime)
    .digest('hex');
}

/**
 * Every call within one second carries the same `RequestTime`, hence the same `Sign`: computing
 * it once per second keeps a hash off the hot path. Only a few seconds are ever valid at once.
 * Each webhook route has its own, for its token (made with the route, gone with it), never one
 * per process.
 */
export class SignCache {
  private readonly signs = new Map<string, Buffer>();

  /** How many seconds' signs it holds at most. */
  static readonly MAX_SIZE = 16;

  constructor(private readonly token: string) {}

  /** The `Sign` Tencent sends with `requestTime`, as bytes to compare. */
  expected(requestTime: string): Buffer {
    let sign = this.signs.get(requestTime);
    if (!sign) {
      if (this.signs.size >= SignCache.MAX_SIZE) this.signs.clear();
      sign = Buffer.from(computeSign(this.token, requestTime), 'utf8');
      this.signs.set(requestTime, sign);
    }
    return sign;
  }

  /** Signs held now. */
  size(): number {
    return this.signs.size;
  }
}

/** The SDKAppID in the query must be ours: Tencent's own advice for every callback. */
export function verifySdkAppId(sdkAppId: string | undefined, expected: number): void {
  if (sdkAppId === undefined || sdkAppId !== String(expected)) {
    throw new WebhookError(403, 'SdkAppid does not match this application', 'forbidden');
  }
}

/**
 * Webhook authentication, when a token is configured: `Sign` and a fresh `RequestTime`.
 * `signs`: the route's cache of expected signs, for its token.
 */
export function verifySignature(
  signs: SignCache,
  sign: string | undefined,
  requestTime: string | undefined,
  nowMs: number,
): void {
  if (!sign || !requestTime) {
    throw new WebhookError(401, 'Sign and RequestTime are required', 'unauthorized');
  }
  if (!/^\d{1,12}$/.test(requestTime)) {
    throw new WebhookError(401, 'RequestTime must be Unix seconds', 'unauthorized');
  }
  const skew = Math.abs(nowMs / 1000 - Number(requestTime));
  if (skew > REQUEST_TIME_WINDOW_SECONDS) {
    throw new WebhookError(401, 'RequestTime is outside the allowed window', 'unauthorized');
  }
  const expected = signs.expected(requestTime);
  // SPEC: lowercase hex, as Tencent sends it; another spelling is another string.
  const given = Buffer.from(sign, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new WebhookError(401, 'Sign does not match', 'unauthorized');
  }
}
