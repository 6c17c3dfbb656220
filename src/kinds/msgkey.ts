/**
 * A MsgKey as Tencent writes one for Official Account messages, and as its recall API takes it:
 * three numbers joined by `_` (e.g. `71_1_1698741698`).
 */
const MSGKEY_PATTERN = String.raw`\d{1,20}_\d{1,20}_\d{1,20}`;

/** A whole string that is one MsgKey. */
export const MSGKEY = new RegExp(`^${MSGKEY_PATTERN}$`);

/** MsgKeys anywhere in a text (a command, a message). */
export const MSGKEYS_IN_TEXT = new RegExp(String.raw`\b${MSGKEY_PATTERN}\b`, 'g');

export function isMsgKey(value: string): boolean {
  return MSGKEY.test(value);
}
