import type { App, BlockAction } from '@slack/bolt';
import {
  type PendingRecall,
  peekConfirmation,
  takeConfirmation,
} from '../../recall/confirmations.js';
import {
  CANCEL_RECALL_ACTION_ID,
  CONFIRM_RECALL_ACTION_ID,
  FEED_RECALL_ACTION_ID,
  FEED_RECALL_ALL_ACTION_ID,
  RETRY_RECALL_ACTION_ID,
} from '../../slack/ids.js';
import type { ListenerDeps } from '../deps.js';
import { tellPerson } from '../tell.js';

import {
  answering,
  type ButtonArgs,
  buttonValue,
  parseButton,
  refuseClick,
  replyNextTo,
} from './click.js';
import { feedRecallAllButton, feedRecallButton } from './feed-buttons.js';

const EXPIRED =
  ':warning: This confirmation was already used or has expired (they last 30 minutes). Nothing was recalled by this click; start again with `/recall`.';

/** `confirm_recall` and `retry_recall`: the stored request, taken once, then recalled. */
export function confirmedRecallButton(deps: ListenerDeps) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const payload = parseButton(body);
    const id = payload && buttonValue(payload);
    const reply = payload && replyNextTo(payload, client);
    if (!payload || !id || !reply) {
      await refuseClick(deps, body, client, 'recall confirmation');
      return;
    }
    await answering(deps, reply, 'a recall confirmation', async () => {
      // Authorized before it is used up: a refused click leaves it for someone who may recall.
      const stored = await peekConfirmation(deps.once, id);
      if (stored && !(await deps.recall.authorize(payload.user.id, reply, stored)).allowed) return;
      const pending: PendingRecall | undefined = stored && (await takeConfirmation(deps.once, id));
      if (!pending) {
        // Beside the message, never over it: it may hold the results of the click that used it.
        await tellPerson(body, client, EXPIRED, deps.logger);
        return;
      }
      // Answers go where this click's reply goes (the confirmation message), also after a restart.
      const origin =
        pending.origin.kind === 'command' && payload.response_url && !payload.message
          ? { ...pending.origin, responseUrl: payload.response_url }
          : pending.origin;
      await deps.recall.run({ ...pending, origin }, payload.user.id, reply);
    });
  };
}

/** `cancel_recall`: drops the stored request. */
export function cancelRecallButton(deps: ListenerDeps) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const payload = parseButton(body);
    const id = payload && buttonValue(payload);
    const reply = payload && replyNextTo(payload, client);
    if (!payload || !id || !reply) {
      await refuseClick(deps, body, client, 'recall cancellation');
      return;
    }
    await answering(deps, reply, 'a recall cancellation', async () => {
      // Only the person who asked may drop what they asked for; anybody else changes nothing.
      const stored = await peekConfirmation(deps.once, id);
      if (stored && stored.requestedBy !== payload.user.id) {
        const text = `:no_entry: Only <@${stored.requestedBy}>, who asked for this recall, can cancel it. Nothing was changed.`;
        await tellPerson(body, client, text, deps.logger);
        return;
      }
      const pending = stored && (await takeConfirmation(deps.once, id));
      await reply.final({ text: pending ? 'Cancelled: nothing was recalled.' : EXPIRED });
    });
  };
}

/** Every button the app puts in messages, by `action_id`. */
const buttons: Record<string, (deps: ListenerDeps) => (args: ButtonArgs) => Promise<void>> = {
  [CONFIRM_RECALL_ACTION_ID]: confirmedRecallButton,
  [RETRY_RECALL_ACTION_ID]: confirmedRecallButton,
  [CANCEL_RECALL_ACTION_ID]: cancelRecallButton,
  [FEED_RECALL_ACTION_ID]: feedRecallButton,
  [FEED_RECALL_ALL_ACTION_ID]: feedRecallAllButton,
};

export const RECALL_BUTTON_ACTION_IDS: readonly string[] = Object.keys(buttons);

export function register(app: App, deps: ListenerDeps): void {
  for (const [actionId, listener] of Object.entries(buttons)) {
    app.action<BlockAction>(actionId, listener(deps));
  }
}
