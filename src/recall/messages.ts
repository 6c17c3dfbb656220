import type { KnownBlock, View } from '@slack/types';
import { countOf } from '../slack/counts.js';
import {
  CANCEL_RECALL_ACTION_ID,
  CONFIRM_RECALL_ACTION_ID,
  RECALL_MODAL_ID,
} from '../slack/ids.js';
import { escapeLine, inlineCode, mrkdwn } from '../slack/text.js';
import { MAX_REASON_BYTES } from './parse.js';

export const HELP_TEXT = [
  '*Recall Official Account messages* (a recall cannot be undone)',
  '• `/recall` — open a form: account, message keys, reason.',
  '• `/recall <Official_Account> <MsgKey> [MsgKey…] [reason: text]` — keys separated by spaces, commas or new lines, e.g. `/recall @TOA#_2J4SZEAEL 71_1_1698741698 72_1_1698741698 reason: sent by mistake`. You get one confirmation button.',
  '• Message shortcut *Recall messages* (⋮ on any message) — reads the account and MsgKeys in the message and opens the form filled in.',
  '• The *Recall* button on the feed’s posts of sent Official Account messages.',
  `The reason is optional, at most ${MAX_REASON_BYTES} bytes. Workspace owners and admins may recall, and the users and user groups the app is configured with. Every recall is posted to the moderation channel.`,
].join('\n');

const SHOW_KEYS = 20;

/** The one explicit confirmation of `/recall <account> <keys…>`. */
export function renderConfirmation(
  request: { account: string; msgKeys: string[]; reason?: string | undefined },
  confirmationId: string,
): { text: string; blocks: KnownBlock[] } {
  const n = request.msgKeys.length;
  const listed = request.msgKeys
    .slice(0, SHOW_KEYS)
    .map((k) => inlineCode(k, 80))
    .join(', ');
  const more = n > SHOW_KEYS ? ` and ${n - SHOW_KEYS} more` : '';
  const account = inlineCode(request.account, 200);
  const text = `Recall ${countOf(n, 'message')} of ${account}? This cannot be undone.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `:warning: You are about to recall *${countOf(n, 'message')}* of ${account}: ${listed}${more}.\n${request.reason ? `Reason: ${escapeLine(request.reason)}` : 'No reason given.'}\n*A recall cannot be undone.* This confirmation expires in 30 minutes.`,
        ),
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: CONFIRM_RECALL_ACTION_ID,
            style: 'danger',
            text: { type: 'plain_text', text: `Recall ${countOf(n, 'message')}` },
            value: confirmationId,
          },
          {
            type: 'button',
            action_id: CANCEL_RECALL_ACTION_ID,
            text: { type: 'plain_text', text: 'Cancel' },
            value: confirmationId,
          },
        ],
      },
    ],
  };
}

/** The modal: its submit button is the confirmation, and it says so. */
export function renderRecallModal(initial: {
  account?: string | undefined;
  msgKeys?: string[] | undefined;
  reason?: string | undefined;
  privateMetadata: string;
  note?: string | undefined;
}): View {
  const blocks: KnownBlock[] = [];
  if (initial.note) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: initial.note }] });
  }
  blocks.push(
    {
      type: 'input',
      block_id: 'account',
      label: { type: 'plain_text', text: 'Official Account' },
      hint: { type: 'plain_text', text: 'The account user ID, e.g. @TOA#_2J4SZEAEL' },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        ...(initial.account ? { initial_value: initial.account } : {}),
        placeholder: { type: 'plain_text', text: '@TOA#_…' },
      },
    },
    {
      type: 'input',
      block_id: 'keys',
      label: { type: 'plain_text', text: 'Message keys (MsgKey)' },
      hint: {
        type: 'plain_text',
        text: 'One or more, separated by spaces, commas or new lines, e.g. 71_1_1698741698',
      },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        ...(initial.msgKeys?.length ? { initial_value: initial.msgKeys.join('\n') } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'reason',
      optional: true,
      label: { type: 'plain_text', text: 'Reason' },
      hint: {
        type: 'plain_text',
        text: `Optional, at most ${MAX_REASON_BYTES} bytes; kept in the audit post`,
      },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        max_length: MAX_REASON_BYTES,
        ...(initial.reason ? { initial_value: initial.reason } : {}),
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ':warning: *Recall* recalls these messages at once, for every recipient. A recall cannot be undone.',
        },
      ],
    },
  );
  return {
    type: 'modal',
    callback_id: RECALL_MODAL_ID,
    title: { type: 'plain_text', text: 'Recall messages' },
    submit: { type: 'plain_text', text: 'Recall' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: initial.privateMetadata,
    blocks,
  };
}
