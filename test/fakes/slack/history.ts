/** `conversations.history` and `conversations.replies` over the messages the fake holds. */

import { historyMessageJson } from './render.js';
import type { FakeMessage } from './types.js';
import { fail, flag, type Json, ok, str } from './wire.js';

const HISTORY_LIMIT = { fallback: 100, max: 999 };
const REPLIES_LIMIT = { fallback: 1000, max: 1000 };

/** A Slack timestamp (`seconds[.micros]`) in microseconds; undefined when it is not one. */
function tsMicros(ts: string): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(ts);
  if (!match) return undefined;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

function micros(message: FakeMessage): number {
  return tsMicros(message.ts) ?? 0;
}

// Opaque to clients, like Slack's own (`bmV4dF90czox…` is base64 of `next_ts:1…`).
function encodeCursor(next: FakeMessage): string {
  return Buffer.from(`next_ts:${micros(next)}`).toString('base64');
}

type Read<T> = { value: T; failure?: undefined } | { value?: undefined; failure: Json };

function readCursor(value: unknown): Read<number | undefined> {
  const cursor = str(value);
  if (!cursor) return { value: undefined };
  const match = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? { value: Number(match[1]) } : { failure: fail('invalid_cursor') };
}

interface TimeRange {
  oldest: number;
  latest: number;
  inclusive: boolean;
}

/** `oldest` defaults to the beginning, `latest` to now (no message is newer). */
function readRange(args: Json): Read<TimeRange> {
  const oldestArg = str(args.oldest);
  const oldest = oldestArg ? tsMicros(oldestArg) : 0;
  if (oldest === undefined) return { failure: fail('invalid_ts_oldest') };
  const latestArg = str(args.latest);
  const latest = latestArg ? tsMicros(latestArg) : Number.POSITIVE_INFINITY;
  if (latest === undefined) return { failure: fail('invalid_ts_latest') };
  return { value: { oldest, latest, inclusive: flag(args.inclusive) } };
}

function inRange(message: FakeMessage, r: TimeRange): boolean {
  const t = micros(message);
  const afterOldest = t > r.oldest || (r.inclusive && t === r.oldest);
  const beforeLatest = t < r.latest || (r.inclusive && t === r.latest);
  return afterOldest && beforeLatest;
}

function readLimit(value: unknown, rule: { fallback: number; max: number }): number {
  const n = Number(str(value));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, rule.max) : rule.fallback;
}

/** One page of `ordered`, starting where `cursor` points (newest first: at or before it). */
function paginate(
  ordered: readonly FakeMessage[],
  cursor: number | undefined,
  limit: number,
  newestFirst: boolean,
): { items: FakeMessage[]; next?: FakeMessage } {
  const start =
    cursor === undefined
      ? 0
      : ordered.findIndex((m) => (newestFirst ? micros(m) <= cursor : micros(m) >= cursor));
  if (start < 0) return { items: [] };
  const items = ordered.slice(start, start + limit);
  const next = ordered[start + limit];
  return next ? { items, next } : { items };
}

function pageAnswer(messages: Json[], next: FakeMessage | undefined, extra: Json = {}): Json {
  return ok({
    messages,
    has_more: next !== undefined,
    ...extra,
    ...(next ? { response_metadata: { next_cursor: encodeCursor(next) } } : {}),
  });
}

/** What a channel's history shows: no ephemeral messages; replies grouped by their parent. */
class ChannelView {
  readonly visible: FakeMessage[];
  private readonly replies = new Map<string, FakeMessage[]>();

  constructor(messages: readonly FakeMessage[], channel: string) {
    this.visible = messages
      .filter((m) => m.channel === channel && !m.ephemeral)
      .sort((a, b) => micros(a) - micros(b));
    for (const m of this.visible) {
      if (!m.thread_ts || m.thread_ts === m.ts) continue;
      const list = this.replies.get(m.thread_ts) ?? [];
      list.push(m);
      this.replies.set(m.thread_ts, list);
    }
  }

  static isTopLevel(message: FakeMessage): boolean {
    return !message.thread_ts || message.thread_ts === message.ts;
  }

  repliesTo(ts: string): FakeMessage[] {
    return this.replies.get(ts) ?? [];
  }
}

interface ReadRequest {
  channel: string;
  range: TimeRange;
  cursor: number | undefined;
}

function readRequest(args: Json): Read<ReadRequest> {
  const channel = str(args.channel);
  if (!channel) return { failure: fail('channel_not_found') };
  const range = readRange(args);
  if (range.failure) return range;
  const cursor = readCursor(args.cursor);
  if (cursor.failure) return cursor;
  return { value: { channel, range: range.value, cursor: cursor.value } };
}

/** The channel's top-level messages, newest first. */
export function conversationsHistory(messages: readonly FakeMessage[], args: Json): Json {
  const request = readRequest(args);
  if (request.failure) return request.failure;
  const { channel, range, cursor } = request.value;
  const view = new ChannelView(messages, channel);
  const top = view.visible.filter((m) => ChannelView.isTopLevel(m) && inRange(m, range)).reverse();
  const { items, next } = paginate(top, cursor, readLimit(args.limit, HISTORY_LIMIT), true);
  const withMetadata = flag(args.include_all_metadata);
  return pageAnswer(
    items.map((m) => historyMessageJson(m, view.repliesTo(m.ts), withMetadata)),
    next,
    { pin_count: 0, channel_actions_ts: null, channel_actions_count: 0 },
  );
}

/** A thread: the parent (on the first page), then its replies oldest first. */
export function conversationsReplies(messages: readonly FakeMessage[], args: Json): Json {
  const request = readRequest(args);
  if (request.failure) return request.failure;
  const { channel, range, cursor } = request.value;
  const view = new ChannelView(messages, channel);
  const named = view.visible.find((m) => m.ts === str(args.ts));
  const rootTs = named?.thread_ts ?? named?.ts;
  const parent = view.visible.find((m) => m.ts === rootTs);
  if (!parent) return fail('thread_not_found');
  const replies = view.repliesTo(parent.ts);
  const limit = readLimit(args.limit, REPLIES_LIMIT);
  const shown = replies.filter((m) => inRange(m, range));
  const withMetadata = flag(args.include_all_metadata);
  // On the first page the parent takes one of the `limit` places.
  const { items, next } = paginate(shown, cursor, cursor === undefined ? limit - 1 : limit, false);
  const json = items.map((m) => historyMessageJson(m, [], withMetadata));
  if (cursor === undefined) json.unshift(historyMessageJson(parent, replies, withMetadata));
  return pageAnswer(json, next);
}
