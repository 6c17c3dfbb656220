/** One-second sliding windows of accepted calls, by key (a method, or a channel). */
import type { RateLimit } from './types.js';

export class RateWindows {
  private readonly windows = new Map<string, number[]>();

  /**
   * Seconds to wait when any of `keys` is over `limit` now; otherwise counts the call against
   * every key and answers undefined.
   */
  admit(keys: readonly string[], limit: RateLimit): number | undefined {
    const now = Date.now();
    const recent = keys.map((key) => {
      const kept = (this.windows.get(key) ?? []).filter((at) => now - at < 1000);
      this.windows.set(key, kept);
      return kept;
    });
    if (recent.some((window) => window.length >= limit.perSecond)) return limit.retryAfter ?? 1;
    for (const window of recent) window.push(now);
    return undefined;
  }

  forget(key?: string): void {
    if (key === undefined) this.windows.clear();
    else this.windows.delete(key);
  }
}
