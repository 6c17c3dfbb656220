import { z } from 'zod';
import type { FeedEvent } from '../kinds/feed-event.js';
import type { LinkToSave } from './post-links.js';

/** An accepted event waiting in (or taken from) the durable queue. */
export interface QueuedEvent {
  id: string;
  event: FeedEvent;
  /** When the store committed it, ms since the epoch. */
  enqueuedAt: number;
}

/** How long an event's identity is remembered for dedupe (SPEC: at least 24 hours). */
export const DEDUPE_RETENTION_MS = 48 * 60 * 60 * 1000;

/**
 * A write to Slack, recorded before it is made so that after a crash the app can look for it in
 * the channel before making it again (Slack has no idempotency key).
 */
export const postAttemptSchema = z.object({
  /** Unique; also the mark the post carries (message metadata, or the file's name). */
  id: z.string().min(1).max(200),
  /** Names the write among the several one event needs (`update:<ts>`), so it is known again. */
  step: z.string().max(200).optional(),
  /** The events this write belongs to (all of them for a post that delivers them). */
  eventIds: z.array(z.string()),
  /**
   * `message`: a top-level post; `file`: a file share with blocks (marked by its file name);
   * `reply`: a thread reply; `update`: `chat.update` of an earlier post (safe to repeat).
   */
  kind: z.enum(['message', 'file', 'reply', 'update']),
  channel: z.string(),
  threadTs: z.string().optional(),
  /** The file name of a `file` write. */
  fileName: z.string().optional(),
  /** When done, the write delivered every event in `eventIds` (they are acked with it). */
  delivers: z.boolean(),
  state: z.enum(['started', 'done']),
  /** Done: `posted` (Slack took it; `ts` when known) or `gone` (the target post is gone). */
  outcome: z.enum(['posted', 'gone']).optional(),
  ts: z.string().optional(),
  startedAt: z.number(),
});

export type PostAttempt = z.infer<typeof postAttemptSchema>;

/** What `finishAttempt` records with the attempt, in the same commit. */
export interface AttemptResult {
  outcome: 'posted' | 'gone';
  ts?: string | undefined;
  /** Events now delivered (acked with the attempt). */
  ack?: readonly string[];
  links?: readonly LinkToSave[];
}

/** The record of `attempt` once done, as `finishAttempt` keeps it. */
export function doneAttempt(attempt: PostAttempt, result: AttemptResult): PostAttempt {
  return {
    ...attempt,
    state: 'done',
    outcome: result.outcome,
    ...(result.ts ? { ts: result.ts } : {}),
  };
}

/** Events set aside because their delivery kept failing for a reason of their own. */
export interface DeadLetter {
  id: string;
  event: FeedEvent;
  reason: string;
  /** When it was set aside, ms since the epoch. */
  at: number;
}

/**
 * The durable queue of accepted events, from the webhook's commit to their delivery to Slack:
 * claims, acks, dead letters, and the writes to Slack recorded for them. A write is finished
 * with its acks and the post links it made in one commit, so the queue may write the links'
 * storage too.
 */
export interface EventQueue {
  /**
   * Appends an event durably and resolves only once it is committed. Resolves `false` when an
   * event with the same dedupe key was accepted within the retention window (nothing stored).
   */
  enqueue(dedupeKey: string, event: FeedEvent): Promise<boolean>;
  /**
   * Takes up to `limit` undelivered events, oldest first, that no live consumer holds.
   * Waits up to `waitMs` for one to arrive when none is ready.
   */
  claim(limit: number, waitMs: number): Promise<QueuedEvent[]>;
  /** Marks events delivered (Slack accepted them); they are never claimed again. */
  ack(ids: readonly string[]): Promise<void>;
  /** Undelivered events by ID (claimed or not, dead letters included), without claiming them. */
  peek(ids: readonly string[]): Promise<QueuedEvent[]>;
  /** Hands claimed events back: the next claim (of any replica) takes them at once. */
  release(ids: readonly string[]): Promise<void>;
  /** Undelivered events, claimed or not (dead letters not included). */
  pendingCount(): Promise<number>;
  /** When the oldest undelivered event was committed (ms since the epoch), if any waits. */
  oldestPendingAt(): Promise<number | undefined>;

  /** Sets claimed events aside: never claimed again until replayed. */
  deadLetter(ids: readonly string[], reason: string): Promise<void>;
  /** The events set aside, oldest first (at most `limit`). */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  deadLetterCount(): Promise<number>;
  /** Puts dead letters back in the queue (all, or those named); resolves how many. */
  replayDeadLetters(ids?: readonly string[]): Promise<number>;

  /**
   * Confirms that this instance still holds these claimed events, renewing its hold: false when
   * another replica has taken them over (a write for them must then not be made).
   */
  confirmHeld(ids: readonly string[]): Promise<boolean>;

  /** Records a write to Slack before it is made. */
  beginAttempt(attempt: PostAttempt): Promise<void>;
  /** Records a write as done; in the same commit acks events and saves links. */
  finishAttempt(attempt: PostAttempt, result: AttemptResult): Promise<void>;
  /** Forgets a write that Slack certainly did not make (it answered with an error). */
  abandonAttempt(id: string): Promise<void>;
  /** Every recorded write of these events, started or done, as recorded (all its events). */
  attemptsFor(eventIds: readonly string[]): Promise<PostAttempt[]>;

  /**
   * Throws when the queue cannot take work: its storage cannot be read or written (a webhook
   * would be answered 500).
   */
  check(): Promise<void>;
}
