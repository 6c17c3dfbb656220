import { z } from 'zod';
import { type FeedEvent, feedEventSchema } from '../tencent/webhook/schemas.js';

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
  ts: z.string(),
  event: feedEventSchema.optional(),
});

export type PostLink = z.infer<typeof postLinkSchema>;

/** How long an event's identity is remembered for dedupe (SPEC: at least 24 hours). */
export const DEDUPE_RETENTION_MS = 48 * 60 * 60 * 1000;

/** How long a feed post's link is kept: a recall can come long after the send. */
export const POST_LINK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

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
  /** Undelivered events, claimed or not. */
  pendingCount(): Promise<number>;

  /** Remembers the Slack post of an event, under a key such as an account and MsgKey. */
  savePostLink(key: string, link: PostLink): Promise<void>;
  getPostLink(key: string): Promise<PostLink | undefined>;

  /** Stores a value that can be taken once, until `ttlMs` passes. */
  putOnce(key: string, value: string, ttlMs: number): Promise<void>;
  /** Takes the value (atomically: a second take gets `undefined`), if not expired. */
  takeOnce(key: string): Promise<string | undefined>;
  /** Reads the value without taking it, if not expired. */
  peekOnce(key: string): Promise<string | undefined>;
  /** Sets `key` only if it is not set (or expired): `true` for the one caller that set it. */
  acquire(key: string, ttlMs: number): Promise<boolean>;

  /** Throws when the store cannot take work (health). */
  check(): Promise<void>;
  /** Stops waiting claims, flushes, and releases the store. */
  close(): Promise<void>;
}
