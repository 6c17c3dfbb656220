/** The pieces of a digest of several recalls (see `feed/batch.ts`): section titles and lines. */
import type { FeedEvent } from '../../kinds/feed-event.js';
import { kindOf, type WebhookBody } from '../../kinds/registry.js';
import { dateToken, eventTimeMs } from '../../kinds/time.js';
import { Values } from '../../kinds/values.js';
import { countOf } from '../../slack/counts.js';
import { originParts } from './blocks.js';

/** A piece of mrkdwn, and whether an untrusted value or a list in it had to be shortened. */
export interface RenderedLine {
  text: string;
  shortened: boolean;
}

/** Who or what a conversation is, for a digest's section title. Bold kind, then the place. */
export function renderConversationTitle(body: WebhookBody, count: number): RenderedLine {
  const values = new Values();
  const place = kindOf(body).conversationTitle(body, values);
  return { text: `${place} · ${countOf(count, 'event')}`, shortened: values.shortened };
}

/** One event as one line of a digest: time, who, identifiers (at most three), origin. */
export function renderCompactLine(event: FeedEvent): RenderedLine {
  const values = new Values();
  const { body } = event;
  const parts = [
    `• ${dateToken(eventTimeMs(event))}`,
    kindOf(body).compactLine(body, values),
    ...originParts(event, values),
  ];
  return { text: parts.join(' · '), shortened: values.shortened };
}
