import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { type RecallOrigin, recallOriginSchema } from '../../../recall/confirmations.js';
import { RECALL_MODAL_ID } from '../../../recall/messages.js';
import { splitKeys, validateRecall } from '../../../recall/parse.js';
import { replyFor } from '../../replies.js';
import { type ListenerDeps, SOMETHING_FAILED } from '../deps.js';

const inputValue = z.object({ value: z.string().nullish() }).optional();
const submissionSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({
      values: z.object({
        account: z.object({ value: inputValue }).optional(),
        keys: z.object({ value: inputValue }).optional(),
        reason: z.object({ value: inputValue }).optional(),
      }),
    }),
  }),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return undefined;
  }
}

/** The modal's submit is the confirmation: validate, answer errors on the fields, or recall. */
export function recallModalSubmission(deps: ListenerDeps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const payload = submissionSchema.safeParse(body);
    if (!payload.success) {
      await ack({
        response_action: 'errors',
        errors: { account: 'The form could not be read; open it again.' },
      });
      return;
    }
    const values = payload.data.view.state.values;
    const result = validateRecall({
      account: values.account?.value?.value ?? '',
      msgKeys: splitKeys(values.keys?.value?.value ?? ''),
      reason: values.reason?.value?.value ?? undefined,
    });
    if (!result.ok) {
      const errors: Record<string, string> = {};
      if (result.problems.account) errors.account = result.problems.account;
      if (result.problems.msgKeys) errors.keys = result.problems.msgKeys;
      if (result.problems.reason) errors.reason = result.problems.reason;
      await ack({ response_action: 'errors', errors });
      return;
    }
    const origin = recallOriginSchema.safeParse(parseJson(payload.data.view.private_metadata));
    await ack();
    const user = payload.data.user.id;
    const where: RecallOrigin = origin.success ? origin.data : { kind: 'shortcut' };
    const reply = replyFor(where, client, user);
    try {
      await deps.recall.run({ ...result.request, requestedBy: user, origin: where }, user, reply);
    } catch (error) {
      deps.logger.error('a recall from the modal failed', { error });
      await reply.final({ text: SOMETHING_FAILED }).catch(() => undefined);
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.view(RECALL_MODAL_ID, recallModalSubmission(deps));
}
