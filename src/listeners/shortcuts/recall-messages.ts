import type { AllMiddlewareArgs, App, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { extractRecallTargets, messageTexts } from '../../recall/parse.js';
import { RECALL_SHORTCUT_ID } from '../../slack/ids.js';
import { type ListenerDeps, SOMETHING_FAILED } from '../deps.js';
import { tellPerson } from '../tell.js';
import { openRecallModal } from '../views/recall-modal.js';

const shortcutSchema = z.object({
  type: z.literal('message_action'),
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).optional(),
  message: z.record(z.string(), z.unknown()),
  response_url: z.string().url().optional(),
});

const UNREADABLE =
  ':warning: That shortcut could not be read, so nothing was done. Try it again, or use `/recall`.';

/** The `recall_messages` message shortcut: read the message, open the modal filled in. */
export function recallMessagesShortcut(deps: Pick<ListenerDeps, 'logger' | 'once'>) {
  return async ({ shortcut, ack, client }: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const payload = shortcutSchema.safeParse(shortcut);
    if (!payload.success) {
      deps.logger.warn('unreadable recall shortcut payload');
      await tellPerson(shortcut, client, UNREADABLE, deps.logger);
      return;
    }
    try {
      await openFilledModal(payload.data, client, deps);
    } catch (error) {
      deps.logger.error('the recall shortcut failed', { error });
      await tellPerson(shortcut, client, SOMETHING_FAILED, deps.logger);
    }
  };
}

async function openFilledModal(
  payload: z.infer<typeof shortcutSchema>,
  client: AllMiddlewareArgs['client'],
  deps: Pick<ListenerDeps, 'once'>,
): Promise<void> {
  const { accounts, msgKeys } = extractRecallTargets(messageTexts(payload.message));
  const note =
    accounts.length > 1
      ? `This message names ${accounts.length} accounts; the first is filled in. Recall one account at a time.`
      : msgKeys.length === 0
        ? 'No MsgKeys were found in that message; type them in.'
        : undefined;
  await openRecallModal(deps, client, {
    triggerId: payload.trigger_id,
    requestedBy: payload.user.id,
    origin: { kind: 'shortcut', channel: payload.channel?.id },
    fill: { account: accounts[0], msgKeys, note },
  });
}

export function register(app: App, deps: Pick<ListenerDeps, 'logger' | 'once'>): void {
  app.shortcut(
    { callback_id: RECALL_SHORTCUT_ID, type: 'message_action' },
    recallMessagesShortcut(deps),
  );
}
