import type { KnownBlock } from '@slack/types';
import { countOf } from '../slack/counts.js';
import { RETRY_RECALL_ACTION_ID } from '../slack/ids.js';
import {
  csvText,
  escapeLine,
  inlineCode,
  mrkdwn,
  singleLine,
  truncate,
  userMention,
} from '../slack/text.js';
import type { RecallOrigin } from './confirmations.js';
import { type KeyResult, NO_RESULT } from './send.js';

/** Up to this many keys, every result is listed in the message itself. */
export const LIST_ALL_UP_TO = 20;

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

/** Longest meaning of a failure shown (Tencent's `ErrorInfo` can be anything); the file has it whole. */
const MEANING_MAX = 300;

/** What one result says, without its key: keys sharing it share a line. */
function resultLabel(r: KeyResult): string {
  if (r.ok) return ':white_check_mark: recalled';
  const code = r.retCode === NO_RESULT ? '' : `${r.retCode}: `;
  const icon = r.unknown ? ':grey_question:' : ':x:';
  const what = r.unknown ? 'unknown — ' : '';
  const meaning = truncate(escapeLine(r.meaning), MEANING_MAX);
  return `${icon} ${what}${code}${meaning}${r.transient ? ' _(can be retried)_' : ''}`;
}

/**
 * Every result as lines, keys sharing a result on one line (failures, then unknown, then
 * recalled), each line at most `max` characters (a long group goes on several lines).
 */
function resultLines(results: readonly KeyResult[], max: number): string[] {
  const order = (r: KeyResult) => (r.ok ? 2 : r.unknown ? 1 : 0);
  const groups = new Map<string, { rank: number; keys: string[] }>();
  for (const r of results) {
    const label = resultLabel(r);
    const group = groups.get(label) ?? { rank: order(r), keys: [] };
    group.keys.push(inlineCode(r.msgKey, 120));
    groups.set(label, group);
  }
  const lines: string[] = [];
  for (const [label, { keys }] of [...groups].sort((a, b) => a[1].rank - b[1].rank)) {
    let line = `${label}: ${keys[0] ?? ''}`;
    for (const key of keys.slice(1)) {
      if (line.length + key.length + 2 > max) {
        lines.push(line);
        line = `${label} _(cont.)_: ${key}`;
      } else {
        line += `, ${key}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Longest account shown (a recall's account is at most 256 characters). */
const ACCOUNT_MAX = 200;

export function headline(summary: RecallSummary): string {
  const c = countResults(summary.results);
  const notRecalled = c.failed + c.unknown;
  const icon = notRecalled === 0 ? ':white_check_mark:' : c.recalled === 0 ? ':x:' : ':warning:';
  const failed = c.failed ? ` · ${c.failed} failed` : '';
  const unknown = c.unknown ? ` · ${c.unknown} unknown` : '';
  const retry = notRecalled && c.retryable ? ` (${c.retryable} can be retried)` : '';
  return `${icon} Recalled *${c.recalled} of ${c.total}* message${c.total === 1 ? '' : 's'} of ${inlineCode(summary.account, ACCOUNT_MAX)}${failed}${unknown}${retry}`;
}

/** Within Slack's limits for one message: blocks, a section's text, the whole text. */
const SECTION_MAX = 2_900;
const TEXT_MAX = 11_000;
const BLOCKS_MAX = 45;

export interface RenderedResults {
  text: string;
  blocks: KnownBlock[];
  /** Every key's result is in the message itself; else `fileName` must say where they are. */
  complete: boolean;
}

/**
 * The answer to the person who recalled: counts on top, then every key's result, keys that
 * share a result on one line. When they do not all fit one message, the first lines are shown
 * (failures first) and the message names the file with every result (`fileName`, sent to the
 * person directly), or says that it could not be sent.
 */
export function renderResults(
  summary: RecallSummary,
  options: { retryConfirmationId?: string | undefined; fileName?: string | undefined },
): RenderedResults {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(headline(summary)) }];
  if (summary.reason) {
    blocks.push({ type: 'context', elements: [mrkdwn(`Reason: ${escapeLine(summary.reason)}`)] });
  }
  let used = blocks.reduce((n, b) => n + JSON.stringify(b).length, 0);
  let section = '';
  let complete = true;
  const flush = () => {
    if (section === '') return;
    blocks.push({ type: 'section', text: mrkdwn(section) });
    section = '';
  };
  for (const line of resultLines(summary.results, SECTION_MAX)) {
    if (used + line.length + 1 > TEXT_MAX || blocks.length >= BLOCKS_MAX) {
      complete = false;
      break;
    }
    if (section.length + line.length + 1 > SECTION_MAX) flush();
    section = section ? `${section}\n${line}` : line;
    used += line.length + 1;
  }
  flush();
  if (!complete) {
    const where = options.fileName
      ? `:page_facing_up: Not every result fits here: every message's result is in ${inlineCode(options.fileName)}, sent to you in a direct message.`
      : ':warning: Not every result fits here, and the file with all of them could not be sent to you; the audit post in the moderation channel has it.';
    blocks.push({ type: 'context', elements: [mrkdwn(where)] });
  }
  if (options.retryConfirmationId) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: RETRY_RECALL_ACTION_ID,
          text: { type: 'plain_text', text: 'Retry failed' },
          style: 'danger',
          value: options.retryConfirmationId,
        },
      ],
    });
  }
  return { text: headline(summary).replace(/[*`]/g, ''), blocks, complete };
}

/**
 * Every key's result, for the attached file. Every cell is spreadsheet-safe ({@link csvText}):
 * an account, a key or a meaning that looks like a formula gets a leading `'`.
 */
export function resultsCsv(summary: RecallSummary): string {
  return csvText([
    ['official_account', 'msg_key', 'result', 'ret_code', 'meaning', 'attempts'],
    ...summary.results.map((r) => [
      summary.account,
      r.msgKey,
      r.ok ? 'recalled' : r.unknown ? 'unknown' : 'failed',
      r.retCode,
      r.meaning,
      r.attempts,
    ]),
  ]);
}

/** The title of a results file: names the account, on one line. */
export function resultsFileTitle(summary: RecallSummary): string {
  return `Recall results: ${truncate(singleLine(summary.account), ACCOUNT_MAX)}`;
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
  // One line whatever the account and reason hold: the account in a code span it cannot leave,
  // the reason escaped and on one line, so neither can ping, link or add a line.
  const reason = summary.reason ? `reason: “${escapeLine(summary.reason)}”` : 'no reason given';
  const text = `:scroll: ${userMention(userId)} recalled ${countOf(c.total, 'message')} of ${inlineCode(summary.account, ACCOUNT_MAX)} via ${ORIGIN_NAMES[origin]} — ${outcome} · ${reason}`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** The progress note a recall keeps up to date while it runs. */
export const progressNotes = {
  starting: (total: number, account: string, resumed: boolean): string =>
    resumed
      ? `:hourglass_flowing_sand: Resuming the recall of ${countOf(total, 'message')} of ${inlineCode(account, 200)} after an interruption…`
      : `:hourglass_flowing_sand: Recalling ${countOf(total, 'message')} of ${inlineCode(account, 200)}…`,
  step: (done: number, all: number): string =>
    `:hourglass_flowing_sand: Recalling… ${done} of ${all} requests answered`,
  /** Some keys could not be sent by our side: what is known so far, and what happens next. */
  paused: (results: readonly KeyResult[], retryEveryMs: number): string => {
    const waiting = results.filter((r) => r.interrupted);
    const why = waiting.some((r) => r.interrupted === 'limiter')
      ? 'the shared rate limiter (Redis) cannot be reached'
      : 'they could not be recorded before sending (our storage is unavailable)';
    const recalled = results.filter((r) => r.ok).length;
    return (
      `:warning: Recalled ${recalled} of ${results.length} so far. ${countOf(waiting.length, 'message')} could not be sent yet: ${why}. ` +
      `They are sent by themselves once that is resolved (tried every ${Math.round(retryEveryMs / 1000)} s), and every result will be told here.`
    );
  },
};

/** A key's outcome as counted in `recallbot_recalls_total`. */
export function outcomeOf(r: KeyResult): 'recalled' | 'unknown' | 'failed_transient' | 'failed' {
  if (r.ok) return 'recalled';
  if (r.unknown) return 'unknown';
  return r.transient ? 'failed_transient' : 'failed';
}
