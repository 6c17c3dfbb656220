/** What every button click shares: reading it, refusing it visibly, answering next to it. */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ReplyChannel } from '../../recall/answers.js';
import { type ListenerDeps, SOMETHING_FAILED } from '../deps.js';
import { responseUrlReply, threadReply } from '../replies.js';
import { tellPerson } from '../tell.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

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
export const MAX_VALUE_LENGTH = 2000;

/** The clicked button's value, when it is one the app could have made. */
export function buttonValue(payload: ButtonPayload): string | undefined {
  const value = payload.actions[0]?.value;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_VALUE_LENGTH
    ? value
    : undefined;
}

export const NOT_VALID =
  ':warning: This button is not valid (what it carries cannot be read), so nothing was done. Start again with `/recall`.';

/** Answers a click that cannot be acted on, so that the person sees something happen. */
export async function refuseClick(
  deps: ListenerDeps,
  body: unknown,
  client: WebClient,
  what: string,
) {
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

/**
 * Runs what a click does and returns what it returns; a failure on our side is logged and told
 * to the person (then undefined is returned).
 */
export async function answering<T>(
  deps: Pick<ListenerDeps, 'logger'>,
  reply: ReplyChannel,
  what: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    deps.logger.error(`${what} failed`, { error });
    await reply.final({ text: SOMETHING_FAILED }).catch(() => undefined);
    return undefined;
  }
}

/** A click on a button that carries a confirmation: what it carries, and where it answers. */
export interface ConfirmationButtonClick {
  payload: ButtonPayload;
  /** The confirmation's ID (the button's value). */
  id: string;
  reply: ReplyChannel;
}

/**
 * A listener for a button that carries a confirmation: acknowledged at once, refused visibly when
 * it cannot be read, then `handle`d; a failure on our side is logged and told next to it.
 */
export function confirmationButton(
  deps: ListenerDeps,
  what: string,
  handle: (click: ConfirmationButtonClick, args: ButtonArgs) => Promise<void>,
) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, body, client } = args;
    await ack();
    const payload = parseButton(body);
    const id = payload && buttonValue(payload);
    const reply = payload && replyNextTo(payload, client);
    if (!payload || !id || !reply) {
      await refuseClick(deps, body, client, what);
      return;
    }
    await answering(deps, reply, `a ${what}`, () => handle({ payload, id, reply }, args));
  };
}
