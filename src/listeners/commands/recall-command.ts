import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { withTimeout } from '../../lib/sleep.js';
import { createConfirmation } from '../../recall/confirmations.js';
import { HELP_TEXT, renderConfirmation } from '../../recall/messages.js';
import { MAX_KEYS_PER_RECALL, parseRecallCommand } from '../../recall/parse.js';
import { type ListenerDeps, SOMETHING_FAILED, STORE_DEADLINE_MS } from '../deps.js';
import { responseUrlReply } from '../replies.js';
import { openRecallModal } from '../views/recall-modal.js';

/** A 1,000-key recall fits well within this; longer text is not parsed at all. */
const MAX_COMMAND_TEXT = 40_000;

const commandSchema = z.object({
  text: z.string(),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  response_url: z.string().url(),
  trigger_id: z.string().min(1),
});

/** `/recall help` · `/recall` (modal) · `/recall <account> <keys…> [reason: …]` (confirm). */
export function recallCommand(deps: ListenerDeps) {
  return async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const parsedPayload = commandSchema.safeParse(command);
    if (!parsedPayload.success) {
      await ack({ response_type: 'ephemeral', text: 'That command payload could not be read.' });
      return;
    }
    const payload = parsedPayload.data;
    if (payload.text.length > MAX_COMMAND_TEXT) {
      await ack({
        response_type: 'ephemeral',
        text: `:x: That is more than one recall takes: at most ${MAX_KEYS_PER_RECALL.toLocaleString('en-US')} MsgKeys (and ${MAX_COMMAND_TEXT.toLocaleString('en-US')} characters) in one \`/recall\`. Split the list.`,
      });
      return;
    }
    const parsed = parseRecallCommand(payload.text);
    const origin = {
      kind: 'command' as const,
      channel: payload.channel_id,
      responseUrl: payload.response_url,
    };
    switch (parsed.kind) {
      case 'help':
        await ack({ response_type: 'ephemeral', text: HELP_TEXT });
        return;
      case 'invalid':
        await ack({
          response_type: 'ephemeral',
          text: `:x: ${parsed.problems.join('\n:x: ')}\nSee \`/recall help\`.`,
        });
        return;
      case 'modal':
        await ack();
        try {
          await openRecallModal(deps, client, {
            triggerId: payload.trigger_id,
            requestedBy: payload.user_id,
            origin,
          });
        } catch (error) {
          deps.logger.error('/recall could not open its modal', { error });
          await responseUrlReply(payload.response_url)
            .final({ text: SOMETHING_FAILED })
            .catch(() => undefined);
        }
        return;
      case 'recall': {
        // The confirmation is the command's own answer; storing it is bounded so that Slack
        // always gets its answer in time, an error message if need be.
        let id: string;
        try {
          id = await withTimeout(
            createConfirmation(deps.once, {
              ...parsed.request,
              requestedBy: payload.user_id,
              origin,
            }),
            STORE_DEADLINE_MS,
            'the confirmation was not stored',
          );
        } catch (error) {
          deps.logger.error('/recall could not store its confirmation', { error });
          await ack({ response_type: 'ephemeral', text: SOMETHING_FAILED });
          return;
        }
        await ack({ response_type: 'ephemeral', ...renderConfirmation(parsed.request, id) });
        return;
      }
    }
  };
}

export const RECALL_COMMAND = '/recall';

export function register(app: App, deps: ListenerDeps): void {
  app.command(RECALL_COMMAND, recallCommand(deps));
}
