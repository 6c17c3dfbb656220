import type { AllMiddlewareArgs, App, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { renderRecallModal } from '../../../recall/messages.js';
import { extractRecallTargets, messageTexts } from '../../../recall/parse.js';

const shortcutSchema = z.object({
  type: z.literal('message_action'),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).optional(),
  message: z.record(z.string(), z.unknown()),
});

/** The `recall_messages` message shortcut: read the message, open the modal filled in. */
export async function recallMessagesShortcut({
  shortcut,
  ack,
  client,
}: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) {
  await ack();
  const payload = shortcutSchema.parse(shortcut);
  const { accounts, msgKeys } = extractRecallTargets(messageTexts(payload.message));
  const note =
    accounts.length > 1
      ? `This message names ${accounts.length} accounts; the first is filled in. Recall one account at a time.`
      : msgKeys.length === 0
        ? 'No MsgKeys were found in that message; type them in.'
        : undefined;
  await client.views.open({
    trigger_id: payload.trigger_id,
    view: renderRecallModal({
      account: accounts[0],
      msgKeys,
      note,
      privateMetadata: JSON.stringify({ kind: 'shortcut', channel: payload.channel?.id }),
    }),
  });
}

export function register(app: App): void {
  app.shortcut({ callback_id: 'recall_messages', type: 'message_action' }, recallMessagesShortcut);
}
