import type { FeedEvent } from '../kinds/feed-event.js';
import { kindOf } from '../kinds/registry.js';
import type { LinkToSave, PostLink, PostLinks } from '../store/post-links.js';
import type { PostAttempt } from '../store/queue.js';
import { compactSend, sentMessage } from './sends.js';

/** The key under which the post of a sent Official Account message is remembered. */
export function officialPostKey(account: string, msgKey: string): string {
  return `oa:${account}:${msgKey}`;
}

/** The post key of a sent message (`undefined` for other events). */
export function sentPostKey(event: FeedEvent): string | undefined {
  const sent = sentMessage(event);
  return sent && officialPostKey(sent.account, sent.msgKey);
}

/** The post keys of the sent messages a recall withdraws (`undefined`: it withdraws no sends). */
export function withdrawnPostKeys(event: FeedEvent): string[] | undefined {
  const { body } = event;
  const withdrawn = kindOf(body).withdraws?.sentMessages(body);
  return withdrawn?.msgKeys.map((msgKey) => officialPostKey(withdrawn.account, msgKey));
}

/** The key of a group record: every send one post shows, and those recalled since. */
export function groupKey(postId: string): string {
  return `group:${postId}`;
}

/**
 * What to remember of a post of sent messages, so that their recalls update it: a link per
 * MsgKey (when the post's `ts` is known), and for several sends a group record, which Recall all
 * reads (kept even without the `ts`). Other posts: none.
 */
export function sendLinks(
  postId: string,
  events: readonly FeedEvent[],
  channel: string,
  ts: string | undefined,
): LinkToSave[] {
  const sends = events.flatMap((e) => {
    const sent = sentMessage(e);
    return sent ? [{ event: e, sent }] : [];
  });
  if (sends.length === 0 || sends.length !== events.length) return [];
  const [only] = sends;
  if (sends.length === 1 && only) {
    if (!ts) return [];
    const key = officialPostKey(only.sent.account, only.sent.msgKey);
    return [{ key, link: { channel, ts, event: compactSend(only.event) } }];
  }
  const group = groupKey(postId);
  const record: PostLink = {
    channel,
    ...(ts ? { ts } : {}),
    sends: sends.map((s) => compactSend(s.event)),
  };
  if (!ts) return [{ key: group, link: record }];
  return [
    { key: group, link: record },
    ...sends.map(({ sent }) => ({
      key: officialPostKey(sent.account, sent.msgKey),
      link: { channel, ts, group },
    })),
  ];
}

/** Links for a recorded write found in Slack after a restart: the same as when it was made. */
export function sendLinksOfAttempt(
  attempt: PostAttempt,
  eventsById: ReadonlyMap<string, FeedEvent>,
  ts: string,
): LinkToSave[] {
  if (!attempt.delivers) return [];
  const events = attempt.eventIds.flatMap((id) => eventsById.get(id) ?? []);
  return sendLinks(attempt.id, events, attempt.channel, ts);
}

/** One post that a recall's MsgKeys were shown in, and which of the keys it showed. */
export interface LinkedPost {
  link: PostLink;
  keys: string[];
}

/** Where each MsgKey of an Official Channel recall was posted, grouped by post; and the rest. */
export async function findLinkedPosts(
  links: PostLinks,
  account: string,
  msgKeys: readonly string[],
): Promise<{ posts: LinkedPost[]; unlinked: string[] }> {
  const keys = [...new Set(msgKeys)];
  const found = await Promise.all(keys.map((k) => links.getPostLink(officialPostKey(account, k))));
  const posts = new Map<string, LinkedPost>();
  const unlinked: string[] = [];
  keys.forEach((key, i) => {
    const link = found[i];
    // A post whose place is unknown cannot be updated: the recall gets a post of its own.
    if (!link?.ts) {
      unlinked.push(key);
      return;
    }
    const where = `${link.channel} ${link.ts}`;
    const post = posts.get(where) ?? { link, keys: [] };
    post.keys.push(key);
    posts.set(where, post);
  });
  return { posts: [...posts.values()], unlinked };
}
