import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { groupKey } from '../../../feed/links.js';
import { FEED_RECALL_ACTION_ID } from '../../../feed/render.js';
import { FEED_RECALL_ALL_ACTION_ID, sendBody } from '../../../feed/sends.js';
import type { ReplyChannel } from '../../../recall/answers.js';
import {
  type PendingRecall,
  peekConfirmation,
  takeConfirmation,
} from '../../../recall/confirmations.js';
import { isMsgKey, MSGKEY } from '../../../tencent/msgkey.js';
import { ephemeralReply, responseUrlReply, threadReply } from '../../replies.js';
import { type ListenerDeps, SOMETHING_FAILED } from '../deps.js';
import { tellPerson } from '../tell.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const buttonSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  // The value is read on its own: a click whose value is bad is still answered.
  actions: z.array(z.object({ value: z.unknown() })).min(1),
  response_url: z.string().url().optional(),
  container: z
    .object({
      is_ephemeral: z.boolean().optional(),
      channel_id: z.string().optional(),
      message_ts: z.string().optional(),
      thread_ts: z.string().optional(),
    })
    .optional(),
  channel: z.object({ id: z.string() }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
});

export type ButtonPayload = z.infer<typeof buttonSchema>;

export function parseButton(body: unknown): ButtonPayload | undefined {
  const parsed = buttonSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** Slack's limit on a button's value; our values are far shorter. */
const MAX_VALUE_LENGTH = 2000;

/** The clicked button's value, when it is one the app could have made. */
function buttonValue(payload: ButtonPayload): string | undefined {
  const value = payload.actions[0]?.value;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_VALUE_LENGTH
    ? value
    : undefined;
}

const NOT_VALID =
  ':warning: This button is not valid (what it carries cannot be read), so nothing was done. Start again with `/recall`.';

/** Answers a click that cannot be acted on, so that the person sees something happen. */
async function refuseClick(deps: ListenerDeps, body: unknown, client: WebClient, what: string) {
  deps.logger.warn(`unreadable ${what} button payload`);
  await tellPerson(body, client, NOT_VALID, deps.logger);
}

/** Answers next to the button: in place for an ephemeral message, else in the message's thread. */
export function replyNextTo(payload: ButtonPayload, client: WebClient): ReplyChannel | undefined {
  const channel = payload.container?.channel_id ?? payload.channel?.id;
  if (payload.container?.is_ephemeral || !payload.message || !channel) {
    return payload.response_url ? responseUrlReply(payload.response_url) : undefined;
  }
  return threadReply(client, channel, payload.message.thread_ts ?? payload.message.ts);
}

/** Runs what a click does; a failure on our side is logged and told to the person. */
async function answering(
  deps: ListenerDeps,
  reply: ReplyChannel,
  what: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error(`${what} failed`, { error });
    await reply.final({ text: SOMETHING_FAILED }).catch(() => undefined);
  }
}

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
      const stored = await peekConfirmation(deps.store, id);
      if (stored && !(await deps.recall.authorize(payload.user.id, reply, stored)).allowed) return;
      const pending: PendingRecall | undefined = stored && (await takeConfirmation(deps.store, id));
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
      const stored = await peekConfirmation(deps.store, id);
      if (stored && stored.requestedBy !== payload.user.id) {
        const text = `:no_entry: Only <@${stored.requestedBy}>, who asked for this recall, can cancel it. Nothing was changed.`;
        await tellPerson(body, client, text, deps.logger);
        return;
      }
      const pending = stored && (await takeConfirmation(deps.store, id));
      await reply.final({ text: pending ? 'Cancelled: nothing was recalled.' : EXPIRED });
    });
  };
}

const feedValueSchema = z.object({
  account: z.string().min(1).max(256),
  msgKey: z.string().regex(MSGKEY),
});

/** How long a feed button stays taken after a click, so a double click recalls once. */
const FEED_CLICK_LOCK_MS = 5 * 60 * 1000;

/** Where a feed button was clicked: the post (its thread gets the answers) and the clicker. */
function feedPostOf(
  body: unknown,
): { payload: ButtonPayload; channel: string; postTs: string; value: string } | undefined {
  const payload = parseButton(body);
  const channel = payload?.container?.channel_id ?? payload?.channel?.id;
  const postTs = payload?.message?.ts;
  const value = payload && buttonValue(payload);
  if (!payload || !channel || !postTs || !value) return undefined;
  return { payload, channel, postTs, value };
}

function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Recalls messages shown in one feed post, after Slack's confirm dialog: the answers go to the
 * post's thread; a lock keeps a double click from recalling twice.
 */
async function recallFromFeedPost(
  deps: ListenerDeps,
  client: WebClient,
  where: { payload: ButtonPayload; channel: string; postTs: string },
  request: { lock: string; account: string; msgKeys: string[] },
): Promise<void> {
  const reply = threadReply(client, where.channel, where.postTs);
  await answering(deps, reply, 'a feed Recall button', () =>
    recallIfAllowed(deps, client, where, request, reply),
  );
}

async function recallIfAllowed(
  deps: ListenerDeps,
  client: WebClient,
  where: { payload: ButtonPayload; channel: string; postTs: string },
  request: { lock: string; account: string; msgKeys: string[] },
  reply: ReplyChannel,
): Promise<void> {
  const { payload, channel, postTs } = where;
  const pending: PendingRecall = {
    account: request.account,
    msgKeys: request.msgKeys,
    requestedBy: payload.user.id,
    origin: { kind: 'feed', channel, threadTs: postTs },
  };
  // Before the lock: a click by someone who may not recall must not keep a moderator out. The
  // refusal is for the clicker alone, not a reply in the channel's thread for everyone.
  const refusal = ephemeralReply(client, channel, payload.user.id);
  if (!(await deps.recall.authorize(payload.user.id, refusal, pending)).allowed) return;
  if (!(await deps.store.acquire(request.lock, FEED_CLICK_LOCK_MS))) {
    await client.chat.postEphemeral({
      channel,
      user: payload.user.id,
      thread_ts: postTs,
      text: 'This is already being recalled; the result is in the thread.',
    });
    return;
  }
  if (!(await deps.recall.run(pending, payload.user.id, reply))) {
    // Nothing was started: the button is free for the next try.
    await deps.store.takeOnce(request.lock).catch(() => undefined);
  }
}

/** `feed_recall`: the Recall button of one sent message on a feed post. */
export function feedRecallButton(deps: ListenerDeps) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const where = feedPostOf(body);
    const value = where && parseJson(feedValueSchema, where.value);
    if (!where || !value) {
      await refuseClick(deps, body, client, 'feed recall');
      return;
    }
    await recallFromFeedPost(deps, client, where, {
      lock: `feed-recall:${value.account}:${value.msgKey}`,
      account: value.account,
      msgKeys: [value.msgKey],
    });
  };
}

const groupValueSchema = z.object({ group: z.string().min(1).max(100) });

/** `feed_recall_all`: Recall all on a feed post of several sent messages of one account. */
export function feedRecallAllButton(deps: ListenerDeps) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const where = feedPostOf(body);
    const value = where && parseJson(groupValueSchema, where.value);
    if (!where || !value) {
      await refuseClick(deps, body, client, 'feed recall-all');
      return;
    }
    let record: Awaited<ReturnType<ListenerDeps['store']['getPostLink']>>;
    let recalled: Set<string>;
    try {
      record = await deps.store.getPostLink(groupKey(value.group));
      recalled = new Set(await deps.store.addRecalled(groupKey(value.group), []));
    } catch (error) {
      deps.logger.error('a feed Recall all button failed', { error });
      await threadReply(client, where.channel, where.postTs)
        .final({ text: SOMETHING_FAILED })
        .catch(() => undefined);
      return;
    }
    const sends = (record?.sends ?? []).flatMap((event) => {
      const send = sendBody(event);
      // As the post's Recall all counts: not recalled yet, and a MsgKey a recall can take.
      return send && !recalled.has(send.MsgKey) && isMsgKey(send.MsgKey) ? [send] : [];
    });
    const [first] = sends;
    if (!first) {
      await client.chat
        .postEphemeral({
          channel: where.channel,
          user: where.payload.user.id,
          thread_ts: where.postTs,
          text: record
            ? 'Every message of this post was already recalled.'
            : 'The messages of this post are no longer known (posts are remembered 30 days); recall them with `/recall`.',
        })
        .catch((error: unknown) =>
          deps.logger.warn('could not answer a Recall all click', { error }),
        );
      return;
    }
    await recallFromFeedPost(deps, client, where, {
      lock: `feed-recall-all:${value.group}`,
      account: first.Official_Account,
      msgKeys: sends.map((s) => s.MsgKey),
    });
  };
}

/** Every button the app puts in messages, by `action_id`. */
const buttons: Record<string, (deps: ListenerDeps) => (args: ButtonArgs) => Promise<void>> = {
  confirm_recall: confirmedRecallButton,
  retry_recall: confirmedRecallButton,
  cancel_recall: cancelRecallButton,
  [FEED_RECALL_ACTION_ID]: feedRecallButton,
  [FEED_RECALL_ALL_ACTION_ID]: feedRecallAllButton,
};

export const RECALL_BUTTON_ACTION_IDS: readonly string[] = Object.keys(buttons);

export function register(app: App, deps: ListenerDeps): void {
  for (const [actionId, listener] of Object.entries(buttons)) {
    app.action<BlockAction>(actionId, listener(deps));
  }
}
