import type { App, BlockAction } from '@slack/bolt';
import { cancelConfirmed, recallConfirmed } from '../../recall/clicks.js';
import {
  CANCEL_RECALL_ACTION_ID,
  CONFIRM_RECALL_ACTION_ID,
  FEED_RECALL_ACTION_ID,
  FEED_RECALL_ALL_ACTION_ID,
  RETRY_RECALL_ACTION_ID,
} from '../../slack/ids.js';
import type { ListenerDeps } from '../deps.js';
import { tellPerson } from '../tell.js';

import { type ButtonArgs, confirmationButton } from './click.js';
import { feedRecallAllButton, feedRecallButton } from './feed-buttons.js';

const EXPIRED =
  ':warning: This confirmation was already used or has expired (they last 30 minutes). Nothing was recalled by this click; start again with `/recall`.';

/** `confirm_recall` and `retry_recall`: the stored request, taken once, then recalled. */
export function confirmedRecallButton(deps: ListenerDeps) {
  return confirmationButton(
    deps,
    'recall confirmation',
    async ({ payload, id, reply }, { body, client }) => {
      const outcome = await recallConfirmed(deps, {
        id,
        userId: payload.user.id,
        reply,
        responseUrl: payload.message ? undefined : payload.response_url,
      });
      // Beside the message, never over it: it may hold the results of the click that used it.
      if (outcome === 'taken') await tellPerson(body, client, EXPIRED, deps.logger);
    },
  );
}

/** `cancel_recall`: drops the stored request. */
export function cancelRecallButton(deps: ListenerDeps) {
  return confirmationButton(
    deps,
    'recall cancellation',
    async ({ payload, id, reply }, { body, client }) => {
      const cancel = await cancelConfirmed(deps.once, id, payload.user.id);
      if (cancel.outcome === 'not_requester') {
        const text = `:no_entry: Only <@${cancel.requestedBy}>, who asked for this recall, can cancel it. Nothing was changed.`;
        await tellPerson(body, client, text, deps.logger);
        return;
      }
      await reply.final({
        text: cancel.outcome === 'cancelled' ? 'Cancelled: nothing was recalled.' : EXPIRED,
      });
    },
  );
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
