/** Full details, for the attached file (plain text: nothing in a file is parsed by Slack). */
import type { FeedEvent } from '../../kinds/feed-event.js';
import { kindOf } from '../../kinds/registry.js';
import { isoUtc } from '../../kinds/time.js';
import { fileValue } from '../../slack/text.js';

/** The whole event as plain text, every identifier included: for the attached file. */
export function renderEventDetails(event: FeedEvent): string {
  const { body } = event;
  const kind = kindOf(body);
  const time =
    body.EventTime === undefined
      ? `Event time: not given (received ${isoUtc(event.receivedAt)})`
      : `Event time: ${isoUtc(body.EventTime)}`;
  return [
    kind.names.one,
    time,
    ...kind.details(body),
    ...(event.platform ? [`Platform: ${fileValue(event.platform)}`] : []),
    ...(event.clientIp ? [`Client IP: ${fileValue(event.clientIp)}`] : []),
  ].join('\n');
}

/**
 * Events in full, a blank line between them: the content of a details file. An event given
 * with its queue `id` is headed `[event <id>]`.
 */
export function eventsDetails(
  events: readonly { id?: string | undefined; event: FeedEvent }[],
): string {
  return events
    .map(
      ({ id, event }) => `${id === undefined ? '' : `[event ${id}]\n`}${renderEventDetails(event)}`,
    )
    .join('\n\n');
}
