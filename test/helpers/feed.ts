import type { FakeMessage, FakeSlack } from '../fakes/slack-api.js';
import { CHANNEL, postWebhook } from './app.js';
import { samples } from './tencent-samples.js';

/** Everything a reader can see of a message: its text, its blocks and its attached files. */
export function visible(message: FakeMessage): string {
  return [
    message.text ?? '',
    JSON.stringify(message.blocks ?? []),
    ...(message.files ?? []).map((f) => f.content),
  ].join('\n');
}

/** The messages (posts, replies, file shares) in which `text` can be seen. */
export function showing(slack: FakeSlack, text: string): FakeMessage[] {
  return slack.messages.filter((m) => visible(m).includes(text));
}

/** Top-level posts of the feed channel (no thread replies, no ephemeral messages). */
export function feedPosts(slack: FakeSlack): FakeMessage[] {
  return slack.messages.filter(
    (m) => m.channel === CHANNEL && !m.ephemeral && (!m.thread_ts || m.thread_ts === m.ts),
  );
}

/** Replies in the thread of the post `ts`. */
export function repliesTo(slack: FakeSlack, ts: string): FakeMessage[] {
  return slack.messages.filter((m) => m.thread_ts === ts && m.ts !== ts);
}

export const sendOf = (
  msgKey: string,
  account: string = samples.officialSend.Official_Account,
) => ({
  ...samples.officialSend,
  Official_Account: account,
  MsgKey: msgKey,
});

export const withdrawalOf = (
  msgKeys: string[],
  account: string = samples.officialSend.Official_Account,
) => ({
  CallbackCommand: 'OfficialAccount.CallbackAfterMsgWithDraw',
  Official_Account: account,
  WithdrawMsgList: msgKeys.map((MsgKey) => ({ MsgKey })),
  EventTime: Date.now(),
});

export const c2cOf = (msgKey: string) => ({ ...samples.c2c, MsgKey: msgKey });

/** Posts a webhook and expects Tencent's OK. */
export async function accepted(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await postWebhook(url, body);
  if (res.status !== 200)
    throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.json)}`);
}
