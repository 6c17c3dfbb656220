import { randomUUID } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import { kindOf, type WebhookBody } from '../kinds/registry.js';
import { eventTimeMs } from '../kinds/time.js';
import { countOf } from '../slack/counts.js';
import { truncate } from '../slack/text.js';
import type { QueuedEvent } from '../store/queue.js';
import { detailsFile, type PlannedPost, singleEventPost } from './post.js';
import { context, MORE_LINE_RESERVE, SECTION_MAX, section, timeRange } from './render/blocks.js';
import { type RenderedLine, renderCompactLine, renderConversationTitle } from './render/digest.js';
import { isSend, planSendPosts } from './sends.js';

/** What one Slack message may hold. */
export interface PostLimits {
  /** Blocks per message (Slack: 50). At least 3: header, summary and the note about the file. */
  maxBlocks: number;
  /** Characters of a section's text (Slack: 3,000). */
  maxSectionChars: number;
  /** Characters of a header's text (Slack: 150). */
  maxHeaderChars: number;
  /**
   * Characters of text in all blocks together. Not documented by Slack, but `chat.postMessage`
   * answers `msg_blocks_too_long` somewhere above 13,000 (bolt-js issue 2509).
   */
  maxMessageChars: number;
}

export const SLACK_POST_LIMITS: PostLimits = {
  maxBlocks: 50,
  maxSectionChars: SECTION_MAX,
  maxHeaderChars: 150,
  maxMessageChars: 12_000,
};

/** Blocks of a digest besides its sections: header, summary, note about the file. */
const DIGEST_FIXED_BLOCKS = 3;
/** Room kept in the message for the note about the file. */
const NOTE_RESERVE = 200;

/**
 * Plans the Slack messages for events taken from the queue together. Recalls go first: one is
 * one message; several are one digest, grouped by conversation, with every event in an attached
 * file whenever any of them does not fit whole. Then sent Official Channel messages, per
 * account: one send is a post of its own with its Recall button; several are one post with a
 * button each and a Recall all (at most {@link MAX_SENDS_PER_POST} a post). So a burst of sends
 * costs a post or two and never holds recalls back. Every event is in exactly one post.
 *
 * `limits` apply to digests; a single event's message is always within Slack's own.
 */
export function planPosts(
  events: readonly QueuedEvent[],
  limits: Partial<PostLimits> = {},
  newId: () => string = randomUUID,
): PlannedPost[] {
  const sends = events.filter((e) => isSend(e.event));
  const recalls = events.filter((e) => !isSend(e.event));
  const posts: PlannedPost[] = [];
  const [onlyRecall] = recalls;
  if (recalls.length === 1 && onlyRecall) posts.push(singleEventPost(onlyRecall, newId()));
  if (recalls.length > 1) {
    posts.push(digestPost(recalls, { ...SLACK_POST_LIMITS, ...limits }, newId()));
  }
  posts.push(...planSendPosts(sends, newId));
  return posts;
}

// ---------------------------------------------------------------------------------------------
// Digests

interface Conversation {
  events: QueuedEvent[];
}

/** The conversation an event belongs to, for grouping: a C2C pair in either direction is one. */
function conversationKey(body: WebhookBody): string {
  return JSON.stringify([body.CallbackCommand, ...kindOf(body).conversationKey(body)]);
}

/** Conversations in the order their first event arrived. */
function groupByConversation(events: readonly QueuedEvent[]): Conversation[] {
  const byKey = new Map<string, Conversation>();
  for (const queued of events) {
    const key = conversationKey(queued.event.body);
    const conversation = byKey.get(key) ?? { events: [] };
    conversation.events.push(queued);
    byKey.set(key, conversation);
  }
  return [...byKey.values()];
}

/** A conversation's section as it is being filled. */
interface DigestSection {
  conversation: Conversation;
  text: string;
  /** Events shown, from the first. */
  shown: number;
  /** A value or a list in the shown text was shortened. */
  shortened: boolean;
  /** The next line did not fit. */
  full: boolean;
}

/** Opens a section for each conversation whose title fits, as long as blocks remain. */
function openSections(
  conversations: readonly Conversation[],
  limits: PostLimits,
  budget: { remaining: number },
): DigestSection[] {
  const capacity = Math.max(0, limits.maxBlocks - DIGEST_FIXED_BLOCKS);
  const sections: DigestSection[] = [];
  for (const conversation of conversations) {
    if (sections.length >= capacity) break;
    const first = conversation.events[0];
    if (!first) continue;
    const title: RenderedLine = renderConversationTitle(
      first.event.body,
      conversation.events.length,
    );
    const cost = title.text.length + MORE_LINE_RESERVE;
    if (cost > Math.min(budget.remaining, limits.maxSectionChars)) continue;
    budget.remaining -= cost;
    sections.push({
      conversation,
      text: title.text,
      shown: 0,
      shortened: title.shortened,
      full: false,
    });
  }
  return sections;
}

/**
 * Adds one line per event to the sections, taking turns, so that when space runs out every
 * conversation shows its first events rather than the first conversations showing all of theirs.
 */
function fillSections(
  sections: readonly DigestSection[],
  limits: PostLimits,
  budget: { remaining: number },
): void {
  let added = true;
  while (added) {
    added = false;
    for (const section of sections) {
      const next = section.conversation.events[section.shown];
      if (section.full || !next) continue;
      const line = renderCompactLine(next.event);
      const cost = line.text.length + 1;
      const sectionRoom = limits.maxSectionChars - MORE_LINE_RESERVE - section.text.length;
      if (cost > sectionRoom || cost > budget.remaining) {
        section.full = true;
        continue;
      }
      section.text += `\n${line.text}`;
      section.shown++;
      section.shortened ||= line.shortened;
      budget.remaining -= cost;
      added = true;
    }
  }
}

function sectionText(section: DigestSection): string {
  const hidden = section.conversation.events.length - section.shown;
  return hidden === 0
    ? section.text
    : `${section.text}\n_… and ${hidden} more in the attached file_`;
}

/** The time range and how many events of each kind: `<from> – <to> · 3 group · 2 one-to-one`. */
function summaryText(events: readonly QueuedEvent[]): string {
  const range = timeRange(events.map((e) => eventTimeMs(e.event)));
  const kinds = new Map<string, number>();
  for (const e of events) {
    const kind = kindOf(e.event.body).names.short;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const counts = [...kinds].map(([kind, n]) => `${n} ${kind}`);
  return [`:clock3: ${range}`, ...counts].join(' · ');
}

function noteText(hiddenEvents: number, hiddenConversations: number): string {
  return hiddenEvents > 0
    ? `:page_facing_up: … and ${countOf(hiddenEvents, 'more event')} in ${countOf(hiddenConversations, 'conversation')} — full list in the attached file`
    : ':page_facing_up: Some identifiers are shortened here — every event in full is in the attached file';
}

/**
 * Several recalls as one message: a header, a summary, then a section per conversation with a
 * line per event, as many as Slack's limits allow. What does not fit is counted in a note and
 * the whole batch goes in the attached file.
 */
function digestPost(events: readonly QueuedEvent[], limits: PostLimits, id: string): PlannedPost {
  const conversations = groupByConversation(events);
  const header = truncate(
    `${countOf(events.length, 'recall event')} · ${countOf(conversations.length, 'conversation')}`,
    limits.maxHeaderChars,
  );
  const summary = summaryText(events);
  const budget = {
    remaining: limits.maxMessageChars - header.length - summary.length - NOTE_RESERVE,
  };
  const opened = openSections(conversations, limits, budget);
  fillSections(opened, limits, budget);
  // A title without a single line tells no more than the note does.
  const sections = opened.filter((s) => s.shown > 0);

  const shownEvents = sections.reduce((n, s) => n + s.shown, 0);
  const hiddenEvents = events.length - shownEvents;
  const completeSections = sections.filter((s) => s.shown === s.conversation.events.length);
  const hiddenConversations = conversations.length - completeSections.length;
  const needsFile = hiddenEvents > 0 || sections.some((s) => s.shortened);

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: header } },
    context(summary),
    ...sections.map((s) => section(sectionText(s))),
  ];
  if (needsFile) blocks.push(context(noteText(hiddenEvents, hiddenConversations)));
  return {
    id,
    eventIds: events.map((e) => e.id),
    text: `${header}${needsFile ? ' — full list in the attached file' : ''}`,
    blocks,
    ...(needsFile ? { file: detailsFile(events) } : {}),
  };
}
