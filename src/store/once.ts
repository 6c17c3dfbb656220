/**
 * Short-lived values and locks: recall confirmations (taken once), click locks and the leases of
 * running recall jobs. Once-values and locks share one namespace.
 */
export interface OnceStore {
  /** Stores a value that can be taken once, until `ttlMs` passes. */
  putOnce(key: string, value: string, ttlMs: number): Promise<void>;
  /** Takes the value (atomically: a second take gets `undefined`), if not expired. */
  takeOnce(key: string): Promise<string | undefined>;
  /** Reads the value without taking it, if not expired. */
  peekOnce(key: string): Promise<string | undefined>;
  /** Sets `key` only if it is not set (or expired): `true` for the one caller that set it. */
  acquire(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Holds `key` for `owner` for `ttlMs`: takes it when free (or expired), extends it when `owner`
   * holds it; `false` when someone else does.
   */
  lease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Extends `key` for `ttlMs` only while `owner` still holds it: `false` once it lapsed or went
   * to someone else (never takes a free key, unlike `lease`).
   */
  extendLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Lets go of `key` if `owner` holds it. */
  unlease(key: string, owner: string): Promise<void>;
}
