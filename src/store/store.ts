import { z } from 'zod';
import { type FeedEvent, feedEventSchema } from '../kinds/feed-event.js';

/** An accepted event waiting in (or taken from) the durable queue. */
export interface QueuedEvent {
  id: string;
  event: FeedEvent;
  /** When the store committed it, ms since the epoch. */
  enqueuedAt: number;
}

/**
 * Where a feed post lives in Slack, so later events can update it or reply in its thread; with
 * the event it showed, so the update can re-render it.
 */
export const postLinkSchema = z.object({
  channel: z.string(),
  /** Unknown for a file share Slack had not finished when asked: the post cannot be updated. */
  ts: z.string().optional(),
  event: feedEventSchema.optional(),
  /** The post shows several sent messages: the key of its group record. */
  group: z.string().optional(),
  /** A group record: every sent message the post shows (see `addRecalled` for the recalled). */
  sends: z.array(feedEventSchema).optional(),
});

export type PostLink = z.infer<typeof postLinkSchema>;

/** How long an event's identity is remembered for dedupe (SPEC: at least 24 hours). */
export const DEDUPE_RETENTION_MS = 48 * 60 * 60 * 1000;

/** How long a feed post's link is kept: a recall can come long after the send. */
export const POST_LINK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

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

/** A link to remember once a write is done. */
export interface LinkToSave {
  key: string;
  link: PostLink;
}

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
 * Everything the app keeps. SQLite (one process) and Redis (many replicas) implement it;
 * one contract test suite runs against both.
 */
export interface Store {
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

  /** Remembers the Slack post of an event, under a key such as an account and MsgKey. */
  savePostLink(key: string, link: PostLink): Promise<void>;
  getPostLink(key: string): Promise<PostLink | undefined>;
  /**
   * Adds MsgKeys to the recalled ones of a group post (atomically, whatever other replicas add
   * at the same time) and resolves all of them; with no keys, just reads them.
   */
  addRecalled(group: string, msgKeys: readonly string[]): Promise<string[]>;

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

  /**
   * Recall jobs: a confirmed recall (an opaque record) and the state of each of its keys, kept
   * from before its first request until it is answered, so that it resumes after a crash.
   */
  saveRecallJob(id: string, record: string): Promise<void>;
  /** Sets the state of some keys of a job (each an opaque value), in one commit. */
  saveRecallKeys(
    id: string,
    states: readonly (readonly [msgKey: string, state: string])[],
  ): Promise<void>;
  loadRecallJob(id: string): Promise<{ record: string; keys: Map<string, string> } | undefined>;
  /** The jobs not yet deleted: unfinished, to resume. */
  recallJobIds(): Promise<string[]>;
  deleteRecallJob(id: string): Promise<void>;

  /** Throws when the store cannot take work: it cannot be read or written (health). */
  check(): Promise<void>;
  /** Stops waiting claims, flushes, and releases the store. */
  close(): Promise<void>;
}
