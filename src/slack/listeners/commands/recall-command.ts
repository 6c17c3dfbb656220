import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { createConfirmation } from '../../../recall/confirmations.js';
import { HELP_TEXT, renderConfirmation, renderRecallModal } from '../../../recall/messages.js';
import { parseRecallCommand } from '../../../recall/parse.js';
import type { ListenerDeps } from '../deps.js';

const commandSchema = z.object({
  text: z.string().max(40_000),
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
    const parsed = parseRecallCommand(payload.text);
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
      case 'modal': {
        await ack();
        const origin = {
          kind: 'command',
          channel: payload.channel_id,
          responseUrl: payload.response_url,
        };
        await client.views.open({
          trigger_id: payload.trigger_id,
          view: renderRecallModal({ privateMetadata: JSON.stringify(origin) }),
        });
        return;
      }
      case 'recall': {
        const id = await createConfirmation(deps.store, {
          ...parsed.request,
          requestedBy: payload.user_id,
          origin: {
            kind: 'command',
            channel: payload.channel_id,
            responseUrl: payload.response_url,
          },
        });
        await ack({ response_type: 'ephemeral', ...renderConfirmation(parsed.request, id) });
        return;
      }
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.command('/recall', recallCommand(deps));
}
