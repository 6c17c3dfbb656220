import { describe, expect, it } from 'vitest';
import {
  context,
  MORE_LINE_RESERVE,
  originParts,
  SECTION_MAX,
  section,
} from '../../../../src/feed/render/blocks.js';
import { Values } from '../../../../src/kinds/values.js';
import { feedEvent } from '../../../helpers/render.js';
import { samples } from '../../../helpers/tencent-samples.js';

describe('feed message blocks', () => {
  it('marks their mrkdwn verbatim', () => {
    expect(section('a')).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'a', verbatim: true },
    });
    expect(context('b').elements).toEqual([{ type: 'mrkdwn', text: 'b', verbatim: true }]);
  });

  it('says where an event came from, when Tencent says', () => {
    expect(originParts(feedEvent(samples.c2c), new Values())).toEqual([
      'Platform `iOS`',
      'IP `203.0.113.7`',
    ]);
    const bare = feedEvent(samples.c2c, { platform: undefined, clientIp: undefined });
    expect(originParts(bare, new Values())).toEqual([]);
  });

  it('keeps room for the longest "… and N more" line', () => {
    const longest = '\n_… and 1000 more — full list in the attached file_';
    expect(longest.length).toBeLessThanOrEqual(MORE_LINE_RESERVE);
    expect(MORE_LINE_RESERVE).toBeLessThan(SECTION_MAX);
  });
});
