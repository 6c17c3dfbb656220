/** When an event happened, and how a time is written in Slack and in files. */
import type { FeedEvent } from './feed-event.js';

/** When the event happened: Tencent's `EventTime`, or when we received it if Tencent omits it. */
export function eventTimeMs(event: FeedEvent): number {
  return event.body.EventTime ?? event.receivedAt;
}

/** `2022-12-09T08:26:54Z`: the fallback of a date token, and the time in files. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Slack's date token: each reader sees the time in their own time zone. */
export function dateToken(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${isoUtc(ms)}>`;
}
