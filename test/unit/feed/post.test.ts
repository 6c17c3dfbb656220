import { describe, expect, it } from 'vitest';
import { detailsFile, singleEventPost } from '../../../src/feed/post.js';
import { renderEventDetails } from '../../../src/feed/render/details.js';
import { LIST_PREVIEW, renderEvent } from '../../../src/feed/render/event.js';
import type { FeedEvent } from '../../../src/kinds/feed-event.js';
import type { QueuedEvent } from '../../../src/store/queue.js';
import { c2cOf, sendOf, withdrawalOf } from '../../helpers/feed.js';
import { feedEvent } from '../../helpers/render.js';

const queued = (id: string, event: FeedEvent): QueuedEvent => ({ id, event, enqueuedAt: 1 });
const keys = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}_1_1698741698`);

describe('singleEventPost', () => {
  it('posts one event as it renders, under the id given, delivering that event only', () => {
    const event = feedEvent(c2cOf('48374_2837546_1557481126'));
    const { text, blocks } = renderEvent(event);
    const post = singleEventPost(queued('e1', event), 'post-1');
    expect(post).toEqual({ id: 'post-1', eventIds: ['e1'], text, blocks });
    expect(post).not.toHaveProperty('file');
    expect(post).not.toHaveProperty('sends');
  });

  it('attaches the full details when the message had to shorten a list', () => {
    const many = keys(LIST_PREVIEW + 5);
    const event = feedEvent(withdrawalOf(many));
    const post = singleEventPost(queued('e2', event), 'post-2');
    expect(renderEvent(event).overflow).toBe(true);
    expect(JSON.stringify(post.blocks)).not.toContain(many.at(-1));
    expect(post.file).toEqual(detailsFile([queued('e2', event)]));
    expect(post.file?.title).toBe('1 event — full details');
    for (const key of many) expect(post.file?.content).toContain(key);
  });

  it('attaches nothing when everything fits', () => {
    const post = singleEventPost(queued('e3', feedEvent(withdrawalOf(keys(2)))), 'post-3');
    expect(post.file).toBeUndefined();
  });
});

describe('detailsFile', () => {
  it('holds every event in full, each under its ID, and counts them in the title', () => {
    const first = feedEvent(sendOf('1_1_1'));
    const second = feedEvent(c2cOf('2_2_2'));
    const file = detailsFile([queued('a', first), queued('b', second)]);
    expect(file.title).toBe('2 events — full details');
    expect(file.content).toBe(
      `[event a]\n${renderEventDetails(first)}\n\n[event b]\n${renderEventDetails(second)}\n`,
    );
  });
});
