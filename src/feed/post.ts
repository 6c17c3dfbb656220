import type { KnownBlock } from '@slack/types';
import { countOf } from '../slack/counts.js';
import type { QueuedEvent } from '../store/queue.js';
import { eventsDetails } from './render/details.js';
import { renderEvent } from './render/event.js';

/** A text file attached to a post, holding what the message could not. */
export interface PostFile {
  title: string;
  content: string;
}

/** One Slack message to post, and the events it delivers. */
export interface PlannedPost {
  /** Unique: the write's ID and mark; a group of sends is remembered under it. */
  id: string;
  eventIds: string[];
  text: string;
  blocks: KnownBlock[];
  file?: PostFile;
  /** Sent Official Account messages only: the post is linked to them for later recalls. */
  sends?: boolean;
}

/** One event as a post of its own (with its details file when something had to be shortened). */
export function singleEventPost(queued: QueuedEvent, id: string): PlannedPost {
  const { text, blocks, overflow } = renderEvent(queued.event);
  return {
    id,
    eventIds: [queued.id],
    text,
    blocks,
    ...(overflow ? { file: detailsFile([queued]) } : {}),
  };
}

/** Every event in full, as a plain text file. */
export function detailsFile(events: readonly QueuedEvent[]): PostFile {
  return {
    title: `${countOf(events.length, 'event')} — full details`,
    content: `${eventsDetails(events)}\n`,
  };
}
