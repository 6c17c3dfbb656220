/** How a kind writes untrusted values in Slack messages: as inline code, short, on one line. */
import { escapedInlineCode, escapeLine, truncate } from '../slack/text.js';

/**
 * Longest untrusted value shown (in escaped characters). Real identifiers are far shorter;
 * the cap keeps a hostile one from pushing a block over Slack's limits. Whole values are in
 * the attached file.
 */
export const VALUE_MAX = 200;
/** Identifiers one compact digest line (or thread reply) lists. */
export const COMPACT_ITEMS = 3;

/** Formats untrusted values for one message, remembering whether any had to be shortened. */
export class Values {
  shortened = false;

  code(value: string): string {
    const escaped = escapeLine(value);
    if (escaped.length > VALUE_MAX) this.shortened = true;
    return escapedInlineCode(escaped, VALUE_MAX);
  }

  /** Takes up to `max` items; the rest are counted, and the list marked shortened. */
  take<T>(items: readonly T[], max: number): { shown: readonly T[]; hidden: number } {
    if (items.length > max) this.shortened = true;
    return { shown: items.slice(0, max), hidden: Math.max(0, items.length - max) };
  }
}

/** An untrusted value in the notification text: escaped, on one line and kept short. */
export function fallbackValue(value: string): string {
  return truncate(escapeLine(value), 100);
}

/** Text as a mrkdwn quote, every line of it. */
export function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/**
 * The messages an event is about, for its view: one is a fact of its own (`asFact`), several
 * are a bulleted list (one `line` each).
 */
export function oneOrList<T>(
  items: readonly T[],
  line: (item: T) => string,
  asFact: (item: T) => string = line,
): { facts: string[]; list: string[] } {
  const [only] = items;
  if (items.length === 1 && only !== undefined) return { facts: [asFact(only)], list: [] };
  return { facts: [], list: items.map((item) => `• ${line(item)}`) };
}

/** Items on one line, each as `show` writes it: at most {@link COMPACT_ITEMS}, then `+N more`. */
export function inlineList<T>(
  items: readonly T[],
  values: Values,
  show: (item: T) => string,
): string {
  const { shown, hidden } = values.take(items, COMPACT_ITEMS);
  const list = shown.map(show).join(', ');
  return hidden > 0 ? `${list} +${hidden} more` : list;
}

/** MsgKeys on one line: at most {@link COMPACT_ITEMS}, then `+N more`. */
export function keysInline(msgKeys: readonly string[], values: Values): string {
  return inlineList(msgKeys, values, (key) => values.code(key));
}
