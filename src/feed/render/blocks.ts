/** The pieces every feed message is made of. */
import type { ContextBlock, SectionBlock } from '@slack/types';
import type { FeedEvent } from '../../kinds/feed-event.js';
import { dateToken } from '../../kinds/time.js';
import type { Values } from '../../kinds/values.js';
import { mrkdwn } from '../../slack/text.js';

/** Slack's limit on a section's text. */
export const SECTION_MAX = 3000;
/** Longest notification text (Slack advises at most 4,000). */
export const FALLBACK_MAX = 3000;
/**
 * Room kept in a section for its "… and N more" line: an event's list (`… and 1000 more — full
 * list in the attached file`: 51 characters with its line break, at most, as an event lists at
 * most 1,000 messages) or a digest's conversation (`… and N more in the attached file`, 40
 * for 99,999 events).
 */
export const MORE_LINE_RESERVE = 64;

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

/** A context line of our own text only (no untrusted part): sent without `verbatim`. */
export function ownContext(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** When some events happened (epoch ms each): one date token, or `<from> – <to>`. */
export function timeRange(ms: readonly number[]): string {
  const from = Math.min(...ms);
  const to = Math.max(...ms);
  return from === to ? dateToken(from) : `${dateToken(from)} – ${dateToken(to)}`;
}

/** Where the event came from, as Tencent reports it (its `OptPlatform` and `ClientIP`). */
export function originParts(event: FeedEvent, values: Values): string[] {
  return [
    ...(event.platform ? [`Platform ${values.code(event.platform)}`] : []),
    ...(event.clientIp ? [`IP ${values.code(event.clientIp)}`] : []),
  ];
}
