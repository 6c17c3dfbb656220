import type { WebClient } from '@slack/web-api';
import type { ReplyChannel, SlackMessage } from '../recall/answers.js';
import type { RecallOrigin } from '../recall/confirmations.js';
import { SLACK_CALL_TIMEOUT_MS } from '../slack/web-client.js';

/** Posts `body` to a `response_url`; throws when Slack does not take it. */
export async function postResponseUrl(
  url: string,
  body: Record<string, unknown>,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const res = await fetchFn(url, {
    method: 'POST',
    signal: AbortSignal.timeout(SLACK_CALL_TIMEOUT_MS),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
}

/** Answers through a `response_url` (slash command, buttons in an ephemeral message). */
export function responseUrlReply(responseUrl: string, fetchFn: typeof fetch = fetch): ReplyChannel {
  const send = (message: SlackMessage) =>
    postResponseUrl(
      responseUrl,
      { response_type: 'ephemeral', replace_original: true, ...message },
      fetchFn,
    );
  // A response_url takes 5 uses: one progress note at most, so the answer always has one left.
  let noted = false;
  return {
    async progress(message: SlackMessage) {
      if (noted) return;
      noted = true;
      await send(message);
    },
    final: send,
  };
}

/**
 * Answers in a thread (feed posts) or a direct message: one message, updated in place (`existing`:
 * a progress note posted before a restart, finished now).
 */
export function threadReply(
  client: WebClient,
  channel: string,
  threadTs?: string,
  existing?: { channel: string; ts: string },
): ReplyChannel {
  let ts: string | undefined = existing?.ts;
  let where = existing?.channel ?? channel;
  const send = async (message: SlackMessage) => {
    if (ts) {
      await client.chat.update({ channel: where, ts, ...message });
      return;
    }
    const posted = await client.chat.postMessage({
      channel,
      ...message,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    ts = posted.ts;
    where = posted.channel ?? channel;
  };
  return {
    progress: send,
    final: send,
    where: () => (ts ? { channel: where, ts } : undefined),
  };
}

/**
 * Ephemeral answers in a channel (the shortcut). Ephemeral messages cannot be edited, so only
 * the first progress note and the final answer are sent.
 */
export function ephemeralReply(client: WebClient, channel: string, user: string): ReplyChannel {
  let noted = false;
  return {
    async progress(message: SlackMessage) {
      if (noted) return;
      noted = true;
      await client.chat.postEphemeral({ channel, user, ...message });
    },
    async final(message: SlackMessage) {
      await client.chat.postEphemeral({ channel, user, ...message });
    },
  };
}

/** Where the results of a recall go, by where it started. */
export function replyFor(
  origin: RecallOrigin,
  client: WebClient,
  user: string,
  progress?: { channel: string; ts: string },
): ReplyChannel {
  switch (origin.kind) {
    case 'command':
      return responseUrlReply(origin.responseUrl);
    case 'feed':
      return threadReply(client, origin.channel, origin.threadTs, progress);
    case 'shortcut':
      return origin.channel
        ? ephemeralReply(client, origin.channel, user)
        : threadReply(client, user, undefined, progress);
  }
}
