import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { renderEvent } from '../../src/feed/render/event.js';
import { type FeedEvent, feedEventSchema } from '../../src/kinds/feed-event.js';
import { FEED_RECALL_ACTION_ID } from '../../src/slack/ids.js';
import { textsOfBlock } from './blocks.js';

export const RECEIVED_AT = 1_700_000_000_500;
/** The date token of the samples' `EventTime` (1670574414123). */
export const SAMPLE_TIME_TOKEN =
  '<!date^1670574414^{date_short_pretty} {time_secs}|2022-12-09T08:26:54Z>';

/** A body as the webhook route stores it (parsed, so `EventTime` is a number). */
export function feedEvent(body: object, extra: Partial<Omit<FeedEvent, 'body'>> = {}): FeedEvent {
  return feedEventSchema.parse({
    body,
    receivedAt: RECEIVED_AT,
    platform: 'iOS',
    clientIp: '203.0.113.7',
    ...extra,
  });
}

/** Every piece of mrkdwn or plain text in the blocks. */
export function textsOf(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap(textsOfBlock);
}

export function sectionTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

/** Everything a reader sees of an event's own message: its notification text and its blocks. */
export function shown(event: FeedEvent): string {
  const { text, blocks } = renderEvent(event);
  return [text, ...textsOf(blocks)].join('\n');
}

export function recallButtons(blocks: readonly KnownBlock[]): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements)
    .filter((e): e is Button => e.type === 'button' && e.action_id === FEED_RECALL_ACTION_ID);
}
