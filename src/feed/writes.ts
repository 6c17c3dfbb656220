import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { LinkToSave } from '../store/post-links.js';
import type { PostAttempt } from '../store/queue.js';
import { postMark } from './reconcile.js';

/** The text (notification and fallback) and blocks of one Slack message. */
export interface SlackText {
  text: string;
  blocks: KnownBlock[];
}

/** One write to Slack that delivers (part of) some events. */
export interface FeedWrite {
  /** Unique; the mark the post carries (metadata, or the file's name). */
  id: string;
  /** Names this write among those one event needs, so that it is known again after a restart. */
  step?: string;
  /** `message`: a post in the channel; `file`: a post with an attached file; `reply`: in a thread; `update`: an earlier post changed. */
  kind: PostAttempt['kind'];
  channel: string;
  /** `reply`: the thread's parent; `update`: the post to change. */
  ts?: string;
  content: SlackText;
  /** The text file a `file` write attaches. */
  file?: { title: string; content: string };
  eventIds: string[];
  /** Once Slack takes it, every event in `eventIds` is delivered. */
  delivers: boolean;
  /** What to remember about the post once Slack took it (its `ts` when known). */
  links?: (ts: string | undefined) => LinkToSave[];
  /** A plainer write to make instead, once, when Slack refuses this one's payload. */
  fallback?: (reason: string) => FeedWrite;
}

/** The name of the file a `file` write attaches: it marks the post (files carry no metadata). */
export function markedFileName(writeId: string): string {
  return `recall-events-${writeId.replace(/[^\w.-]/g, '_')}.txt`;
}

/** The record of a write, made before the write. */
export function attemptOf(write: FeedWrite, now: number): PostAttempt {
  return {
    id: write.id,
    ...(write.step ? { step: write.step } : {}),
    eventIds: write.eventIds,
    kind: write.kind,
    channel: write.channel,
    ...(write.kind === 'reply' && write.ts ? { threadTs: write.ts } : {}),
    ...(write.kind === 'file' ? { fileName: markedFileName(write.id) } : {}),
    delivers: write.delivers,
    state: 'started',
    startedAt: now,
  };
}

const shareSchema = z.array(z.object({ ts: z.string() }));
const uploadAnswerSchema = z.object({
  files: z
    .array(
      z.object({
        files: z
          .array(
            z.object({
              shares: z
                .object({
                  public: z.record(z.string(), shareSchema).optional(),
                  private: z.record(z.string(), shareSchema).optional(),
                })
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** The share's `ts`, when Slack already knows it (sharing a file finishes in the background). */
function sharedTs(answer: unknown, channel: string): string | undefined {
  const parsed = uploadAnswerSchema.safeParse(answer);
  const shares = parsed.success ? parsed.data.files?.[0]?.files?.[0]?.shares : undefined;
  return (shares?.public?.[channel] ?? shares?.private?.[channel])?.[0]?.ts;
}

/** Makes the write; resolves with the post's `ts` when Slack tells it. Throws Slack's errors. */
export async function sendWrite(slack: WebClient, write: FeedWrite): Promise<{ ts?: string }> {
  const { channel, content } = write;
  switch (write.kind) {
    case 'message':
    case 'reply': {
      const answer = await slack.chat.postMessage({
        channel,
        text: content.text,
        blocks: content.blocks,
        metadata: postMark(write.id),
        unfurl_links: false,
        unfurl_media: false,
        ...(write.kind === 'reply' && write.ts ? { thread_ts: write.ts } : {}),
      });
      return answer.ts ? { ts: answer.ts } : {};
    }
    case 'update':
      await slack.chat.update({
        channel,
        ts: write.ts ?? '',
        text: content.text,
        blocks: content.blocks,
      });
      return write.ts ? { ts: write.ts } : {};
    case 'file': {
      const answer = await slack.filesUploadV2({
        channel_id: channel,
        blocks: content.blocks,
        filename: markedFileName(write.id),
        title: write.file?.title ?? 'details',
        content: write.file?.content ?? '',
      });
      const ts = sharedTs(answer, channel);
      return ts ? { ts } : {};
    }
  }
}
