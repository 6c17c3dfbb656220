import type { KnownBlock } from '@slack/types';
import { escapeText } from '../feed/escape.js';
import type { RecallOrigin } from './confirmations.js';
import { type KeyResult, NO_RESULT } from './send.js';

/** Up to this many keys, every result is listed in the message itself. */
export const LIST_ALL_UP_TO = 20;
const MAX_LINES_PER_SECTION = 25;
const MAX_FAILURE_LINES = 100;

export interface RecallSummary {
  account: string;
  reason?: string | undefined;
  results: readonly KeyResult[];
}

export function countResults(results: readonly KeyResult[]) {
  const recalled = results.filter((r) => r.ok).length;
  const unknown = results.filter((r) => r.unknown).length;
  const retryable = results.filter((r) => !r.ok && r.transient).length;
  return {
    total: results.length,
    recalled,
    unknown,
    failed: results.length - recalled - unknown,
    retryable,
  };
}

function resultLine(r: KeyResult): string {
  if (r.ok) return `:white_check_mark: \`${r.msgKey}\` recalled`;
  const code = r.retCode === NO_RESULT ? '' : `${r.retCode}: `;
  const icon = r.unknown ? ':grey_question:' : ':x:';
  const what = r.unknown ? 'unknown — ' : '';
  return `${icon} \`${r.msgKey}\` — ${what}${code}${escapeText(r.meaning)}${r.transient ? ' _(can be retried)_' : ''}`;
}

function sections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (let i = 0; i < lines.length; i += MAX_LINES_PER_SECTION) {
    out.push({
      type: 'section',
      text: { type: 'mrkdwn', text: lines.slice(i, i + MAX_LINES_PER_SECTION).join('\n') },
    });
  }
  return out;
}

export function headline(summary: RecallSummary): string {
  const c = countResults(summary.results);
  const notRecalled = c.failed + c.unknown;
  const icon = notRecalled === 0 ? ':white_check_mark:' : c.recalled === 0 ? ':x:' : ':warning:';
  const failed = c.failed ? ` · ${c.failed} failed` : '';
  const unknown = c.unknown ? ` · ${c.unknown} unknown` : '';
  const retry = notRecalled && c.retryable ? ` (${c.retryable} can be retried)` : '';
  return `${icon} Recalled *${c.recalled} of ${c.total}* message${c.total === 1 ? '' : 's'} of \`${escapeText(summary.account)}\`${failed}${unknown}${retry}`;
}

/**
 * The answer to the person who recalled: counts on top, then every key's result; with many keys,
 * failures first and the full table in the attached CSV.
 */
export function renderResults(
  summary: RecallSummary,
  options: { retryConfirmationId?: string | undefined; csvNote?: string | undefined },
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline(summary) } },
  ];
  if (summary.reason) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Reason: ${escapeText(summary.reason)}` }],
    });
  }
  const failures = summary.results.filter((r) => !r.ok);
  if (summary.results.length <= LIST_ALL_UP_TO) {
    blocks.push(...sections(summary.results.map(resultLine)));
  } else {
    const shown = failures.slice(0, MAX_FAILURE_LINES).map(resultLine);
    if (failures.length > shown.length)
      shown.push(`… and ${failures.length - shown.length} more failures`);
    blocks.push(...sections(shown));
    const recalled = summary.results.length - failures.length;
    if (recalled > 0) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `:white_check_mark: ${recalled} recalled` },
      });
    }
  }
  if (options.csvNote) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: options.csvNote }] });
  }
  if (options.retryConfirmationId) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'retry_recall',
          text: { type: 'plain_text', text: 'Retry failed' },
          style: 'danger',
          value: options.retryConfirmationId,
        },
      ],
    });
  }
  return { text: headline(summary).replace(/[*`]/g, ''), blocks };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every key's result, for the attached file. Leading `=+-@` are quoted against spreadsheet formulas. */
export function resultsCsv(summary: RecallSummary): string {
  const rows = [['official_account', 'msg_key', 'result', 'ret_code', 'meaning', 'attempts']];
  for (const r of summary.results) {
    rows.push([
      summary.account,
      r.msgKey,
      r.ok ? 'recalled' : r.unknown ? 'unknown' : 'failed',
      String(r.retCode),
      r.meaning,
      String(r.attempts),
    ]);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

const ORIGIN_NAMES: Record<RecallOrigin['kind'], string> = {
  command: '/recall',
  shortcut: 'the Recall messages shortcut',
  feed: 'a feed Recall button',
};

/** The audit line in the moderation channel: who, account, how many, reason, outcome. */
export function renderAudit(
  summary: RecallSummary,
  userId: string,
  origin: RecallOrigin['kind'],
): { text: string; blocks: KnownBlock[] } {
  const c = countResults(summary.results);
  const outcome =
    c.failed + c.unknown === 0
      ? 'all recalled'
      : [
          `${c.recalled} recalled`,
          ...(c.failed ? [`${c.failed} failed`] : []),
          ...(c.unknown ? [`${c.unknown} unknown`] : []),
        ].join(', ');
  const reason = summary.reason ? `reason: “${escapeText(summary.reason)}”` : 'no reason given';
  const text = `:scroll: <@${userId}> recalled ${c.total} message${c.total === 1 ? '' : 's'} of \`${escapeText(summary.account)}\` via ${ORIGIN_NAMES[origin]} — ${outcome} · ${reason}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
