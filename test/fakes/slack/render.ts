/** Messages as Slack returns them: in `chat.*` answers and in history. */

import { fakeSlackIdentity } from './identity.js';
import type { FakeMessage } from './types.js';
import type { Json } from './wire.js';

const MIME_TYPES: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  md: 'text/markdown',
  png: 'image/png',
};

/** Slack's `mimetype` and `filetype` of a file, from its name. */
export function fileKind(filename: string): { mimetype: string; filetype: string } {
  const extension = filename.includes('.') ? (filename.split('.').pop() ?? '').toLowerCase() : '';
  return {
    mimetype: MIME_TYPES[extension] ?? 'application/octet-stream',
    filetype: extension || 'binary',
  };
}

/** The message object of `chat.postMessage` and `chat.update` answers. */
export function messageJson(message: FakeMessage): Json {
  const { botUserId, botId, appId, teamId } = fakeSlackIdentity;
  return {
    type: 'message',
    user: botUserId,
    bot_id: botId,
    app_id: appId,
    team: teamId,
    text: message.text ?? '',
    ts: message.ts,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
  };
}

/**
 * A message in `conversations.history` / `conversations.replies`: a thread parent carries its
 * own ts as `thread_ts` and counts its replies; metadata only when asked for.
 */
export function historyMessageJson(
  message: FakeMessage,
  replies: readonly FakeMessage[],
  includeMetadata: boolean,
): Json {
  const json = messageJson(message);
  if (replies.length > 0) {
    json.thread_ts = message.ts;
    json.reply_count = replies.length;
    json.latest_reply = replies.at(-1)?.ts;
  }
  if (message.files) {
    json.files = message.files.map((f) => ({
      id: f.id,
      name: f.filename,
      title: f.title,
      ...fileKind(f.filename),
    }));
  }
  if (includeMetadata && message.metadata) json.metadata = message.metadata;
  return json;
}
