/** `Group.CallbackAfterRecallMsg`: messages of a group (or of a Community topic) were recalled. */
import { z } from 'zod';
import { countOf } from '../slack/counts.js';
import { fileValue } from '../slack/text.js';
import { count, eventTime, id, list } from './fields.js';
import type { Kind } from './kind.js';
import { fallbackValue, inlineList, oneOrList, type Values } from './values.js';

const schema = z.object({
  CallbackCommand: z.literal('Group.CallbackAfterRecallMsg'),
  Operator_Account: id,
  Type: id,
  GroupId: id,
  /** `MsgSeq` a number or a numeric string; `MsgId` only in newer callbacks. */
  MsgSeqList: list(
    z.object({
      MsgSeq: count,
      MsgId: id.optional(),
    }),
  ),
  /** Community groups only: the topic the messages were in. */
  TopicId: id.optional(),
  /** A number or a numeric string; older callbacks have none. */
  EventTime: eventTime.optional(),
});

export type GroupRecall = z.infer<typeof schema>;
type RecalledMessage = GroupRecall['MsgSeqList'][number];

function messageId(item: RecalledMessage, values: Values): string {
  return `MsgSeq ${values.code(String(item.MsgSeq))}${item.MsgId ? ` · MsgId ${values.code(item.MsgId)}` : ''}`;
}

function compactMessageId(item: RecalledMessage, values: Values): string {
  return `MsgSeq ${values.code(String(item.MsgSeq))}${item.MsgId ? ` (${values.code(item.MsgId)})` : ''}`;
}

/** `*Group* id (type) · *Topic* id`: where the messages were. */
function place(body: GroupRecall, values: Values): string {
  const topic = body.TopicId ? ` · *Topic* ${values.code(body.TopicId)}` : '';
  return `*Group* ${values.code(body.GroupId)} (${values.code(body.Type)})${topic}`;
}

export const groupRecall = {
  command: schema.shape.CallbackCommand.value,
  schema,
  names: {
    one: 'Group message recalled',
    many: 'group messages recalled',
    short: 'group',
    emoji: ':leftwards_arrow_with_hook:',
  },
  // The same messages in any order are the same recall.
  dedupeParts: (body) => [
    body.GroupId,
    body.TopicId ?? '',
    ...body.MsgSeqList.map((m) => String(m.MsgSeq)).sort(),
  ],
  conversationKey: (body) => [body.GroupId, body.TopicId ?? ''],
  conversationTitle: place,
  messageCount: (body) => body.MsgSeqList.length,
  view(body, values) {
    const messages = oneOrList(body.MsgSeqList, (item) => messageId(item, values));
    return {
      facts: [
        `*Recalled by* ${values.code(body.Operator_Account)}`,
        place(body, values),
        ...messages.facts,
      ],
      list: messages.list,
      listLabel: `*Messages* (${body.MsgSeqList.length})`,
      fallback: `by ${fallbackValue(body.Operator_Account)} in group ${fallbackValue(body.GroupId)}${body.TopicId ? ` topic ${fallbackValue(body.TopicId)}` : ''}, ${countOf(body.MsgSeqList.length, 'message')}`,
    };
  },
  compactLine(body, values) {
    const items = inlineList(body.MsgSeqList, values, (item) => compactMessageId(item, values));
    return `by ${values.code(body.Operator_Account)} · ${items}`;
  },
  details: (body) => [
    `Recalled by: ${fileValue(body.Operator_Account)}`,
    `Group: ${fileValue(body.GroupId)} (${fileValue(body.Type)})`,
    ...(body.TopicId ? [`Topic: ${fileValue(body.TopicId)}`] : []),
    `Messages (${body.MsgSeqList.length}):`,
    ...body.MsgSeqList.map(
      (m) => `  MsgSeq ${m.MsgSeq}${m.MsgId ? `  MsgId ${fileValue(m.MsgId)}` : ''}`,
    ),
  ],
} satisfies Kind<GroupRecall>;
