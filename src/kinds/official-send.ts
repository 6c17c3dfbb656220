/**
 * `OfficialAccount.CallbackAfterSendMsg`: an Official Channel message was sent. The feed posts
 * it with a Recall button (its account and MsgKey are what a recall takes).
 */
import { z } from 'zod';
import { escapeText, fileValue, truncate } from '../slack/text.js';
import { count, eventTime, id, LIMITS } from './fields.js';
import type { Kind } from './kind.js';
import { isoUtc } from './time.js';
import { fallbackValue, quote } from './values.js';

/** One element of the message (Tencent's `TIMTextElem`, `TIMImageElem`…), content unchecked. */
const msgBodyElement = z.object({
  MsgType: z.string().max(64, 'must be at most 64 characters'),
  MsgContent: z.record(z.string(), z.unknown()).optional(),
});

const schema = z.object({
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

export type OfficialSend = z.infer<typeof schema>;

/** Longest preview of a sent message's text in its own post. */
const PREVIEW_MAX = 300;
/** Characters of its text a post link keeps: what the post shows ({@link PREVIEW_MAX}) when rendered again. */
const KEPT_TEXT_MAX = 300;

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

export const officialSend = {
  command: schema.shape.CallbackCommand.value,
  schema,
  names: {
    one: 'Official Channel message sent',
    many: 'Official Channel messages sent',
    short: 'Official Channel sent',
    emoji: ':incoming_envelope:',
  },
  dedupeParts: (body) => [body.Official_Account, body.MsgKey],
  // Each send is a post of its own (or a section of its account's post), never a digest line.
  conversationKey: (body) => [body.Official_Account, body.MsgKey],
  conversationTitle: (body, values) => `*Official Channel* · ${values.code(body.Official_Account)}`,
  messageCount: (_body) => 1,
  view(body, values) {
    const from = body.From_Account ? ` · *From* ${values.code(body.From_Account)}` : '';
    const text = messagePreview(body);
    const preview = truncate(escapeText(text), PREVIEW_MAX);
    return {
      facts: [
        `*Account* ${values.code(body.Official_Account)}${from}`,
        `*MsgKey* ${values.code(body.MsgKey)}`,
      ],
      list: [],
      listLabel: '',
      extra: preview === '' ? '_(no text)_' : quote(preview),
      fallback: `${fallbackValue(body.Official_Account)}: ${fallbackValue(text)}`,
    };
  },
  compactLine: (body, values) => `sent ${values.code(body.MsgKey)}`,
  details: (body) => [
    `Account: ${fileValue(body.Official_Account)}`,
    ...(body.From_Account ? [`From: ${fileValue(body.From_Account)}`] : []),
    `MsgKey: ${fileValue(body.MsgKey)}`,
    ...(body.MsgSeq === undefined ? [] : [`MsgSeq: ${body.MsgSeq}`]),
    ...(body.MsgTime === undefined ? [] : [`MsgTime: ${isoUtc(body.MsgTime * 1000)}`]),
    ...(body.OnlineOnlyFlag ? ['Online only: yes'] : []),
    `Text: ${fileValue(messagePreview(body))}`,
    ...(body.CloudCustomData ? [`CloudCustomData: ${fileValue(body.CloudCustomData)}`] : []),
  ],
  sends: {
    message: (body) => ({
      account: body.Official_Account,
      msgKey: body.MsgKey,
      from: body.From_Account,
    }),
    text: messagePreview,
    // The preview instead of the whole body, without CloudCustomData: a post link stays small.
    compact(body): OfficialSend {
      const { CloudCustomData: _dropped, ...rest } = body;
      return {
        ...rest,
        MsgBody: [
          {
            MsgType: 'TIMTextElem',
            MsgContent: { Text: truncate(messagePreview(body), KEPT_TEXT_MAX) },
          },
        ],
      };
    },
  },
} satisfies Kind<OfficialSend>;
