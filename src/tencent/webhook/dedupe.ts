import { createHash } from 'node:crypto';
import type { WebhookBody } from '../../kinds/schemas.js';

/**
 * The identity of an event: its command and message identifiers. The same recall delivered
 * twice (Tencent retries, two replicas, a replay) has the same key and is posted once.
 */
export function dedupeKeyOf(body: WebhookBody): string {
  const parts: string[] = [body.CallbackCommand];
  switch (body.CallbackCommand) {
    case 'C2C.CallbackAfterMsgWithDraw':
      parts.push(body.From_Account, body.To_Account, body.MsgKey);
      break;
    case 'Group.CallbackAfterRecallMsg':
      parts.push(
        body.GroupId,
        body.TopicId ?? '',
        ...body.MsgSeqList.map((m) => String(m.MsgSeq)).sort(),
      );
      break;
    case 'OfficialAccount.CallbackAfterMsgWithDraw':
      parts.push(body.Official_Account, ...body.WithdrawMsgList.map((m) => m.MsgKey).sort());
      break;
    case 'OfficialAccount.CallbackAfterSendMsg':
      parts.push(body.Official_Account, body.MsgKey);
      break;
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
