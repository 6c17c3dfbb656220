/** What a good token may still be refused: a scope the test took away, a method's rate limit. */
import { RateWindows } from './rate-windows.js';
import { missingScopeFailure } from './scopes.js';
import type { FakeSlackOptions, RateLimit } from './types.js';
import { HttpAnswer, type Json, rateLimited } from './wire.js';

export class MethodLimits {
  private readonly limits = new Map<string, RateLimit>();
  private readonly windows = new RateWindows();
  private missingScopes = new Set<string>();

  constructor(private readonly options: Pick<FakeSlackOptions, 'rateLimits' | 'missingScopes'>) {
    this.reset();
  }

  setRateLimit(method: string, limit: RateLimit | undefined): void {
    if (limit) this.limits.set(method, { ...limit });
    else this.limits.delete(method);
    this.windows.forget(method);
  }

  setMissingScopes(scopes: string[]): void {
    this.missingScopes = new Set(scopes);
  }

  /** `missing_scope`, or a 429 when `method` is over its limit; else counts the call. */
  refusal(method: string, args: Json): HttpAnswer | undefined {
    const noScope = missingScopeFailure(method, args, this.missingScopes);
    if (noScope) return new HttpAnswer(200, noScope);
    const limit = this.limits.get(method);
    const wait = limit && this.windows.admit([method], limit);
    return wait === undefined ? undefined : rateLimited(wait);
  }

  /** Back to the rate limits and missing scopes of the options. */
  reset(): void {
    this.limits.clear();
    this.windows.forget();
    for (const [method, limit] of Object.entries(this.options.rateLimits ?? {})) {
      if (limit) this.limits.set(method, { ...limit });
    }
    this.missingScopes = new Set(this.options.missingScopes ?? []);
  }
}
