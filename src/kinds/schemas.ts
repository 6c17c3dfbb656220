import { z } from 'zod';

/** Bounds that keep one webhook's work small whatever Tencent (or an attacker) sends. */
export const LIMITS = {
  id: 256,
  text: 12_000,
  listItems: 1_000,
  msgBodyElements: 100,
  /**
   * A sent message's body, as JSON characters. Tencent's messages are at most 12 KB; this leaves
   * room for encoding, and keeps one event small whatever is sent (a valid body may be 1 MiB).
   */
  msgBody: 64 * 1024,
} as const;

const id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.id, `must be at most ${LIMITS.id} characters`);

/** Milliseconds since the epoch; Tencent sends a number or a numeric string. */
const eventTime = z
  .union([z.number(), z.string().regex(/^\d{1,16}$/, 'must be a numeric timestamp')])
  .transform(Number)
  .pipe(z.number().int('must be a whole number').nonnegative('must not be negative').max(1e15));

const count = z
  .union([z.number(), z.string().regex(/^\d{1,10}$/, 'must be a number')])
  .transform(Number)
  .pipe(
    z
      .number()
      .int('must be a whole number')
      .nonnegative('must not be negative')
      .max(2 ** 32),
  );

const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, 'must list at least one message')
    .max(LIMITS.listItems, `must list at most ${LIMITS.listItems} messages`);

export const c2cRecallSchema = z.object({
  CallbackCommand: z.literal('C2C.CallbackAfterMsgWithDraw'),
  From_Account: id,
  To_Account: id,
  MsgKey: id,
  UnreadMsgNum: count.optional(),
  EventTime: eventTime.optional(),
});

export const groupRecallSchema = z.object({
  CallbackCommand: z.literal('Group.CallbackAfterRecallMsg'),
  Operator_Account: id,
  Type: id,
  GroupId: id,
  MsgSeqList: list(
    z.object({
      MsgSeq: count,
      MsgId: id.optional(),
    }),
  ),
  TopicId: id.optional(),
  EventTime: eventTime.optional(),
});

export const officialRecallSchema = z.object({
  CallbackCommand: z.literal('OfficialAccount.CallbackAfterMsgWithDraw'),
  Official_Account: id,
  WithdrawMsgList: list(z.object({ MsgKey: id })),
  EventTime: eventTime.optional(),
});

const msgBodyElement = z.object({
  MsgType: z.string().max(64, 'must be at most 64 characters'),
  MsgContent: z.record(z.string(), z.unknown()).optional(),
});

export const officialSendSchema = z.object({
  CallbackCommand: z.literal('OfficialAccount.CallbackAfterSendMsg'),
  Official_Account: id,
  From_Account: id.optional(),
  MsgKey: id,
  MsgTime: count.optional(),
  MsgSeq: count.optional(),
  OnlineOnlyFlag: count.optional(),
  MsgBody: z
    .array(msgBodyElement)
    .max(LIMITS.msgBodyElements, `must have at most ${LIMITS.msgBodyElements} elements`)
    .refine((body) => JSON.stringify(body).length <= LIMITS.msgBody, {
      message: `must be at most ${LIMITS.msgBody} characters as JSON (Tencent's messages are at most 12 KB)`,
    })
    .optional(),
  CloudCustomData: z.string().max(LIMITS.text).optional(),
  EventTime: eventTime.optional(),
});

export const webhookSchemas = {
  'C2C.CallbackAfterMsgWithDraw': c2cRecallSchema,
  'Group.CallbackAfterRecallMsg': groupRecallSchema,
  'OfficialAccount.CallbackAfterMsgWithDraw': officialRecallSchema,
  'OfficialAccount.CallbackAfterSendMsg': officialSendSchema,
} as const;

export type HandledCommand = keyof typeof webhookSchemas;
export type C2cRecall = z.infer<typeof c2cRecallSchema>;
export type GroupRecall = z.infer<typeof groupRecallSchema>;
export type OfficialRecall = z.infer<typeof officialRecallSchema>;
export type OfficialSend = z.infer<typeof officialSendSchema>;
export type WebhookBody = C2cRecall | GroupRecall | OfficialRecall | OfficialSend;

export function isHandledCommand(command: string): command is HandledCommand {
  return Object.hasOwn(webhookSchemas, command);
}

export const webhookBodySchema = z.discriminatedUnion('CallbackCommand', [
  c2cRecallSchema,
  groupRecallSchema,
  officialRecallSchema,
  officialSendSchema,
]);

/** One accepted webhook, as stored and as rendered. */
export const feedEventSchema = z.object({
  body: webhookBodySchema,
  clientIp: z.string().max(64).optional(),
  platform: z.string().max(32).optional(),
  /** When our server accepted it, ms since the epoch. */
  receivedAt: z.number(),
});

export type FeedEvent = z.infer<typeof feedEventSchema>;
