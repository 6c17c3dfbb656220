import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { postResponseUrl } from './replies.js';

/** The little of any Slack request that says who sent it and where an answer can go. */
const senderSchema = z.object({
  response_url: z.string().url().optional().catch(undefined),
  user: z
    .object({ id: z.string().min(1) })
    .optional()
    .catch(undefined),
  user_id: z.string().min(1).optional().catch(undefined),
  channel: z
    .object({ id: z.string().min(1) })
    .optional()
    .catch(undefined),
  channel_id: z.string().min(1).optional().catch(undefined),
  container: z
    .object({ channel_id: z.string().min(1).optional() })
    .optional()
    .catch(undefined),
});

/**
 * Tells the person behind a request something only they see, whatever else the request lacks:
 * through its `response_url` (ephemeral, never replacing the message clicked), else as an
 * ephemeral message in its channel, else in a direct message. False when nothing could be sent.
 */
export async function tellPerson(
  body: unknown,
  client: WebClient,
  text: string,
  logger: Logger,
): Promise<boolean> {
  const parsed = senderSchema.safeParse(body);
  const sender = parsed.success ? parsed.data : {};
  const user = sender.user?.id ?? sender.user_id;
  const channel = sender.container?.channel_id ?? sender.channel?.id ?? sender.channel_id;
  const attempts: (() => Promise<unknown>)[] = [];
  const url = sender.response_url;
  if (url) attempts.push(() => postToResponseUrl(url, text));
  if (user && channel) attempts.push(() => client.chat.postEphemeral({ channel, user, text }));
  if (user) attempts.push(() => client.chat.postMessage({ channel: user, text }));
  for (const attempt of attempts) {
    try {
      await attempt();
      return true;
    } catch (error) {
      logger.warn('could not answer a Slack request there; trying the next way', { error });
    }
  }
  logger.warn('could not answer a Slack request at all');
  return false;
}

/** An ephemeral note through a `response_url`, beside what it answered, never replacing it. */
export function postToResponseUrl(url: string, text: string): Promise<void> {
  return postResponseUrl(url, { response_type: 'ephemeral', replace_original: false, text });
}

/**
 * Answers a request the app will not act on with `text`, shown to the person in the way its kind
 * allows: a command's own ephemeral answer, a submitted form replaced by the text, a click or a
 * shortcut told beside it (see `tellPerson`). Nothing else happens.
 */
export async function refuseRequest(
  args: AnyMiddlewareArgs & AllMiddlewareArgs,
  text: string,
  logger: Logger,
): Promise<void> {
  if ('command' in args) {
    await args.ack({ response_type: 'ephemeral', text });
  } else if ('view' in args) {
    await args.ack(
      args.body.type === 'view_submission'
        ? { response_action: 'update', view: textView(text) }
        : undefined,
    );
  } else if ('action' in args || 'shortcut' in args) {
    await args.ack();
    await tellPerson(args.body, args.client, text, logger);
  } else if ('options' in args) {
    await args.ack({ options: [] });
  }
}

/** A modal that only says `text`, with nothing to submit. */
function textView(text: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'recall-bot' },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
  };
}
