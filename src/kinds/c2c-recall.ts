/** `C2C.CallbackAfterMsgWithDraw`: a one-to-one message was recalled. */
import { z } from 'zod';
import { fileValue } from '../slack/text.js';
import { count, eventTime, id } from './fields.js';
import type { Kind } from './kind.js';
import { fallbackValue } from './values.js';

const schema = z.object({
  CallbackCommand: z.literal('C2C.CallbackAfterMsgWithDraw'),
  From_Account: id,
  To_Account: id,
  MsgKey: id,
  /** Only in the English documentation's sample; a number or a numeric string. */
  UnreadMsgNum: count.optional(),
  /** Older callbacks have none. */
  EventTime: eventTime.optional(),
});

export type C2cRecall = z.infer<typeof schema>;

/** Both accounts of the conversation, in the same order whichever one sent. */
function pair(body: C2cRecall): [string, string] {
  const [a = '', b = ''] = [body.From_Account, body.To_Account].sort();
  return [a, b];
}

export const c2cRecall = {
  command: schema.shape.CallbackCommand.value,
  schema,
  names: {
    one: 'One-to-one message recalled',
    many: 'one-to-one messages recalled',
    short: 'one-to-one',
    emoji: ':leftwards_arrow_with_hook:',
  },
  dedupeParts: (body) => [body.From_Account, body.To_Account, body.MsgKey],
  // A pair in either direction is one conversation.
  conversationKey: pair,
  conversationTitle(body, values) {
    const [a, b] = pair(body);
    return `*One-to-one* · ${values.code(a)} ↔ ${values.code(b)}`;
  },
  messageCount: (_body) => 1,
  view(body, values) {
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
  },
  compactLine: (body, values) =>
    `${values.code(body.From_Account)} → ${values.code(body.To_Account)} · ${values.code(body.MsgKey)}`,
  details: (body) => [
    `Sender: ${fileValue(body.From_Account)}`,
    `Recipient: ${fileValue(body.To_Account)}`,
    `MsgKey: ${fileValue(body.MsgKey)}`,
    ...(body.UnreadMsgNum === undefined ? [] : [`Unread for recipient: ${body.UnreadMsgNum}`]),
  ],
} satisfies Kind<C2cRecall>;
