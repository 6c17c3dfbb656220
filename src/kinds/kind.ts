/**
 * What the app knows of one kind of Tencent callback. Generic code (the webhook, batching,
 * rendering, delivery) asks the kind of an event (`kindOf(body)`, see `registry.ts`), never
 * its command.
 */
import type { z } from 'zod';
import type { Values } from './values.js';

/** What every webhook body has: its command and (when Tencent gives it) when it happened. */
export interface KindBody {
  CallbackCommand: string;
  EventTime?: number | undefined;
}

/** How messages name a kind. */
export interface KindNames {
  /** One event, as a headline: `One-to-one message recalled`. */
  one: string;
  /** After a count of messages: `3 one-to-one messages recalled`. */
  many: string;
  /** After a count of events in a digest's summary: `2 one-to-one`. */
  short: string;
  /** Before the headline. */
  emoji: string;
}

/** What a kind of event shows in a message of its own: its headline facts, and the identifiers it lists. */
export interface EventView {
  facts: string[];
  /** One identifier per line, listed under `listLabel` when there are several. */
  list: string[];
  listLabel: string;
  /** Extra mrkdwn after the facts (a sent message's preview). */
  extra?: string;
  /** The notification text, after the kind's name. */
  fallback: string;
}

/** A sent message the feed posts with a Recall button: what a recall takes, and what a post shows. */
export interface SentMessage {
  /** The account it was sent from: with `msgKey`, what a recall takes (the Recall button's value). */
  account: string;
  msgKey: string;
  /** Who sent it for the account, when Tencent says. */
  from?: string | undefined;
}

/** Of a kind that reports sent messages: the feed posts them with a Recall button. */
export interface SendRole<Body> {
  /** The sent message as a recall target: cheap (links and planning ask it of every send). */
  message(body: Body): SentMessage;
  /** Its text, only where a post shows it: text elements as they are, other elements as `[image]` etc. */
  text(body: Body): string;
  /** The body as a post link keeps it: bounded, whatever was sent. */
  compact(body: Body): Body;
}

/** Of a kind that reports the recall of sent messages: the feed updates their posts. */
export interface WithdrawRole<Body> {
  /** The sent messages it recalls: their account and MsgKeys (which find their posts). */
  sentMessages(body: Body): { account: string; msgKeys: string[] };
  /** The same recall as if it listed only `msgKeys` (the messages one post shows). */
  narrowedTo(body: Body, msgKeys: readonly string[]): Body;
}

/**
 * One kind of Tencent callback: its schema and everything shown or decided about its events.
 * Methods get `values` to write untrusted values, which remembers whether any was shortened.
 */
export interface Kind<Body extends KindBody> {
  /** Tencent's `CallbackCommand`. */
  readonly command: Body['CallbackCommand'];
  /** The body as accepted: Tencent's quirks (numeric strings…) read, hostile sizes refused. */
  readonly schema: z.ZodType<Body>;
  readonly names: KindNames;
  /**
   * The identifiers that make two deliveries one event (Tencent retries, two replicas, a
   * replay), after the command. They make the stored dedupe key: changing them re-posts events.
   */
  dedupeParts(body: Body): string[];
  /** Events of one conversation share these parts (after the command) and a digest section. */
  conversationKey(body: Body): string[];
  /** Who or what the conversation is, for a digest's section title: bold kind, then the place. */
  conversationTitle(body: Body, values: Values): string;
  /** How many messages one event is about (a recall can list many). */
  messageCount(body: Body): number;
  /** The event as a message of its own. */
  view(body: Body, values: Values): EventView;
  /** The event in one line of a digest (after its time, before its origin). */
  compactLine(body: Body, values: Values): string;
  /** Every field, plain text (nothing in a file is parsed by Slack): for the attached file. */
  details(body: Body): string[];
  readonly sends?: SendRole<Body>;
  readonly withdraws?: WithdrawRole<Body>;
}
