import { describe, expect, it } from 'vitest';
import type { PostAttempt } from '../../../../src/store/queue.js';
import { AttemptIndex } from '../../../../src/store/sqlite/attempt-index.js';

const attempt = (id: string, eventIds: string[]): PostAttempt => ({
  id,
  eventIds,
  kind: 'message',
  channel: 'C1',
  delivers: true,
  state: 'started',
  startedAt: 1,
});

describe('AttemptIndex', () => {
  it('finds the writes of any of their events, each once', () => {
    const index = new AttemptIndex();
    index.put(attempt('a', ['1', '2']));
    index.put(attempt('b', ['2']));
    expect(index.covering(['2']).sort()).toEqual(['a', 'b']);
    expect(index.covering(['1', '2']).sort()).toEqual(['a', 'b']);
    expect(index.of(['1'])).toEqual([attempt('a', ['1', '2'])]);
    expect(index.covering(['3'])).toEqual([]);
  });

  it('forgets a removed write under every event, and re-indexes one put again', () => {
    const index = new AttemptIndex();
    index.put(attempt('a', ['1', '2']));
    index.put(attempt('a', ['3']));
    expect(index.covering(['1', '2'])).toEqual([]);
    expect(index.covering(['3'])).toEqual(['a']);
    index.remove('a');
    index.remove('unknown');
    expect(index.of(['3'])).toEqual([]);
  });
});
