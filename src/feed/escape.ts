/**
 * Making untrusted text (anything a webhook carries) safe inside Slack `mrkdwn`.
 *
 * Slack parses `<…>` as mentions, links and date tokens, and `&…;` as entities, everywhere in a
 * message, inline code included. Escaping exactly these three characters is Slack's own rule;
 * it turns `<!channel>` into text that shows as typed and pings nobody.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes `&`, `<` and `>` so that Slack shows the text as typed. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Stands in for a backtick inside inline code. U+02CB MODIFIER LETTER GRAVE ACCENT looks like
 * one but cannot close the code span, so `a` `<b>` can neither break out nor start formatting.
 */
export const BACKTICK_STAND_IN = '\u02CB';

/** Stands in for control characters (a newline would end the code span early). */
export const CONTROL_STAND_IN = '\uFFFD';

/**
 * Untrusted text as inline code: escaped, backticks replaced by {@link BACKTICK_STAND_IN},
 * control characters by {@link CONTROL_STAND_IN}, then shortened to `max` characters of
 * escaped text. Code keeps `*`, `_` and `~` in identifiers such as `#TOA#_123` from turning
 * into formatting. (A visible look-alike rather than a zero-width character, so that what a
 * moderator reads is what they copy, with no hidden characters.)
 */
export function inlineCode(text: string, max = Number.POSITIVE_INFINITY): string {
  const safe = truncate(
    escapeText(text)
      .replaceAll('`', BACKTICK_STAND_IN)
      .replace(/\p{Cc}/gu, CONTROL_STAND_IN),
    max,
  );
  // An empty span (``) shows the backticks themselves.
  return safe === '' ? '` `' : `\`${safe}\``;
}

const ELLIPSIS = '…';

/** Escape entities the text may end inside of, longest first. */
const ENTITY_PREFIX = /&(?:a|am|amp|l|lt|g|gt)?$/;

/**
 * Shortens `text` to at most `max` characters (UTF-16 code units, as Slack's limits are
 * counted here), ending with `…` when shortened. Never cuts a surrogate pair or an escape
 * entity such as `&amp;` in half, so an escaped text stays escaped.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let kept = text.slice(0, max - ELLIPSIS.length);
  if (isHighSurrogate(kept.charCodeAt(kept.length - 1))) kept = kept.slice(0, -1);
  const partial = ENTITY_PREFIX.exec(kept);
  if (partial && startsWithEntity(text, partial.index)) kept = kept.slice(0, partial.index);
  return kept + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function startsWithEntity(text: string, index: number): boolean {
  return /^&(?:amp|lt|gt);/.test(text.slice(index, index + 5));
}
