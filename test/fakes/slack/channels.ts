/** What a channel allows: posting while archived (nothing), and about one post a second. */

import { RateWindows } from './rate-windows.js';
import type { RateLimit } from './types.js';
import { fail, type HttpAnswer, type Json, rateLimited } from './wire.js';

export class ChannelRules {
  private readonly archived = new Set<string>();
  private readonly windows = new RateWindows();
  private postLimit: RateLimit | undefined;

  constructor(private readonly optionPostLimit: RateLimit | undefined) {
    this.postLimit = optionPostLimit && { ...optionPostLimit };
  }

  archive(channel: string): void {
    this.archived.add(channel);
  }

  unarchive(channel: string): void {
    this.archived.delete(channel);
  }

  isArchived(channel: string): boolean {
    return this.archived.has(channel);
  }

  /** `is_archived` when any of `channels` is archived. */
  archivedFailure(channels: readonly string[]): Json | undefined {
    return channels.some((c) => this.archived.has(c)) ? fail('is_archived') : undefined;
  }

  setPostLimit(limit: RateLimit | undefined): void {
    this.postLimit = limit && { ...limit };
    this.windows.forget();
  }

  /** A 429 when a new message in any of `channels` is over the limit; else counts them. */
  admitPosts(channels: readonly string[]): HttpAnswer | undefined {
    if (!this.postLimit || channels.length === 0) return undefined;
    const wait = this.windows.admit(channels, this.postLimit);
    return wait === undefined ? undefined : rateLimited(wait);
  }

  reset(): void {
    this.archived.clear();
    this.setPostLimit(this.optionPostLimit);
  }
}
