/**
 * Text safety for everything the app writes to Slack: messages (mrkdwn and their `text`
 * fallbacks), plain-text dialogs, and the files it attaches (plain text and CSV).
 *
 * Anything from outside (webhook fields, message text, accounts, MsgKeys, reasons, Tencent's
 * `ErrorInfo`) goes through one of these before it is written:
 *
 * - {@link escapeText} / {@link escapeLine}: mrkdwn text, several lines or one.
 * - {@link inlineCode}: an identifier as inline code that nothing can break out of.
 * - {@link singleLine}: plain text that must stay on one line (dialogs, file titles).
 * - {@link fileValue}: a value on one line of a plain-text file.
 * - {@link csvCell} / {@link csvText}: CSV that a spreadsheet reads as data, never as a formula.
 *
 * Mrkdwn blocks that carry such text are sent with `verbatim: true` ({@link mrkdwn}), so that
 * Slack does not turn plain URLs, channel names or mentions into links; our own date tokens and
 * formatting still work.
 */

/** Stands in for a character that must not reach Slack as it is (a control character). */
export const CONTROL_STAND_IN = '\uFFFD';

/**
 * Stands in for a backtick inside inline code. U+02CB MODIFIER LETTER GRAVE ACCENT looks like
 * one but cannot close the code span. (A visible look-alike rather than a zero-width character,
 * so that what a moderator reads is what they copy, with no hidden characters.)
 */
export const BACKTICK_STAND_IN = '\u02CB';

/**
 * Stands in for the `@` of `@channel`, `@here` and `@everyone`: U+FF20 FULLWIDTH COMMERCIAL AT
 * reads the same but is no mention, whatever Slack's parsing.
 */
export const BROADCAST_AT = '\uFF20';

// ---------------------------------------------------------------------------------------------
// Characters

/** CRLF, LF, CR, VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: each one line break. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
const LINE_BREAKS = /(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])+/g;

/**
 * Control characters (C0, DEL, C1) once line breaks and tabs are dealt with (`\n` is kept),
 * and lone surrogates (not text at all; in unicode mode a well-formed pair is one code point
 * and does not match): shown as {@link CONTROL_STAND_IN}.
 */
const CONTROL = /(?!\n)[\p{Cc}\uD800-\uDFFF]/gu;

/**
 * Invisible format characters (Unicode category Cf): bidi controls U+202A–U+202E,
 * U+2066–U+2069, U+200E, U+200F, U+061C; zero-width characters U+200B–U+200D, U+2060, U+FEFF;
 * the soft hyphen and their kin. They can hide or reorder what a reader sees: removed.
 */
const FORMAT = /\p{Cf}/gu;

/** In files, line and paragraph separators are shown escaped as well. */
const HIDDEN_IN_FILE = /[\p{Cc}\p{Cf}\u2028\u2029\uD800-\uDFFF]/gu;

/**
 * Format characters that belong to an emoji and are kept: a zero-width joiner between two
 * pictographs (👩‍💻, ❤️‍🔥, 👩🏽‍💻) and the tag characters of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 */
const EMOJI_JOINER =
  /(?<=\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})/uy;
// Bounded look-behind (a subdivision flag has at most 6 tags before its cancel tag), so that
// a long run of tag characters costs linear time, not quadratic.
const FLAG_TAG = /(?<=\u{1F3F4}[\u{E0020}-\u{E007E}]{0,7})[\u{E0020}-\u{E007F}]/uy;

function isEmojiPart(c: string, text: string, at: number): boolean {
  const emojiPart = c === '\u200D' ? EMOJI_JOINER : c.length === 2 ? FLAG_TAG : undefined;
  if (!emojiPart) return false;
  emojiPart.lastIndex = at;
  return emojiPart.test(text);
}

/** Replaces what `pattern` matches, except the format characters an emoji is made of. */
function replaceHidden(text: string, pattern: RegExp, by: (c: string) => string): string {
  return text.replace(pattern, (c: string, at: number) => (isEmojiPart(c, text, at) ? c : by(c)));
}

/**
 * Text as Slack may show it, mrkdwn aside: line breaks become `\n` (`lines: 'multi'`) or, in a
 * field that must stay on one line, one space for each run of them; a tab becomes a space;
 * other control characters (C0, DEL, C1) and lone surrogates become {@link CONTROL_STAND_IN},
 * visibly; invisible format characters are removed (see {@link FORMAT}). Emoji, CJK and every
 * other visible character are left as they are.
 */
function clean(text: string, lines: 'multi' | 'single' = 'multi'): string {
  const broken =
    lines === 'multi' ? text.replace(LINE_BREAK, '\n') : text.replace(LINE_BREAKS, ' ');
  const visible = broken.replaceAll('\t', ' ').replace(CONTROL, CONTROL_STAND_IN);
  return replaceHidden(visible, FORMAT, () => '');
}

/** {@link clean} for plain text that must stay on one line: accounts, keys, reasons, titles. */
export function singleLine(text: string): string {
  return clean(text, 'single');
}

// ---------------------------------------------------------------------------------------------
// mrkdwn

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** `@channel`, `@here`, `@everyone` standing alone (not inside a word or an e-mail address). */
const BROADCAST = /(?<![\p{L}\p{N}_])@(?=(?:channel|here|everyone)(?![\p{L}\p{N}_]))/giu;

/**
 * The mrkdwn of untrusted text: {@link clean}ed, `&`, `<` and `>` escaped (Slack's own rule:
 * `<!channel>`, `<@U…>`, `<#C…>` and `<http://…|…>` show as typed and ping or link nothing), and
 * the `@` of a standalone `@channel`, `@here` or `@everyone` replaced by {@link BROADCAST_AT}.
 * Formatting characters (`*`, `_`, `~`, `` ` ``) are left: they can style the text, not ping,
 * link or add lines to what is around it.
 */
export function escapeText(text: string, lines: 'multi' | 'single' = 'multi'): string {
  return clean(text, lines)
    .replace(/[&<>]/g, (c) => ENTITIES[c] ?? c)
    .replace(BROADCAST, BROADCAST_AT);
}

/** {@link escapeText} on one line: for a reason, an error's meaning, a notification's value. */
export function escapeLine(text: string): string {
  return escapeText(text, 'single');
}

/**
 * Untrusted text as inline code: {@link escapeLine}d, backticks replaced by
 * {@link BACKTICK_STAND_IN} so the span cannot be closed early, then shortened to `max`
 * characters of escaped text. Code keeps `*`, `_` and `~` in identifiers such as `#TOA#_123`
 * from turning into formatting.
 */
export function inlineCode(text: string, max = Number.POSITIVE_INFINITY): string {
  return escapedInlineCode(escapeLine(text), max);
}

/** {@link inlineCode} of text already through {@link escapeLine} (escaped once, not twice). */
export function escapedInlineCode(escaped: string, max = Number.POSITIVE_INFINITY): string {
  const safe = truncate(escaped.replaceAll('`', BACKTICK_STAND_IN), max);
  // An empty span (``) shows the backticks themselves.
  return safe === '' ? '` `' : `\`${safe}\``;
}

/** A Slack user ID as a mention; anything that is not one, as inline code. */
export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(userId) ? `<@${userId}>` : inlineCode(userId, 40);
}

/**
 * A mrkdwn text object for text that holds untrusted parts (already escaped): `verbatim`, so
 * Slack links no plain URL or channel name and parses no mention in it.
 */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
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

// ---------------------------------------------------------------------------------------------
// Files

/** `\uXXXX` for each UTF-16 code unit of `c`: as in JSON, and visible. */
function escaped(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * A value on one line of a plain-text file (nothing in a file is parsed by Slack): as it is,
 * or, when it holds control, format (bidi, zero-width) or line-separator characters, as a JSON
 * string with those characters escaped (`"x\nMsgKey: forged"`, `"\u202e…"`), so that a value
 * can neither forge a line nor hide or reorder what the reader sees.
 */
export function fileValue(value: string): string {
  if (replaceHidden(value, HIDDEN_IN_FILE, escaped) === value) return value;
  return replaceHidden(JSON.stringify(value), HIDDEN_IN_FILE, escaped);
}

/** A cell a spreadsheet would read as a formula (OWASP: `=`, `+`, `-`, `@`, tab, CR first). */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/u;

/**
 * One CSV cell that a spreadsheet reads as data. Numbers the app computed are written as they
 * are. Text: a cell that a spreadsheet could take for a formula (it starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return, after any spaces, or with their full-width forms, which some
 * spreadsheets accept too) gets a leading `'` (OWASP's advice on CSV injection); control and
 * invisible format characters are written as `\uXXXX`; then the cell is quoted per RFC 4180
 * when it holds `"`, `,` or a line break.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const text = String(value);
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  const visible = replaceHidden(guarded, HIDDEN_IN_FILE, escaped);
  return /[",\r\n]/.test(visible) ? `"${visible.replaceAll('"', '""')}"` : visible;
}

/** Rows as CSV (RFC 4180: CRLF after every row), every cell through {@link csvCell}. */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
