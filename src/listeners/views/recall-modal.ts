import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { withTimeout } from '../../lib/sleep.js';
import { recallOnce } from '../../recall/clicks.js';
import {
  createModalConfirmation,
  type ModalConfirmation,
  modalConfirmationId,
  peekModalConfirmation,
  type RecallOrigin,
  takeModalConfirmation,
} from '../../recall/confirmations.js';
import { renderRecallModal } from '../../recall/messages.js';
import { splitKeys, validateRecall } from '../../recall/parse.js';
import { RECALL_MODAL_ID } from '../../slack/ids.js';
import { answering } from '../actions/click.js';
import { type ListenerDeps, SOMETHING_FAILED, STORE_DEADLINE_MS } from '../deps.js';
import { replyFor } from '../replies.js';
import { postToResponseUrl } from '../tell.js';

const inputValue = z.object({ value: z.string().nullish() }).optional();
const submissionSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    // Checked on its own: a form we cannot tie to a confirmation is told so, on the form.
    private_metadata: z.unknown(),
    state: z.object({
      values: z.object({
        account: z.object({ value: inputValue }).optional(),
        keys: z.object({ value: inputValue }).optional(),
        reason: z.object({ value: inputValue }).optional(),
      }),
    }),
  }),
});

const UNREADABLE = 'This form could not be read; close it and start again with /recall.';
const ALREADY_SUBMITTED =
  'This form was already submitted, or it has expired (forms last 30 minutes): nothing was recalled by this submission. Close it and start again with /recall.';

/** An answer on the form itself (the account field is in every recall modal). */
const formError = (text: string) => ({
  response_action: 'errors' as const,
  errors: { account: text },
});

/**
 * Opens the recall modal for `requestedBy`, tied to a new stored confirmation (which its submit
 * takes); `fill`: what the form shows filled in.
 */
export async function openRecallModal(
  deps: Pick<ListenerDeps, 'once'>,
  client: WebClient,
  open: {
    triggerId: string;
    requestedBy: string;
    origin: RecallOrigin;
    fill?: { account?: string | undefined; msgKeys?: string[]; note?: string | undefined };
  },
): Promise<void> {
  // The trigger lapses 3 s after Slack sent it: the store gets 2 of them.
  const privateMetadata = await withTimeout(
    createModalConfirmation(deps.once, { requestedBy: open.requestedBy, origin: open.origin }),
    STORE_DEADLINE_MS,
    "the form's confirmation was not stored",
  );
  await client.views.open({
    trigger_id: open.triggerId,
    view: renderRecallModal({ ...open.fill, privateMetadata }),
  });
}

/**
 * The modal's submit is the confirmation, so it works once: the modal's stored confirmation is
 * read before the answer (a replay is told on the form), and taken once the submitter is
 * authorized (a refused submission uses nothing up).
 */
export function recallModalSubmission(deps: ListenerDeps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const payload = submissionSchema.safeParse(body);
    if (!payload.success) {
      await ack(formError(UNREADABLE));
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
    const user = payload.data.user.id;
    const id = modalConfirmationId(payload.data.view.private_metadata);
    if (!id) {
      await ack(formError(UNREADABLE));
      return;
    }
    let modal: ModalConfirmation | undefined;
    try {
      // Slack waits 3 s for this answer.
      modal = await withTimeout(
        peekModalConfirmation(deps.once, id),
        STORE_DEADLINE_MS,
        'the form was not read',
      );
    } catch (error) {
      deps.logger.error('a recall form could not be read from the store', { error });
      await ack(formError(SOMETHING_FAILED));
      return;
    }
    if (!modal) {
      await ack(formError(ALREADY_SUBMITTED));
      return;
    }
    if (modal.requestedBy !== user) {
      await ack(
        formError('Only the person who opened this form can submit it; nothing was recalled.'),
      );
      return;
    }
    await ack();
    const reply = replyFor(modal.origin, client, user);
    const pending = { ...result.request, requestedBy: user, origin: modal.origin };
    await answering(deps, reply, 'a recall from the modal', async () => {
      const outcome = await recallOnce(deps.recall, user, reply, pending, async () =>
        (await takeModalConfirmation(deps.once, id)) ? pending : undefined,
      );
      if (outcome === 'taken') {
        // Beside the first submission's results, never over them.
        const text = `:warning: ${ALREADY_SUBMITTED}`;
        if (modal.origin.kind === 'command')
          await postToResponseUrl(modal.origin.responseUrl, text);
        else await reply.final({ text });
      }
    });
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.view(RECALL_MODAL_ID, recallModalSubmission(deps));
}
