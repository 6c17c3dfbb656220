/** The Recall button of a feed post of one sent message, or the note said in its place. */
import type { Button, KnownBlock } from '@slack/types';
import type { SentMessage } from '../../kinds/kind.js';
import { isMsgKey } from '../../kinds/msgkey.js';
import type { Values } from '../../kinds/values.js';
import { FEED_RECALL_ACTION_ID } from '../../slack/ids.js';
import { escapeLine, truncate } from '../../slack/text.js';
import { context } from './blocks.js';

/** Slack's limit on a button's `value`. */
const BUTTON_VALUE_MAX = 2000;

/** What a recall takes of a sent message. */
type RecallTarget = Pick<SentMessage, 'account' | 'msgKey'>;

/**
 * What the Recall button of a sent message carries: its account and MsgKey exactly, as the
 * recall needs them. `undefined` when no recall could take it: a MsgKey that is not one, or
 * identifiers that do not fit Slack's limit on a button's value.
 */
function recallButtonValue(sent: RecallTarget): string | undefined {
  if (!isMsgKey(sent.msgKey)) return undefined;
  const value = JSON.stringify({ account: sent.account, msgKey: sent.msgKey });
  return value.length <= BUTTON_VALUE_MAX ? value : undefined;
}

/**
 * The Recall button of one sent message: danger-styled, with Slack's own confirm dialog.
 * `undefined` when the message cannot be recalled from a button (see {@link recallButtonValue}).
 */
export function recallButtonElement(sent: RecallTarget): Button | undefined {
  const value = recallButtonValue(sent);
  if (value === undefined) return undefined;
  const key = truncate(escapeLine(sent.msgKey), 60);
  const account = truncate(escapeLine(sent.account), 60);
  return {
    type: 'button',
    action_id: FEED_RECALL_ACTION_ID,
    style: 'danger',
    text: { type: 'plain_text', text: 'Recall' },
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Recall this message?' },
      text: {
        type: 'plain_text',
        text: truncate(
          `Message ${key} of Official Channel ${account} will be removed for every follower who received it. A recall cannot be undone.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Recall' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  };
}

/** Said where a sent message has no Recall button; the details file then has it whole. */
const NOT_A_MSGKEY =
  ':information_source: No Recall button: this MsgKey is not one Tencent can recall (like `71_1_1698741698`).';
const NO_RECALL_BUTTON =
  ':information_source: No Recall button: this MsgKey and account are too long for one (every detail is in the attached file).';

/**
 * The last block of a sent message's post: its Recall button, or a note saying why there is
 * none (identifiers too long for one mark `values` shortened: the file has them whole).
 */
export function recallBlock(sent: RecallTarget, values: Values): KnownBlock {
  const button = recallButtonElement(sent);
  if (button) return { type: 'actions', elements: [button] };
  if (!isMsgKey(sent.msgKey)) return context(NOT_A_MSGKEY);
  values.shortened = true;
  return context(NO_RECALL_BUTTON);
}

/** True for the recall button of a feed post (or the note in its place), in whichever block. */
export function isRecallActions(block: KnownBlock): boolean {
  return (
    (block.type === 'actions' &&
      block.elements.some((e) => 'action_id' in e && e.action_id === FEED_RECALL_ACTION_ID)) ||
    (block.type === 'context' &&
      block.elements.some(
        (e) => 'text' in e && (e.text === NO_RECALL_BUTTON || e.text === NOT_A_MSGKEY),
      ))
  );
}
