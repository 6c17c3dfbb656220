import { randomUUID } from 'node:crypto';
import type { ContextBlock } from '@slack/types';
import type { FeedEvent } from '../kinds/feed-event.js';
import { kindOf } from '../kinds/registry.js';
import { dateToken, eventTimeMs } from '../kinds/time.js';
import { inlineCode } from '../slack/text.js';
import type { PostLinks } from '../store/post-links.js';
import type { QueuedEvent } from '../store/queue.js';
import { findLinkedPosts, groupKey, type LinkedPost, sendLinks } from './links.js';
import { type PlannedPost, singleEventPost } from './post.js';
import { context, section } from './render/blocks.js';
import { eventsDetails } from './render/details.js';
import { narrowedToKeys, renderRecalledNotice, renderThreadReply } from './render/recalled.js';
import type { JobState, WriteRunner } from './runner.js';
import { renderSendGroup } from './sends.js';
import type { FeedWrite, SlackText } from './writes.js';

/** A set of events and the writes that deliver them. */
export interface FeedJob {
  eventIds: string[];
  /** Its writes ack the events themselves (else `JobDelivery.run` acks them once `run` resolves). */
  acksItself: boolean;
  run(runner: WriteRunnerLike, state: JobState): Promise<void>;
}

/** What a job needs of the `WriteRunner`: making one write. */
export type WriteRunnerLike = Pick<WriteRunner, 'run'>;

type EventsById = ReadonlyMap<string, FeedEvent>;

/** What a planned post writes: a message, or a message with its file. */
function postContent(
  post: PlannedPost,
  channel: string,
): Pick<FeedWrite, 'kind' | 'channel' | 'content' | 'file'> {
  return {
    kind: post.file ? 'file' : 'message',
    channel,
    content: { text: post.text, blocks: post.blocks },
    ...(post.file ? { file: { title: post.file.title, content: post.file.content } } : {}),
  };
}

/** The write of a planned post; Slack refusing its blocks makes it plain text and a file. */
export function postWrite(post: PlannedPost, events: EventsById, channel: string): FeedWrite {
  return {
    id: post.id,
    ...postContent(post, channel),
    eventIds: post.eventIds,
    delivers: true,
    ...(post.sends
      ? {
          links: (ts: string | undefined) =>
            sendLinks(
              post.id,
              post.eventIds.flatMap((id) => events.get(id) ?? []),
              channel,
              ts,
            ),
        }
      : {}),
    fallback: (reason) => ({
      ...postWrite(plainFallback(post, events, reason), events, channel),
      fallback: undefined,
    }),
  };
}

export function postJob(post: PlannedPost, events: EventsById, channel: string): FeedJob {
  return {
    eventIds: post.eventIds,
    acksItself: true,
    run: async (runner, state) => {
      await runner.run(postWrite(post, events, channel), state);
    },
  };
}

/** The last resort when Slack refuses our blocks: plain text, every event in the file. */
function plainFallback(planned: PlannedPost, events: EventsById, reason: string): PlannedPost {
  const included = planned.eventIds.flatMap((id) => events.get(id) ?? []);
  const summary = `${included.length} recall event(s). Slack refused the formatted post (${inlineCode(reason, 100)}), so every detail is in the attached file.`;
  return {
    id: randomUUID(),
    eventIds: planned.eventIds,
    text: summary,
    blocks: [section(summary)],
    ...(planned.sends ? { sends: true } : {}),
    file: {
      title: `${included.length} recall events`,
      content: eventsDetails(included.map((event) => ({ event }))),
    },
  };
}

/**
 * The post's content once `keys` of it are recalled by `withdrawal` (of sends of `account`);
 * `undefined`: unknown post.
 */
async function recalledContent(
  links: PostLinks,
  post: LinkedPost,
  withdrawal: FeedEvent,
  account: string,
): Promise<SlackText | undefined> {
  const { link, keys } = post;
  if (!link.group) return renderRecalledNotice(link.event ?? withdrawal, withdrawal, keys[0]);
  const record = await links.getPostLink(link.group);
  if (!record?.sends) return undefined;
  // Kept first (atomically, whichever replica handles another recall of the same post), so
  // that every later update of the post keeps this one's mark.
  const recalled = await links.addRecalled(link.group, keys);
  const id = link.group.slice(groupKey('').length);
  const { text, blocks } = renderSendGroup({
    id,
    account,
    sends: record.sends,
    recalled: new Set(recalled),
  });
  return { text: `Recalled — ${text}`, blocks };
}

function insteadNote(post: LinkedPost, reason: string): ContextBlock {
  const sent = post.link.event ? ` (sent ${dateToken(eventTimeMs(post.link.event))})` : '';
  return context(
    `:warning: The feed post of ${post.keys.map((k) => inlineCode(k, 80)).join(', ')}${sent} is gone or can no longer be changed (${inlineCode(reason, 60)}), so the recall is shown here.`,
  );
}

/**
 * A recall of Official Channel messages that the feed posted: each post is updated in place
 * and the recall told in its thread, one reply per post naming its own keys; a post that is gone
 * gets a new post instead; keys never posted get a post of their own. Each write has a step name,
 * so after a restart the writes already made are not made again.
 */
export function linkedWithdrawalJob(
  queued: QueuedEvent,
  links: PostLinks,
  channel: string,
): FeedJob {
  const withdrawal = queued.event;
  const write = (step: string, rest: Omit<FeedWrite, 'id' | 'step' | 'eventIds' | 'delivers'>) => ({
    id: `${queued.id}:${step}`,
    step,
    eventIds: [queued.id],
    delivers: false,
    ...rest,
  });
  /** A post of this recall narrowed to `keys`, with the plain fallback of every post. */
  const postOf = (step: string, keys: string[], note?: ContextBlock): FeedWrite => {
    const narrowed = { ...queued, event: narrowedToKeys(withdrawal, keys) };
    const post = singleEventPost(narrowed, '');
    const full = { ...post, blocks: note ? [...post.blocks, note] : post.blocks };
    return {
      ...write(step, postContent(full, channel)),
      fallback: (reason) =>
        write(
          `${step}:plain`,
          postContent(plainFallback(post, new Map([[queued.id, narrowed.event]]), reason), channel),
        ),
    };
  };
  return {
    eventIds: [queued.id],
    acksItself: false,
    run: async (runner, state) => {
      const { body } = withdrawal;
      const sent = kindOf(body).withdraws?.sentMessages(body);
      if (!sent) return;
      const { posts, unlinked } = await findLinkedPosts(links, sent.account, sent.msgKeys);
      for (const post of posts) {
        const { ts } = post.link;
        const instead = (reason: string) =>
          runner.run(postOf(`instead:${ts}`, post.keys, insteadNote(post, reason)), state);
        const content = await recalledContent(links, post, withdrawal, sent.account);
        if (!content) {
          unlinked.push(...post.keys);
          continue;
        }
        const updated = await runner.run(
          write(`update:${ts}`, { kind: 'update', channel: post.link.channel, ts, content }),
          state,
        );
        if (updated.outcome === 'gone') {
          await instead(updated.reason);
          continue;
        }
        const replied = await runner.run(
          write(`reply:${ts}`, {
            kind: 'reply',
            channel: post.link.channel,
            ts,
            content: renderThreadReply(withdrawal, post.keys),
          }),
          state,
        );
        if (replied.outcome === 'gone') await instead(replied.reason);
      }
      if (unlinked.length > 0) await runner.run(postOf('post', unlinked), state);
    },
  };
}
