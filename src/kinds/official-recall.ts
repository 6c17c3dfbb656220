/**
 * `OfficialAccount.CallbackAfterMsgWithDraw`: messages of an Official Channel were recalled.
 * The feed may have posted them (see `official-send.ts`): their posts are then updated.
 */
import { z } from 'zod';
import { countOf } from '../slack/counts.js';
import { fileValue } from '../slack/text.js';
import { eventTime, id, list } from './fields.js';
import type { Kind } from './kind.js';
import { fallbackValue, keysInline, oneOrList } from './values.js';

const schema = z.object({
  CallbackCommand: z.literal('OfficialAccount.CallbackAfterMsgWithDraw'),
  Official_Account: id,
  WithdrawMsgList: list(z.object({ MsgKey: id })),
  EventTime: eventTime.optional(),
});

export type OfficialRecall = z.infer<typeof schema>;

const msgKeysOf = (body: OfficialRecall) => body.WithdrawMsgList.map((m) => m.MsgKey);

export const officialRecall = {
  command: schema.shape.CallbackCommand.value,
  schema,
  names: {
    one: 'Official Channel message recalled',
    many: 'Official Channel messages recalled',
    short: 'Official Channel',
    emoji: ':leftwards_arrow_with_hook:',
  },
  // The same messages in any order are the same recall.
  dedupeParts: (body) => [body.Official_Account, ...msgKeysOf(body).sort()],
  conversationKey: (body) => [body.Official_Account],
  conversationTitle: (body, values) => `*Official Channel* · ${values.code(body.Official_Account)}`,
  messageCount: (body) => body.WithdrawMsgList.length,
  view(body, values) {
    const keys = oneOrList(
      msgKeysOf(body),
      (key) => values.code(key),
      (key) => `*MsgKey* ${values.code(key)}`,
    );
    return {
      facts: [`*Account* ${values.code(body.Official_Account)}`, ...keys.facts],
      list: keys.list,
      listLabel: `*MsgKeys* (${body.WithdrawMsgList.length})`,
      fallback: `${fallbackValue(body.Official_Account)}, ${countOf(body.WithdrawMsgList.length, 'message')}`,
    };
  },
  compactLine: (body, values) => keysInline(msgKeysOf(body), values),
  details: (body) => [
    `Account: ${fileValue(body.Official_Account)}`,
    `MsgKeys (${body.WithdrawMsgList.length}):`,
    ...body.WithdrawMsgList.map((m) => `  ${fileValue(m.MsgKey)}`),
  ],
  withdraws: {
    sentMessages: (body) => ({ account: body.Official_Account, msgKeys: msgKeysOf(body) }),
    narrowedTo: (body, msgKeys) => ({
      ...body,
      WithdrawMsgList: msgKeys.map((MsgKey) => ({ MsgKey })),
    }),
  },
} satisfies Kind<OfficialRecall>;
