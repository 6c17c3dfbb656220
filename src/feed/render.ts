import type { Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { isMsgKey } from '../kinds/msgkey.js';
import type {
  C2cRecall,
  FeedEvent,
  GroupRecall,
  OfficialRecall,
  OfficialSend,
  WebhookBody,
} from '../kinds/schemas.js';
import { countOf } from '../lib/lists.js';
import { escapeLine, escapeText, fileValue, inlineCode, mrkdwn, truncate } from '../slack/text.js';

/** Slack's limit on a section's text. */
const SECTION_MAX = 3000;
/** Identifiers a single event's message lists before pointing to the attached file. */
export const LIST_PREVIEW = 10;
/** Identifiers one compact digest line lists. */
const COMPACT_ITEMS = 3;
/**
 * Longest untrusted value shown (in escaped characters). Real identifiers are far shorter;
 * the cap keeps a hostile one from pushing a block over Slack's limits. Whole values are in
 * the attached file.
 */
const VALUE_MAX = 200;
/** Longest preview of a sent message's text. */
const PREVIEW_MAX = 300;
/** Longest notification text (Slack advises at most 4,000). */
const FALLBACK_MAX = 3000;
/** Room kept for a "… and N more" line. */
const MORE_LINE_RESERVE = 80;

export const FEED_RECALL_ACTION_ID = 'feed_recall';

/** One event as a Slack message. `overflow`: something was shortened; attach the details. */
export interface RenderedEvent {
  text: string;
  blocks: KnownBlock[];
  overflow: boolean;
}

/** A piece of mrkdwn, and whether an untrusted value or a list in it had to be shortened. */
export interface RenderedLine {
  text: string;
  shortened: boolean;
}

type Command = WebhookBody['CallbackCommand'];

const KIND_NAMES: Record<Command, { one: string; many: string; emoji: string }> = {
  'C2C.CallbackAfterMsgWithDraw': {
    one: 'One-to-one message recalled',
    many: 'one-to-one messages recalled',
    emoji: ':leftwards_arrow_with_hook:',
  },
  'Group.CallbackAfterRecallMsg': {
    one: 'Group message recalled',
    many: 'group messages recalled',
    emoji: ':leftwards_arrow_with_hook:',
  },
  'OfficialAccount.CallbackAfterMsgWithDraw': {
    one: 'Official Channel message recalled',
    many: 'Official Channel messages recalled',
    emoji: ':leftwards_arrow_with_hook:',
  },
  'OfficialAccount.CallbackAfterSendMsg': {
    one: 'Official Channel message sent',
    many: 'Official Channel messages sent',
    emoji: ':incoming_envelope:',
  },
};

/** Names for the kinds of element a sent message's body can hold (Tencent's `MsgType`). */
const ELEMENT_NAMES: Readonly<Record<string, string>> = {
  TIMImageElem: 'image',
  TIMFileElem: 'file',
  TIMCustomElem: 'custom',
  TIMSoundElem: 'voice',
  TIMVideoFileElem: 'video',
  TIMLocationElem: 'location',
  TIMFaceElem: 'sticker',
  TIMRelayElem: 'forwarded messages',
};

/** Formats untrusted values for one message, remembering whether any had to be shortened. */
class Values {
  shortened = false;

  code(value: string): string {
    if (escapeLine(value).length > VALUE_MAX) this.shortened = true;
    return inlineCode(value, VALUE_MAX);
  }

  /** Takes up to `max` items; the rest are counted, and the list marked shortened. */
  take<T>(items: readonly T[], max: number): { shown: readonly T[]; hidden: number } {
    if (items.length > max) this.shortened = true;
    return { shown: items.slice(0, max), hidden: Math.max(0, items.length - max) };
  }
}

// ---------------------------------------------------------------------------------------------
// Time

/** When the event happened: Tencent's `EventTime`, or when we received it if Tencent omits it. */
export function eventTimeMs(event: FeedEvent): number {
  return event.body.EventTime ?? event.receivedAt;
}

/** `2022-12-09T08:26:54Z`: the fallback of a date token, and the time in files. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Slack's date token: each reader sees the time in their own time zone. */
export function dateToken(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${isoUtc(ms)}>`;
}

// ---------------------------------------------------------------------------------------------
// The parts of a message shared by every kind

function kindTitle(command: Command, count = 1): string {
  const kind = KIND_NAMES[command];
  return count === 1 ? `${kind.emoji} *${kind.one}*` : `${kind.emoji} *${count} ${kind.many}*`;
}

/** Where the event came from, as Tencent reports it (its `OptPlatform` and `ClientIP`). */
function originParts(event: FeedEvent, values: Values): string[] {
  return [
    ...(event.platform ? [`Platform ${values.code(event.platform)}`] : []),
    ...(event.clientIp ? [`IP ${values.code(event.clientIp)}`] : []),
  ];
}

function timeAndOrigin(event: FeedEvent, values: Values): ContextBlock {
  const received = event.body.EventTime === undefined ? ' _(received; no event time given)_' : '';
  const parts = [
    `:clock3: ${dateToken(eventTimeMs(event))}${received}`,
    ...originParts(event, values),
  ];
  return { type: 'context', elements: [mrkdwn(parts.join(' · '))] };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function moreLine(hidden: number): string {
  return `_… and ${hidden} more — full list in the attached file_`;
}

/**
 * Lists lines under a heading: at most `LIST_PREVIEW`, and only as many as fit `budget`
 * characters, then a "… and N more" line.
 */
function listWithin(lines: readonly string[], budget: number, values: Values): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const line of lines.slice(0, LIST_PREVIEW)) {
    if (used + line.length + 1 > budget - MORE_LINE_RESERVE) break;
    shown.push(line);
    used += line.length + 1;
  }
  const hidden = lines.length - shown.length;
  if (hidden === 0) return shown;
  values.shortened = true;
  return [...shown, moreLine(hidden)];
}

// ---------------------------------------------------------------------------------------------
// One event, one message

/** What a kind of event shows: its headline facts, and the identifiers it lists. */
interface EventView {
  facts: string[];
  /** One identifier per line, listed under `listLabel` when there are several. */
  list: string[];
  listLabel: string;
  /** Extra mrkdwn after the facts (a sent message's preview). */
  extra?: string;
  fallback: string;
}

function c2cView(body: C2cRecall, values: Values): EventView {
  const to = values.code(body.To_Account);
  return {
    facts: [
      `*Sender → recipient* ${values.code(body.From_Account)} → ${to}`,
      `*MsgKey* ${values.code(body.MsgKey)}`,
      ...(body.UnreadMsgNum === undefined ? [] : [`*Unread* ${body.UnreadMsgNum} for ${to}`]),
    ],
    list: [],
    listLabel: '',
    fallback: `${fallbackValue(body.From_Account)} → ${fallbackValue(body.To_Account)}, MsgKey ${fallbackValue(body.MsgKey)}`,
  };
}

function groupMessageId(item: GroupRecall['MsgSeqList'][number], values: Values): string {
  return `MsgSeq ${values.code(String(item.MsgSeq))}${item.MsgId ? ` · MsgId ${values.code(item.MsgId)}` : ''}`;
}

function groupPlace(body: GroupRecall, values: Values): string {
  const topic = body.TopicId ? ` · *Topic* ${values.code(body.TopicId)}` : '';
  return `*Group* ${values.code(body.GroupId)} (${values.code(body.Type)})${topic}`;
}

function groupView(body: GroupRecall, values: Values): EventView {
  const [only] = body.MsgSeqList;
  const single = body.MsgSeqList.length === 1 && only;
  return {
    facts: [
      `*Recalled by* ${values.code(body.Operator_Account)}`,
      groupPlace(body, values),
      ...(single ? [groupMessageId(only, values)] : []),
    ],
    list: single ? [] : body.MsgSeqList.map((item) => `• ${groupMessageId(item, values)}`),
    listLabel: `*Messages* (${body.MsgSeqList.length})`,
    fallback: `by ${fallbackValue(body.Operator_Account)} in group ${fallbackValue(body.GroupId)}${body.TopicId ? ` topic ${fallbackValue(body.TopicId)}` : ''}, ${countOf(body.MsgSeqList.length, 'message')}`,
  };
}

function officialRecallView(body: OfficialRecall, values: Values): EventView {
  const [only] = body.WithdrawMsgList;
  const single = body.WithdrawMsgList.length === 1 && only;
  return {
    facts: [
      `*Account* ${values.code(body.Official_Account)}`,
      ...(single ? [`*MsgKey* ${values.code(only.MsgKey)}`] : []),
    ],
    list: single ? [] : body.WithdrawMsgList.map((item) => `• ${values.code(item.MsgKey)}`),
    listLabel: `*MsgKeys* (${body.WithdrawMsgList.length})`,
    fallback: `${fallbackValue(body.Official_Account)}, ${countOf(body.WithdrawMsgList.length, 'message')}`,
  };
}

function officialSendView(body: OfficialSend, values: Values): EventView {
  const from = body.From_Account ? ` · *From* ${values.code(body.From_Account)}` : '';
  const text = escapeText(messagePreview(body));
  const preview = truncate(text, PREVIEW_MAX);
  return {
    facts: [
      `*Account* ${values.code(body.Official_Account)}${from}`,
      `*MsgKey* ${values.code(body.MsgKey)}`,
    ],
    list: [],
    listLabel: '',
    extra: preview === '' ? '_(no text)_' : quote(preview),
    fallback: `${fallbackValue(body.Official_Account)}: ${fallbackValue(messagePreview(body))}`,
  };
}

function viewOf(body: WebhookBody, values: Values): EventView {
  switch (body.CallbackCommand) {
    case 'C2C.CallbackAfterMsgWithDraw':
      return c2cView(body, values);
    case 'Group.CallbackAfterRecallMsg':
      return groupView(body, values);
    case 'OfficialAccount.CallbackAfterMsgWithDraw':
      return officialRecallView(body, values);
    case 'OfficialAccount.CallbackAfterSendMsg':
      return officialSendView(body, values);
  }
}

/** How many messages one event is about (a group or Official Channel recall can list many). */
function messageCount(body: WebhookBody): number {
  switch (body.CallbackCommand) {
    case 'Group.CallbackAfterRecallMsg':
      return body.MsgSeqList.length;
    case 'OfficialAccount.CallbackAfterMsgWithDraw':
      return body.WithdrawMsgList.length;
    default:
      return 1;
  }
}

function mainText(body: WebhookBody, view: EventView, values: Values): string {
  const head = [kindTitle(body.CallbackCommand, messageCount(body)), ...view.facts];
  if (view.extra) head.push(view.extra);
  if (view.list.length === 0) return head.join('\n');
  const used = head.join('\n').length + view.listLabel.length + 2;
  return [...head, view.listLabel, ...listWithin(view.list, SECTION_MAX - used, values)].join('\n');
}

/**
 * One event as one message, readable at a glance: what happened, who, where, which messages,
 * when (in each reader's time zone) and from where. Long lists show their first
 * {@link LIST_PREVIEW} identifiers; `overflow` then says the caller must attach
 * {@link renderEventDetails}.
 */
export function renderEvent(event: FeedEvent): RenderedEvent {
  const values = new Values();
  const { body } = event;
  const view = viewOf(body, values);
  const blocks: KnownBlock[] = [
    section(mainText(body, view, values)),
    timeAndOrigin(event, values),
  ];
  if (body.CallbackCommand === 'OfficialAccount.CallbackAfterSendMsg') {
    const button = recallButtonElement(body);
    if (button) {
      blocks.push({ type: 'actions', elements: [button] });
    } else if (!isMsgKey(body.MsgKey)) {
      blocks.push({ type: 'context', elements: [mrkdwn(NOT_A_MSGKEY)] });
    } else {
      blocks.push({ type: 'context', elements: [mrkdwn(NO_RECALL_BUTTON)] });
      values.shortened = true;
    }
  }
  const kind = KIND_NAMES[body.CallbackCommand].one;
  return {
    text: truncate(`${kind}: ${view.fallback}`, FALLBACK_MAX),
    blocks,
    overflow: values.shortened,
  };
}

/** An untrusted value in the notification text: escaped, on one line and kept short. */
function fallbackValue(value: string): string {
  return truncate(escapeLine(value), 100);
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Sent Official Channel messages

function elementText(element: NonNullable<OfficialSend['MsgBody']>[number]): string {
  const text = element.MsgContent?.Text;
  if (element.MsgType === 'TIMTextElem' && typeof text === 'string') return text;
  // MsgType is anybody's string: `constructor` must not find Object's.
  const name = Object.hasOwn(ELEMENT_NAMES, element.MsgType)
    ? ELEMENT_NAMES[element.MsgType]
    : element.MsgType;
  return `[${name}]`;
}

/** The sent message as text: text elements as they are, other elements as `[image]` etc. */
export function messagePreview(body: OfficialSend): string {
  return (body.MsgBody ?? []).map(elementText).join(' ');
}

/** Slack's limit on a button's `value`. */
const BUTTON_VALUE_MAX = 2000;

/**
 * What the Recall button of a sent message carries: its account and MsgKey exactly, as the
 * recall needs them. `undefined` when no recall could take it: a MsgKey that is not one, or
 * identifiers that do not fit Slack's limit on a button's value.
 */
function recallButtonValue(body: OfficialSend): string | undefined {
  if (!isMsgKey(body.MsgKey)) return undefined;
  const value = JSON.stringify({ account: body.Official_Account, msgKey: body.MsgKey });
  return value.length <= BUTTON_VALUE_MAX ? value : undefined;
}

/**
 * The Recall button of one sent message: danger-styled, with Slack's own confirm dialog.
 * `undefined` when the message cannot be recalled from a button (see {@link recallButtonValue}).
 */
export function recallButtonElement(body: OfficialSend): Button | undefined {
  const value = recallButtonValue(body);
  if (value === undefined) return undefined;
  const key = truncate(escapeLine(body.MsgKey), 60);
  const account = truncate(escapeLine(body.Official_Account), 60);
  return {
    type: 'button',
    action_id: FEED_RECALL_ACTION_ID,
    style: 'danger',
    text: { type: 'plain_text', text: 'Recall' },
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Recall this message?' },
      text: {
        type: 'plain_text',
        text: truncate(
          `Message ${key} of Official Channel ${account} will be removed for every follower who received it. A recall cannot be undone.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Recall' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  };
}

/** Said where a sent message has no Recall button; the details file then has it whole. */
const NOT_A_MSGKEY =
  ':information_source: No Recall button: this MsgKey is not one Tencent can recall (like `71_1_1698741698`).';
const NO_RECALL_BUTTON =
  ':information_source: No Recall button: this MsgKey and account are too long for one (every detail is in the attached file).';

/** True for the recall button of a feed post (or the note in its place), in whichever block. */
function isRecallActions(block: KnownBlock): boolean {
  return (
    (block.type === 'actions' &&
      block.elements.some((e) => 'action_id' in e && e.action_id === FEED_RECALL_ACTION_ID)) ||
    (block.type === 'context' &&
      block.elements.some(
        (e) => 'text' in e && (e.text === NO_RECALL_BUTTON || e.text === NOT_A_MSGKEY),
      ))
  );
}

function recalledContext(withdrawal: FeedEvent): ContextBlock {
  return {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `:no_entry: *Recalled* ${dateToken(eventTimeMs(withdrawal))}` },
    ],
  };
}

/**
 * The blocks of a feed post once its message was recalled: a ":no_entry: Recalled <time>" line
 * first, the Recall button gone. Works on the blocks of the post as Slack returns them too.
 */
export function markRecalled(blocks: readonly KnownBlock[], withdrawal: FeedEvent): KnownBlock[] {
  return [recalledContext(withdrawal), ...blocks.filter((block) => !isRecallActions(block))];
}

/**
 * The `chat.update` of a sent message's post when Tencent reports its recall: the post as it
 * was, minus the Recall button, plus a ":no_entry: Recalled <time>" line. When the sent event
 * is not at hand (pass the withdrawal as `sent`), the post shows the recall of `msgKey` alone.
 */
export function renderRecalledNotice(
  sent: FeedEvent,
  withdrawal: FeedEvent,
  msgKey?: string,
): { text: string; blocks: KnownBlock[] } {
  const original = renderEvent(
    sent.body.CallbackCommand === 'OfficialAccount.CallbackAfterSendMsg'
      ? sent
      : narrowedToKey(withdrawal, msgKey),
  );
  return {
    text: truncate(`Recalled — ${original.text}`, FALLBACK_MAX),
    blocks: markRecalled(original.blocks, withdrawal),
  };
}

/** A withdrawal as if it listed only `msgKey` (the one message a post is about). */
function narrowedToKey(withdrawal: FeedEvent, msgKey: string | undefined): FeedEvent {
  return msgKey ? narrowedToKeys(withdrawal, [msgKey]) : withdrawal;
}

/** An Official Channel withdrawal as if it listed only `msgKeys` (other events as they are). */
export function narrowedToKeys(withdrawal: FeedEvent, msgKeys: readonly string[]): FeedEvent {
  const { body } = withdrawal;
  if (body.CallbackCommand !== 'OfficialAccount.CallbackAfterMsgWithDraw' || msgKeys.length === 0) {
    return withdrawal;
  }
  return {
    ...withdrawal,
    body: { ...body, WithdrawMsgList: msgKeys.map((MsgKey) => ({ MsgKey })) },
  };
}

/**
 * The short reply in the thread of a sent message's post when Tencent reports its recall.
 * `msgKeys` names the post's own messages (a recall can list messages of several posts).
 */
export function renderThreadReply(
  withdrawal: FeedEvent,
  msgKeys: readonly string[] = [],
): { text: string; blocks: KnownBlock[] } {
  const values = new Values();
  const { body } = narrowedToKeys(withdrawal, msgKeys);
  const what =
    body.CallbackCommand === 'OfficialAccount.CallbackAfterMsgWithDraw'
      ? `${keysInline(body.WithdrawMsgList, values)} of ${values.code(body.Official_Account)}`
      : KIND_NAMES[body.CallbackCommand].one;
  const origin = originParts(withdrawal, values);
  const text = [
    `:no_entry: Recalled ${dateToken(eventTimeMs(withdrawal))} — ${what}`,
    ...origin,
  ].join(' · ');
  return { text, blocks: [section(text)] };
}

function keysInline(list: OfficialRecall['WithdrawMsgList'], values: Values): string {
  const { shown, hidden } = values.take(list, COMPACT_ITEMS);
  const keys = shown.map((item) => values.code(item.MsgKey)).join(', ');
  return hidden > 0 ? `${keys} +${hidden} more` : keys;
}

// ---------------------------------------------------------------------------------------------
// Digest pieces (see batch.ts)

/** Who or what a conversation is, for a digest's section title. Bold kind, then the place. */
export function renderConversationTitle(body: WebhookBody, count: number): RenderedLine {
  const values = new Values();
  const events = countOf(count, 'event');
  let text: string;
  switch (body.CallbackCommand) {
    case 'C2C.CallbackAfterMsgWithDraw': {
      const [a, b] = [body.From_Account, body.To_Account].sort();
      text = `*One-to-one* · ${values.code(a ?? '')} ↔ ${values.code(b ?? '')} · ${events}`;
      break;
    }
    case 'Group.CallbackAfterRecallMsg':
      text = `${groupPlace(body, values)} · ${events}`;
      break;
    default:
      text = `*Official Channel* · ${values.code(body.Official_Account)} · ${events}`;
  }
  return { text, shortened: values.shortened };
}

function compactGroupItem(item: GroupRecall['MsgSeqList'][number], values: Values): string {
  return `MsgSeq ${values.code(String(item.MsgSeq))}${item.MsgId ? ` (${values.code(item.MsgId)})` : ''}`;
}

function compactWhat(body: WebhookBody, values: Values): string {
  switch (body.CallbackCommand) {
    case 'C2C.CallbackAfterMsgWithDraw':
      return `${values.code(body.From_Account)} → ${values.code(body.To_Account)} · ${values.code(body.MsgKey)}`;
    case 'Group.CallbackAfterRecallMsg': {
      const { shown, hidden } = values.take(body.MsgSeqList, COMPACT_ITEMS);
      const items = shown.map((item) => compactGroupItem(item, values)).join(', ');
      return `by ${values.code(body.Operator_Account)} · ${items}${hidden > 0 ? ` +${hidden} more` : ''}`;
    }
    case 'OfficialAccount.CallbackAfterMsgWithDraw':
      return keysInline(body.WithdrawMsgList, values);
    case 'OfficialAccount.CallbackAfterSendMsg':
      return `sent ${values.code(body.MsgKey)}`;
  }
}

/** One event as one line of a digest: time, who, identifiers (at most three), origin. */
export function renderCompactLine(event: FeedEvent): RenderedLine {
  const values = new Values();
  const parts = [
    `• ${dateToken(eventTimeMs(event))}`,
    compactWhat(event.body, values),
    ...originParts(event, values),
  ];
  return { text: parts.join(' · '), shortened: values.shortened };
}

// ---------------------------------------------------------------------------------------------
// Full details, for the attached file (plain text: nothing in a file is parsed by Slack)

function detailFields(body: WebhookBody): string[] {
  switch (body.CallbackCommand) {
    case 'C2C.CallbackAfterMsgWithDraw':
      return [
        `Sender: ${fileValue(body.From_Account)}`,
        `Recipient: ${fileValue(body.To_Account)}`,
        `MsgKey: ${fileValue(body.MsgKey)}`,
        ...(body.UnreadMsgNum === undefined ? [] : [`Unread for recipient: ${body.UnreadMsgNum}`]),
      ];
    case 'Group.CallbackAfterRecallMsg':
      return [
        `Recalled by: ${fileValue(body.Operator_Account)}`,
        `Group: ${fileValue(body.GroupId)} (${fileValue(body.Type)})`,
        ...(body.TopicId ? [`Topic: ${fileValue(body.TopicId)}`] : []),
        `Messages (${body.MsgSeqList.length}):`,
        ...body.MsgSeqList.map(
          (m) => `  MsgSeq ${m.MsgSeq}${m.MsgId ? `  MsgId ${fileValue(m.MsgId)}` : ''}`,
        ),
      ];
    case 'OfficialAccount.CallbackAfterMsgWithDraw':
      return [
        `Account: ${fileValue(body.Official_Account)}`,
        `MsgKeys (${body.WithdrawMsgList.length}):`,
        ...body.WithdrawMsgList.map((m) => `  ${fileValue(m.MsgKey)}`),
      ];
    case 'OfficialAccount.CallbackAfterSendMsg':
      return [
        `Account: ${fileValue(body.Official_Account)}`,
        ...(body.From_Account ? [`From: ${fileValue(body.From_Account)}`] : []),
        `MsgKey: ${fileValue(body.MsgKey)}`,
        ...(body.MsgSeq === undefined ? [] : [`MsgSeq: ${body.MsgSeq}`]),
        ...(body.MsgTime === undefined ? [] : [`MsgTime: ${isoUtc(body.MsgTime * 1000)}`]),
        ...(body.OnlineOnlyFlag ? ['Online only: yes'] : []),
        `Text: ${fileValue(messagePreview(body))}`,
        ...(body.CloudCustomData ? [`CloudCustomData: ${fileValue(body.CloudCustomData)}`] : []),
      ];
  }
}

/** The whole event as plain text, every identifier included: for the attached file. */
export function renderEventDetails(event: FeedEvent): string {
  const time =
    event.body.EventTime === undefined
      ? `Event time: not given (received ${isoUtc(event.receivedAt)})`
      : `Event time: ${isoUtc(event.body.EventTime)}`;
  return [
    KIND_NAMES[event.body.CallbackCommand].one,
    time,
    ...detailFields(event.body),
    ...(event.platform ? [`Platform: ${fileValue(event.platform)}`] : []),
    ...(event.clientIp ? [`Client IP: ${fileValue(event.clientIp)}`] : []),
  ].join('\n');
}
