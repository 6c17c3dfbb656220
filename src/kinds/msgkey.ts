/**
 * A MsgKey as Tencent writes one for Official Account messages, and as its recall API takes it:
 * three numbers joined by `_` (e.g. `71_1_1698741698`).
 */
export const MSGKEY = /^\d{1,20}_\d{1,20}_\d{1,20}$/;

/** MsgKeys anywhere in a text (a command, a message). */
export const MSGKEYS_IN_TEXT = /\b\d{1,20}_\d{1,20}_\d{1,20}\b/g;

export function isMsgKey(value: string): boolean {
  return MSGKEY.test(value);
}
