import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import type { FeedEvent } from '../kinds/feed-event.js';
import type { SentMessage } from '../kinds/kind.js';
import { isMsgKey } from '../kinds/msgkey.js';
import { kindOf } from '../kinds/registry.js';
import { dateToken, eventTimeMs } from '../kinds/time.js';
import { chunk } from '../lib/lists.js';
import { countOf } from '../slack/counts.js';
import { FEED_RECALL_ALL_ACTION_ID } from '../slack/ids.js';
import { escapeLine, inlineCode, mrkdwn, truncate } from '../slack/text.js';
import type { QueuedEvent } from '../store/queue.js';
import { type PlannedPost, singleEventPost } from './post.js';
import { context, FALLBACK_MAX, timeRange } from './render/blocks.js';
import { eventsDetails } from './render/details.js';
import { recallButtonElement } from './render/recall-button.js';

/** Sent messages one group post shows at most: what one recall may take (Recall all). */
export const MAX_SENDS_PER_POST = 1000;
/** Sends shown with their own section and Recall button; the rest are in the attached file. */
const MAX_SECTIONS = 20;
/** Characters of a send's preview in its section. */
const PREVIEW_MAX = 150;
/** Characters of text the sections may hold together (Slack refuses long messages). */
const SECTIONS_BUDGET = 9_000;

/** Several sent messages of one Official Account, shown in one post. */
export interface SendGroup {
  /** The key of its stored record (the Recall all button carries it). */
  id: string;
  account: string;
  sends: readonly FeedEvent[];
  /** MsgKeys recalled since the post was made. */
  recalled: ReadonlySet<string>;
}

/** The sent message an event reports, if its kind is one the feed posts with a Recall button. */
export function sentMessage(event: FeedEvent): SentMessage | undefined {
  return kindOf(event.body).sends?.message(event.body);
}

/** The text of a sent message, for a post that shows it (`''` for other events). */
export function sentText(event: FeedEvent): string {
  return kindOf(event.body).sends?.text(event.body) ?? '';
}

/**
 * The sent messages Recall all takes: not recalled yet, and with a MsgKey a recall can take.
 * The post counts them on its button; the button's click recalls them.
 */
export function recallableSends(
  events: readonly FeedEvent[],
  recalled: ReadonlySet<string>,
): SentMessage[] {
  return events.flatMap((event) => {
    const sent = sentMessage(event);
    return sent && !recalled.has(sent.msgKey) && isMsgKey(sent.msgKey) ? [sent] : [];
  });
}

/** Whether the event is a sent message (posted per account, with Recall buttons). */
export function isSend(event: FeedEvent): boolean {
  return kindOf(event.body).sends !== undefined;
}

/** A send as kept in a group record: the preview instead of the whole body (bounded size). */
export function compactSend(event: FeedEvent): FeedEvent {
  const sends = kindOf(event.body).sends;
  return sends ? { ...event, body: sends.compact(event.body) } : event;
}

function sendSection(send: SentMessage, event: FeedEvent, recalled: boolean): SectionBlock {
  const from = send.from ? ` · from ${inlineCode(send.from, 80)}` : '';
  const preview = truncate(escapeLine(sentText(event)).replace(/\s+/g, ' '), PREVIEW_MAX);
  const head = `${recalled ? ':no_entry: *Recalled* · ' : ''}${dateToken(eventTimeMs(event))} · *MsgKey* ${inlineCode(send.msgKey, 80)}${from}`;
  const button = recalled ? undefined : recallButtonElement(send);
  return {
    type: 'section',
    text: mrkdwn(`${head}\n>${preview === '' ? '_(no text)_' : preview}`),
    ...(button ? { accessory: button } : {}),
  };
}

function recallAllButton(group: SendGroup, count: number): Button {
  const account = truncate(escapeLine(group.account), 60);
  return {
    type: 'button',
    action_id: FEED_RECALL_ALL_ACTION_ID,
    style: 'danger',
    text: { type: 'plain_text', text: `Recall all ${count}` },
    value: JSON.stringify({ group: group.id }),
    confirm: {
      title: { type: 'plain_text', text: `Recall all ${count} messages?` },
      text: {
        type: 'plain_text',
        text: truncate(
          `All ${count} messages of Official Channel ${account} in this post will be removed for every follower who received them. A recall cannot be undone.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Recall all' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  };
}

/**
 * Several sent messages of one account as one post: a section each (with its own Recall
 * button) as far as Slack's limits allow, the rest counted and in the attached file, and a
 * danger-styled Recall all button whose confirm dialog states the count. Recalled sends are
 * marked and lose their buttons. `overflow`: some sends are only in the file.
 */
export function renderSendGroup(group: SendGroup): {
  text: string;
  blocks: KnownBlock[];
  overflow: boolean;
} {
  const sends = group.sends.flatMap((event) => {
    const sent = sentMessage(event);
    return sent ? [{ event, sent }] : [];
  });
  const range = timeRange(sends.map((s) => eventTimeMs(s.event)));
  const recalledCount = sends.filter((s) => group.recalled.has(s.sent.msgKey)).length;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${sends.length} Official Channel messages sent` },
    },
    context(
      [
        `*Account* ${inlineCode(group.account, 200)}`,
        `:clock3: ${range}`,
        ...(recalledCount > 0 ? [`:no_entry: ${recalledCount} recalled`] : []),
      ].join(' · '),
    ),
  ];
  let used = 0;
  let shown = 0;
  for (const { event, sent } of sends.slice(0, MAX_SECTIONS)) {
    const block = sendSection(sent, event, group.recalled.has(sent.msgKey));
    const length = block.text?.text.length ?? 0;
    if (used + length > SECTIONS_BUDGET) break;
    blocks.push(block);
    used += length;
    shown++;
  }
  const hidden = sends.length - shown;
  if (hidden > 0) {
    blocks.push(
      context(`:page_facing_up: … and ${hidden} more — every message in the attached file`),
    );
  }
  const open = recallableSends(group.sends, group.recalled).length;
  if (open > 0) blocks.push({ type: 'actions', elements: [recallAllButton(group, open)] });
  const text = truncate(
    `${sends.length} Official Channel messages sent by ${escapeLine(group.account)}`,
    FALLBACK_MAX,
  );
  return { text, blocks, overflow: hidden > 0 };
}

// ---------------------------------------------------------------------------------------------
// Planning (see batch.ts)

/**
 * The posts of sent messages: per account, one send is a post of its own (with its Recall
 * button); several are one group post, at most {@link MAX_SENDS_PER_POST} each.
 */
export function planSendPosts(sends: readonly QueuedEvent[], newId: () => string): PlannedPost[] {
  return sendsByAccount(sends).flatMap((group): PlannedPost[] => {
    const [only] = group;
    if (group.length === 1 && only) return [{ ...singleEventPost(only, newId()), sends: true }];
    return group.length > 1 ? [sendGroupPost(group, newId())] : [];
  });
}

/** Sends grouped per account, in arrival order, at most a post's worth in each. */
function sendsByAccount(sends: readonly QueuedEvent[]): QueuedEvent[][] {
  const byAccount = new Map<string, QueuedEvent[]>();
  for (const queued of sends) {
    const account = sentMessage(queued.event)?.account ?? '';
    byAccount.set(account, [...(byAccount.get(account) ?? []), queued]);
  }
  return [...byAccount.values()].flatMap((group) => chunk(group, MAX_SENDS_PER_POST));
}

function sendGroupPost(group: readonly QueuedEvent[], id: string): PlannedPost {
  const first = group[0];
  const account = (first && sentMessage(first.event)?.account) ?? '';
  const { text, blocks, overflow } = renderSendGroup({
    id,
    account,
    sends: group.map((q) => q.event),
    recalled: new Set(),
  });
  return {
    id,
    eventIds: group.map((q) => q.id),
    text,
    blocks,
    sends: true,
    ...(overflow
      ? {
          file: {
            title: `${countOf(group.length, 'message')} sent — full details`,
            content: `${eventsDetails(group.map(({ event }) => ({ event })))}\n`,
          },
        }
      : {}),
  };
}
