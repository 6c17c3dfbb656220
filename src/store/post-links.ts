import { z } from 'zod';
import { feedEventSchema } from '../kinds/feed-event.js';

/**
 * Where a feed post lives in Slack, so later events can update it or reply in its thread; with
 * the event it showed, so the update can re-render it.
 */
export const postLinkSchema = z.object({
  channel: z.string(),
  /** Unknown for a file share Slack had not finished when asked: the post cannot be updated. */
  ts: z.string().optional(),
  event: feedEventSchema.optional(),
  /** The post shows several sent messages: the key of its group record. */
  group: z.string().optional(),
  /** A group record: every sent message the post shows (see `addRecalled` for the recalled). */
  sends: z.array(feedEventSchema).optional(),
});

export type PostLink = z.infer<typeof postLinkSchema>;

/** How long a feed post's link is kept: a recall can come long after the send. */
export const POST_LINK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** A link to remember once a write is done. */
export interface LinkToSave {
  key: string;
  link: PostLink;
}

/** The feed's posts in Slack, by the events they show, and the recalled messages of each. */
export interface PostLinks {
  /** Remembers the Slack post of an event, under a key such as an account and MsgKey. */
  savePostLink(key: string, link: PostLink): Promise<void>;
  getPostLink(key: string): Promise<PostLink | undefined>;
  /**
   * Adds MsgKeys to the recalled ones of a group post (atomically, whatever other replicas add
   * at the same time) and resolves all of them; with no keys, just reads them.
   */
  addRecalled(group: string, msgKeys: readonly string[]): Promise<string[]>;
}
