/** One event, one message: what happened, who, where, which messages, when and from where. */
import type { ContextBlock, KnownBlock } from '@slack/types';
import type { FeedEvent } from '../../kinds/feed-event.js';
import type { EventView, Kind } from '../../kinds/kind.js';
import { kindOf, type WebhookBody } from '../../kinds/registry.js';
import { dateToken, eventTimeMs } from '../../kinds/time.js';
import { Values } from '../../kinds/values.js';
import { truncate } from '../../slack/text.js';
import {
  context,
  FALLBACK_MAX,
  MORE_LINE_RESERVE,
  originParts,
  SECTION_MAX,
  section,
} from './blocks.js';
import { recallBlock } from './recall-button.js';

/** Identifiers a single event's message lists before pointing to the attached file. */
export const LIST_PREVIEW = 10;

/** One event as a Slack message. `overflow`: something was shortened; attach the details. */
export interface RenderedEvent {
  text: string;
  blocks: KnownBlock[];
  overflow: boolean;
}

function kindTitle(kind: Kind<WebhookBody>, count = 1): string {
  const { emoji, one, many } = kind.names;
  return count === 1 ? `${emoji} *${one}*` : `${emoji} *${count} ${many}*`;
}

function timeAndOrigin(event: FeedEvent, values: Values): ContextBlock {
  const received = event.body.EventTime === undefined ? ' _(received; no event time given)_' : '';
  const parts = [
    `:clock3: ${dateToken(eventTimeMs(event))}${received}`,
    ...originParts(event, values),
  ];
  return context(parts.join(' · '));
}

function moreLine(hidden: number): string {
  return `_… and ${hidden} more — full list in the attached file_`;
}

/**
 * Lists lines under a heading: at most `LIST_PREVIEW`, and only as many as fit `budget`
 * characters, then a "… and N more" line.
 */
function listWithin(lines: readonly string[], budget: number, values: Values): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const line of lines.slice(0, LIST_PREVIEW)) {
    if (used + line.length + 1 > budget - MORE_LINE_RESERVE) break;
    shown.push(line);
    used += line.length + 1;
  }
  const hidden = lines.length - shown.length;
  if (hidden === 0) return shown;
  values.shortened = true;
  return [...shown, moreLine(hidden)];
}

function mainText(title: string, view: EventView, values: Values): string {
  const head = [title, ...view.facts];
  if (view.extra) head.push(view.extra);
  if (view.list.length === 0) return head.join('\n');
  const used = head.join('\n').length + view.listLabel.length + 2;
  return [...head, view.listLabel, ...listWithin(view.list, SECTION_MAX - used, values)].join('\n');
}

/**
 * One event as one message, readable at a glance: what happened, who, where, which messages,
 * when (in each reader's time zone) and from where. Long lists show their first
 * {@link LIST_PREVIEW} identifiers; `overflow` then says the caller must attach
 * `renderEventDetails`. A sent message gets its Recall button.
 */
export function renderEvent(event: FeedEvent): RenderedEvent {
  const values = new Values();
  const { body } = event;
  const kind = kindOf(body);
  const view = kind.view(body, values);
  const blocks: KnownBlock[] = [
    section(mainText(kindTitle(kind, kind.messageCount(body)), view, values)),
    timeAndOrigin(event, values),
  ];
  const sent = kind.sends?.message(body);
  if (sent) blocks.push(recallBlock(sent, values));
  return {
    text: truncate(`${kind.names.one}: ${view.fallback}`, FALLBACK_MAX),
    blocks,
    overflow: values.shortened,
  };
}
