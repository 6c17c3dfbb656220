import { z } from 'zod';
import { MSGKEY, MSGKEYS_IN_TEXT } from '../kinds/msgkey.js';
import { inlineCode, singleLine, truncate } from '../slack/text.js';

/** Official Account user IDs as Tencent shows them: `@TOA#_…` (and `#TOA#_…` in callbacks). */
export const ACCOUNT_PATTERN = /[@#]TOA#_[A-Za-z0-9_-]+/g;
/** Tencent's limit on `Reason`. */
export const MAX_REASON_BYTES = 100;
/** What one recall from Slack may carry: enough for an incident, bounded for the limiter. */
export const MAX_KEYS_PER_RECALL = 1000;

const REASON_TOO_LONG = `The reason may be at most ${MAX_REASON_BYTES} bytes of UTF-8`;
const fitsReason = (reason: string) => Buffer.byteLength(reason, 'utf8') <= MAX_REASON_BYTES;

/** Why a reason cannot be sent, or undefined when it can. */
export function validateReason(reason: string | undefined): string | undefined {
  return reason === undefined || fitsReason(reason) ? undefined : REASON_TOO_LONG;
}

export const recallRequestSchema = z.object({
  account: z
    .string()
    .trim()
    .min(1, 'Name the Official Account, e.g. @TOA#_2J4SZEAEL')
    .max(256, 'The account ID is too long'),
  msgKeys: z
    .array(z.string().regex(MSGKEY, 'is not a MsgKey like 71_1_1698741698'))
    .min(1, 'Give at least one MsgKey, e.g. 71_1_1698741698')
    .max(MAX_KEYS_PER_RECALL, `At most ${MAX_KEYS_PER_RECALL} MsgKeys in one recall`),
  reason: z.string().trim().refine(fitsReason, { message: REASON_TOO_LONG }).optional(),
});

export type RecallRequest = z.infer<typeof recallRequestSchema>;

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'modal' }
  | { kind: 'recall'; request: RecallRequest }
  /** `problems`: mrkdwn, ready for the reply (what was typed is escaped, in inline code). */
  | { kind: 'invalid'; problems: string[] };

/** How a problem shows what was typed. */
type Echo = (typed: string) => string;

/** Longest piece of what was typed that a problem repeats. */
const ECHO_MAX = 60;

/** In plain text (a modal's field errors): quoted, on one line, short. */
const plainEcho: Echo = (typed) => `"${truncate(singleLine(typed), ECHO_MAX)}"`;

/** In mrkdwn (a command's reply): inline code, so it can ping, link or format nothing. */
const mrkdwnEcho: Echo = (typed) => inlineCode(typed, ECHO_MAX);

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Validates a request: duplicates removed, empty reason dropped, problems in plain words. What
 * was typed is repeated through `echo`: by default as plain text, for a modal's field errors.
 */
export function validateRecall(
  input: {
    account: string;
    msgKeys: string[];
    reason?: string | undefined;
  },
  echo: Echo = plainEcho,
): { ok: true; request: RecallRequest } | { ok: false; problems: Record<string, string> } {
  const reason = input.reason?.trim();
  const msgKeys = unique(input.msgKeys.map((k) => k.trim()).filter(Boolean));
  const parsed = recallRequestSchema.safeParse({
    account: input.account,
    msgKeys,
    ...(reason ? { reason } : {}),
  });
  if (parsed.success) return { ok: true, request: parsed.data };
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]);
    const detail =
      field === 'msgKeys' && typeof issue.path[1] === 'number'
        ? `${echo(msgKeys[issue.path[1]] ?? '')} ${issue.message}`
        : issue.message;
    problems[field] ??= detail;
  }
  return { ok: false, problems };
}

/**
 * `/recall help` · `/recall` · `/recall <account> <MsgKey> [MsgKey…] [reason: text]`, keys
 * separated by spaces, commas or new lines.
 */
export function parseRecallCommand(text: string): ParsedCommand {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'modal' };
  if (/^(help|-h|--help|\?)$/i.test(trimmed)) return { kind: 'help' };
  const reasonAt = trimmed.search(/\breason\s*:/i);
  const head = reasonAt === -1 ? trimmed : trimmed.slice(0, reasonAt);
  const reason = reasonAt === -1 ? undefined : trimmed.slice(reasonAt).replace(/^reason\s*:/i, '');
  const [account = '', ...keys] = head.split(/[\s,]+/).filter(Boolean);
  const result = validateRecall({ account, msgKeys: keys, reason }, mrkdwnEcho);
  return result.ok
    ? { kind: 'recall', request: result.request }
    : { kind: 'invalid', problems: Object.values(result.problems) };
}

/** Splits what a person typed in the modal's keys box. */
export function splitKeys(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** Every account and MsgKey named in a piece of text (a message, its blocks, attachments). */
export function extractRecallTargets(text: string): { accounts: string[]; msgKeys: string[] } {
  const decoded = text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return {
    accounts: unique(decoded.match(ACCOUNT_PATTERN) ?? []),
    msgKeys: unique(decoded.match(MSGKEYS_IN_TEXT) ?? []),
  };
}

/** All the text a Slack message carries: its text, its blocks and its attachments. */
export function messageTexts(message: unknown): string {
  const out: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 20) return;
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) for (const v of value) walk(v, depth + 1);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        // Skip what is not shown: IDs of blocks and actions, image URLs.
        if (key === 'block_id' || key === 'action_id' || key === 'image_url') continue;
        walk(v, depth + 1);
      }
    }
  };
  walk(message, 0);
  return out.join('\n');
}
