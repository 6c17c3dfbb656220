/** The buttons of feed posts: Recall (one sent message) and Recall all (a post's sends). */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { groupKey } from '../../feed/links.js';
import { recallableSends } from '../../feed/sends.js';
import { MSGKEY } from '../../kinds/msgkey.js';
import {
  type FeedRequest,
  feedGroupLock,
  feedKeyLock,
  recallFromFeed,
} from '../../recall/clicks.js';
import type { ListenerDeps } from '../deps.js';
import { ephemeralReply, threadReply } from '../replies.js';

import {
  answering,
  type ButtonArgs,
  type ButtonPayload,
  buttonValue,
  parseButton,
  refuseClick,
} from './click.js';

const feedValueSchema = z.object({
  account: z.string().min(1).max(256),
  msgKey: z.string().regex(MSGKEY),
});

/** Where a feed button was clicked: the post (its thread gets the answers) and the clicker. */
interface FeedPost {
  payload: ButtonPayload;
  channel: string;
  postTs: string;
  value: string;
}

function feedPostOf(body: unknown): FeedPost | undefined {
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
 * A listener for a feed post's button whose value is JSON of `schema`: acknowledged at once,
 * refused visibly when it cannot be read, then `handle`d.
 */
function feedButton<T>(
  deps: ListenerDeps,
  what: string,
  schema: z.ZodType<T>,
  handle: (where: FeedPost, value: T, client: WebClient) => Promise<void>,
) {
  return async ({ ack, body, client }: ButtonArgs): Promise<void> => {
    await ack();
    const where = feedPostOf(body);
    const value = where && parseJson(schema, where.value);
    if (!where || !value) {
      await refuseClick(deps, body, client, what);
      return;
    }
    await handle(where, value, client);
  };
}

/** Recalls messages shown in one feed post (see `recallFromFeed`): the answers go to its thread. */
async function recallFromFeedPost(
  deps: ListenerDeps,
  client: WebClient,
  where: { payload: ButtonPayload; channel: string; postTs: string },
  request: FeedRequest,
): Promise<void> {
  const { payload, channel, postTs } = where;
  const reply = threadReply(client, channel, postTs);
  await answering(deps, reply, 'a feed Recall button', async () => {
    const outcome = await recallFromFeed(deps, request, {
      userId: payload.user.id,
      origin: { kind: 'feed', channel, threadTs: postTs },
      refusal: ephemeralReply(client, channel, payload.user.id),
      reply,
    });
    if (outcome !== 'taken') return;
    await client.chat.postEphemeral({
      channel,
      user: payload.user.id,
      thread_ts: postTs,
      text: 'This is already being recalled; the result is in the thread.',
    });
  });
}

/** `feed_recall`: the Recall button of one sent message on a feed post. */
export function feedRecallButton(deps: ListenerDeps) {
  return feedButton(deps, 'feed recall', feedValueSchema, (where, value, client) =>
    recallFromFeedPost(deps, client, where, {
      lock: feedKeyLock(value.account, value.msgKey),
      account: value.account,
      msgKeys: [value.msgKey],
    }),
  );
}

const groupValueSchema = z.object({ group: z.string().min(1).max(100) });

/** `feed_recall_all`: Recall all on a feed post of several sent messages of one account. */
export function feedRecallAllButton(deps: ListenerDeps) {
  return feedButton(deps, 'feed recall-all', groupValueSchema, async (where, value, client) => {
    const known = await answering(
      deps,
      threadReply(client, where.channel, where.postTs),
      'a feed Recall all button',
      async () => ({
        record: await deps.links.getPostLink(groupKey(value.group)),
        recalled: new Set(await deps.links.addRecalled(groupKey(value.group), [])),
      }),
    );
    if (!known) return;
    const { record, recalled } = known;
    // As the post's Recall all counts.
    const sends = recallableSends(record?.sends ?? [], recalled);
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
      lock: feedGroupLock(value.group),
      perKey: true,
      account: first.account,
      msgKeys: sends.map((s) => s.msgKey),
    });
  });
}
