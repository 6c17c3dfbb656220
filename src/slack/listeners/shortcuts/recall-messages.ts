import type { AllMiddlewareArgs, App, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { renderRecallModal } from '../../../recall/messages.js';
import { extractRecallTargets, messageTexts } from '../../../recall/parse.js';
import { responseUrlReply } from '../../replies.js';
import { type ListenerDeps, SOMETHING_FAILED } from '../deps.js';

const shortcutSchema = z.object({
  type: z.literal('message_action'),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).optional(),
  message: z.record(z.string(), z.unknown()),
  response_url: z.string().url().optional(),
});

/** The `recall_messages` message shortcut: read the message, open the modal filled in. */
export function recallMessagesShortcut(deps: Pick<ListenerDeps, 'logger'>) {
  return async ({ shortcut, ack, client }: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const payload = shortcutSchema.safeParse(shortcut);
    if (!payload.success) {
      deps.logger.warn('unreadable recall shortcut payload');
      return;
    }
    try {
      await openFilledModal(payload.data, client);
    } catch (error) {
      deps.logger.error('the recall shortcut failed', { error });
      const url = payload.data.response_url;
      if (url)
        await responseUrlReply(url)
          .final({ text: SOMETHING_FAILED })
          .catch(() => undefined);
    }
  };
}

async function openFilledModal(
  payload: z.infer<typeof shortcutSchema>,
  client: AllMiddlewareArgs['client'],
): Promise<void> {
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

export function register(app: App, deps: Pick<ListenerDeps, 'logger'>): void {
  app.shortcut(
    { callback_id: 'recall_messages', type: 'message_action' },
    recallMessagesShortcut(deps),
  );
}
