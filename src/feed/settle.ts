import type { Logger } from '../log.js';
import {
  doneAttempt,
  type EventQueue,
  type PostAttempt,
  type QueuedEvent,
} from '../store/queue.js';
import { sendLinksOfAttempt } from './links.js';
import type { Reconciler } from './reconcile.js';

/**
 * Settles the writes recorded for claimed events before anything is posted for them: one never
 * heard back about (a crash, a lost answer, a lease taken over) is looked for in the channel,
 * and recorded as done when found (every event it delivered acked, its links saved), forgotten
 * when not. `unfinished` loses the events now delivered. Returns the writes done per event, for
 * jobs that make several. Throws when Slack or the store cannot be asked: the batch is then
 * released and settled again later.
 */
export async function settleAttempts(
  { queue, logger }: { queue: EventQueue; logger: Logger },
  reconciler: Reconciler,
  events: readonly QueuedEvent[],
  unfinished: Set<string>,
): Promise<Map<string, PostAttempt[]>> {
  const attempts = await queue.attemptsFor(events.map((e) => e.id));
  const byId = new Map(events.map((e) => [e.id, e.event]));
  const done = new Map<string, PostAttempt[]>();
  for (let attempt of attempts) {
    if (attempt.state === 'started') {
      const lookup = await reconciler.findSettled(attempt);
      if (lookup.outcome !== 'found') {
        if (lookup.outcome === 'unavailable') {
          logger.warn('posting again a post that may already be in Slack', {
            attempt: attempt.id,
            reason: lookup.reason,
          });
        }
        await queue.abandonAttempt(attempt.id);
        continue;
      }
      logger.info('found in Slack a post the app had not recorded', { attempt: attempt.id });
      // The post may hold events this batch does not (a batch taken one by one, a lease taken
      // over): its links are made from all of them, as when it was made.
      const missing = attempt.eventIds.filter((id) => !byId.has(id));
      for (const queued of attempt.delivers ? await queue.peek(missing) : []) {
        byId.set(queued.id, queued.event);
      }
      const result = {
        outcome: 'posted' as const,
        ts: lookup.ts,
        ack: attempt.delivers ? attempt.eventIds : [],
        links: sendLinksOfAttempt(attempt, byId, lookup.ts),
      };
      await queue.finishAttempt(attempt, result);
      attempt = doneAttempt(attempt, result);
    } else if (attempt.delivers) {
      await queue.ack(attempt.eventIds);
    }
    if (attempt.delivers) {
      for (const id of attempt.eventIds) unfinished.delete(id);
      continue;
    }
    for (const id of attempt.eventIds) done.set(id, [...(done.get(id) ?? []), attempt]);
  }
  return done;
}
