/** The pieces every feed message is made of. */
import type { ContextBlock, SectionBlock } from '@slack/types';
import type { FeedEvent } from '../../kinds/feed-event.js';
import type { Values } from '../../kinds/values.js';
import { mrkdwn } from '../../slack/text.js';

/** Slack's limit on a section's text. */
export const SECTION_MAX = 3000;
/** Longest notification text (Slack advises at most 4,000). */
export const FALLBACK_MAX = 3000;
/** Room kept for a "… and N more" line. */
export const MORE_LINE_RESERVE = 80;

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

/** Where the event came from, as Tencent reports it (its `OptPlatform` and `ClientIP`). */
export function originParts(event: FeedEvent, values: Values): string[] {
  return [
    ...(event.platform ? [`Platform ${values.code(event.platform)}`] : []),
    ...(event.clientIp ? [`IP ${values.code(event.clientIp)}`] : []),
  ];
}
