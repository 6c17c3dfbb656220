/** The buttons of feed posts: Recall (one sent message) and Recall all (a post's sends). */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { groupKey } from '../../feed/links.js';
import { sentMessage } from '../../feed/sends.js';
import { isMsgKey, MSGKEY } from '../../kinds/msgkey.js';
import type { ReplyChannel } from '../../recall/answers.js';
import type { PendingRecall } from '../../recall/confirmations.js';
import { type ListenerDeps, SOMETHING_FAILED } from '../deps.js';
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
  request: FeedRequest,
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
  request: FeedRequest,
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
  const taken = await takeLocks(deps, request);
  if (!taken) {
    await client.chat.postEphemeral({
      channel,
      user: payload.user.id,
      thread_ts: postTs,
      text: 'This is already being recalled; the result is in the thread.',
    });
    return;
  }
  if (!(await deps.recall.run({ ...pending, msgKeys: taken.msgKeys }, payload.user.id, reply))) {
    // Nothing was started: the buttons are free for the next try.
    await Promise.all(taken.locks.map((lock) => deps.once.takeOnce(lock).catch(() => undefined)));
  }
}

/** What a feed button recalls, and the lock its click takes. */
interface FeedRequest {
  lock: string;
  account: string;
  msgKeys: string[];
  /** Recall all: each key also takes its own Recall button's lock, and skips a key it cannot. */
  perKey?: boolean;
}

/** The lock of one sent message's Recall button (a Recall all of its post takes it too). */
const keyLock = (account: string, msgKey: string) => `feed-recall:${account}:${msgKey}`;

/**
 * Takes a click's locks: its own, and with `perKey` each key's, so that a Recall and a Recall
 * all of the same message never both send it. Undefined when nothing is left to recall.
 */
async function takeLocks(
  deps: ListenerDeps,
  request: FeedRequest,
): Promise<{ locks: string[]; msgKeys: string[] } | undefined> {
  if (!(await deps.once.acquire(request.lock, FEED_CLICK_LOCK_MS))) return undefined;
  if (!request.perKey) return { locks: [request.lock], msgKeys: request.msgKeys };
  const locks = [request.lock];
  const msgKeys: string[] = [];
  for (const key of request.msgKeys) {
    const lock = keyLock(request.account, key);
    if (!(await deps.once.acquire(lock, FEED_CLICK_LOCK_MS))) continue;
    locks.push(lock);
    msgKeys.push(key);
  }
  if (msgKeys.length > 0) return { locks, msgKeys };
  await deps.once.takeOnce(request.lock).catch(() => undefined);
  return undefined;
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
      lock: keyLock(value.account, value.msgKey),
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
    let record: Awaited<ReturnType<ListenerDeps['links']['getPostLink']>>;
    let recalled: Set<string>;
    try {
      record = await deps.links.getPostLink(groupKey(value.group));
      recalled = new Set(await deps.links.addRecalled(groupKey(value.group), []));
    } catch (error) {
      deps.logger.error('a feed Recall all button failed', { error });
      await threadReply(client, where.channel, where.postTs)
        .final({ text: SOMETHING_FAILED })
        .catch(() => undefined);
      return;
    }
    const sends = (record?.sends ?? []).flatMap((event) => {
      const send = sentMessage(event);
      // As the post's Recall all counts: not recalled yet, and a MsgKey a recall can take.
      return send && !recalled.has(send.msgKey) && isMsgKey(send.msgKey) ? [send] : [];
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
      perKey: true,
      account: first.account,
      msgKeys: sends.map((s) => s.msgKey),
    });
  };
}
