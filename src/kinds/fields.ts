/** The zod fields every kind's schema is made of, and the bounds they keep. */
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

/** An identifier (account, group, MsgKey…): trimmed, never empty, bounded. */
export const id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.id, `must be at most ${LIMITS.id} characters`);

/** Milliseconds since the epoch; Tencent sends a number or a numeric string. */
export const eventTime = z
  .union([z.number(), z.string().regex(/^\d{1,16}$/, 'must be a numeric timestamp')])
  .transform(Number)
  .pipe(z.number().int('must be a whole number').nonnegative('must not be negative').max(1e15));

/** A whole number Tencent may send as a number or a numeric string (`MsgSeq`, `UnreadMsgNum`). */
export const count = z
  .union([z.number(), z.string().regex(/^\d{1,10}$/, 'must be a number')])
  .transform(Number)
  .pipe(
    z
      .number()
      .int('must be a whole number')
      .nonnegative('must not be negative')
      .max(2 ** 32),
  );

/** The messages one event lists: at least one, at most {@link LIMITS.listItems}. */
export const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, 'must list at least one message')
    .max(LIMITS.listItems, `must list at most ${LIMITS.listItems} messages`);
