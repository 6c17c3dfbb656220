/**
 * What Tencent's error codes mean for a recall of Official Account messages: the API's own
 * codes (10002–10032, wording from its page) and the common REST / account codes.
 */
const MEANINGS: ReadonlyMap<number, string> = new Map([
  // official_account_msg_recall's own codes, top level or per MsgKey.
  [10002, 'Tencent internal error; try again'],
  [10003, 'invalid request command (wrong API path)'],
  [10004, 'invalid parameter (see the error info)'],
  [10007, 'insufficient permission for this operation'],
  [10010, 'the Official Account does not exist, or was dissolved'],
  [10015, 'invalid Official Account ID'],
  [10030, 'the message does not exist (wrong MsgKey, or already recalled)'],
  [10031, 'the message is past its recall time limit'],
  [10032, 'the message does not support recall'],
  // Common REST codes.
  [60002, 'HTTP parse error'],
  [60003, 'JSON parse error in the request body'],
  [60004, 'wrong UserID or UserSig in the request'],
  [60005, 'wrong UserID or UserSig in the request'],
  [60006, 'invalid SDKAppID'],
  [60007, 'REST API call frequency over the limit'],
  [60008, 'request timed out or is badly formatted'],
  [60009, 'invalid request URL'],
  [60010, 'an App admin account is required'],
  [60011, 'SDKAppID request frequency over the limit'],
  [60012, 'SDKAppID missing from the request'],
  [60013, 'response JSON error'],
  [60014, 'account replacement timed out'],
  [60015, 'UserID is not a string'],
  [60016, 'the SDKAppID is disabled'],
  [60017, 'the request is disabled'],
  [60018, 'too many requests; slow down'],
  [60019, 'too many requests; slow down'],
  [60020, 'the Chat package has expired'],
  [60021, 'the calling IP address is not allowed'],
  // Account and UserSig codes.
  [70001, 'the UserSig has expired'],
  [70002, 'the UserSig is empty'],
  [70003, 'the UserSig is invalid'],
  [70005, 'the UserSig is invalid'],
  [70009, 'UserSig verification failed (wrong key or SDKAppID)'],
  [70013, 'the UserID does not match the UserSig'],
  [70014, 'the SDKAppID does not match the UserSig'],
  [70016, 'the key for the SDKAppID is missing'],
  [70020, 'the SDKAppID was not found'],
  [70050, 'too many failed UserSig checks; retry after a minute'],
  [70051, 'the account is blacklisted'],
  [70052, 'the UserSig has expired'],
  [70107, 'the user does not exist'],
  [70169, 'Tencent internal timeout; try again'],
  [70202, 'Tencent internal timeout; try again'],
  [70398, 'the number of accounts is over the limit'],
  [70402, 'invalid parameter'],
  [70403, 'an App admin account is required'],
  [70500, 'Tencent internal error; try again'],
]);

/** Worth another try after a pause: internal errors, internal timeouts and rate limits. */
const TRANSIENT = new Set([10002, 60007, 60011, 60018, 60019, 70050, 70169, 70202, 70500]);

/** Frequency limits. 60014 (account replacement) and 70398 (account count) are not. */
const RATE_LIMITS = new Set([60007, 60011, 60018, 60019]);

/** Tencent considers the UserSig expired: regenerate it and try once more. */
const USERSIG_EXPIRED = new Set([70001, 70052]);

/** A short human meaning of a Tencent error code. */
export function meaningOf(code: number): string {
  if (code === 0) return 'OK';
  return MEANINGS.get(code) ?? `Tencent error ${code}`;
}

export function isTransient(code: number): boolean {
  return TRANSIENT.has(code);
}

export function isRateLimit(code: number): boolean {
  return RATE_LIMITS.has(code);
}

export function isUserSigExpired(code: number): boolean {
  return USERSIG_EXPIRED.has(code);
}
