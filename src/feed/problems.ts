import type { EventQueue } from '../store/queue.js';

/** An event waiting longer than this means the feed is behind (idle delivery takes ~1 s). */
export const FEED_BEHIND_MS = 120_000;

/**
 * What `/healthz` reports of the feed: events waiting too long (a Slack outage, a wedged post)
 * and events set aside as dead letters. Empty when the feed is keeping up.
 */
export function feedProblems(
  queue: Pick<EventQueue, 'oldestPendingAt' | 'deadLetterCount'>,
  behindMs = FEED_BEHIND_MS,
) {
  return async (): Promise<string[]> => {
    const reasons: string[] = [];
    const [oldest, dead] = await Promise.all([queue.oldestPendingAt(), queue.deadLetterCount()]);
    const waitingMs = oldest === undefined ? 0 : Date.now() - oldest;
    if (waitingMs > behindMs) {
      reasons.push(
        `feed behind: the oldest waiting event was accepted ${Math.round(waitingMs / 1000)} s ago`,
      );
    }
    if (dead > 0) {
      reasons.push(
        `${dead} event${dead === 1 ? '' : 's'} set aside as dead letters (see the log; replay with npm run dead-letters -- replay)`,
      );
    }
    return reasons;
  };
}
