import { describe, expect, it } from 'vitest';
import { AttemptIndex } from '../../../../src/store/sqlite/attempt-index.js';
import { startedPost } from '../../../helpers/store-contract/events.js';

describe('AttemptIndex', () => {
  it('finds the writes of any of their events, each once', () => {
    const index = new AttemptIndex();
    index.put(startedPost('a', ['1', '2']));
    index.put(startedPost('b', ['2']));
    expect(index.covering(['2']).sort()).toEqual(['a', 'b']);
    expect(index.covering(['1', '2']).sort()).toEqual(['a', 'b']);
    expect(index.of(['1'])).toEqual([startedPost('a', ['1', '2'])]);
    expect(index.covering(['3'])).toEqual([]);
  });

  it('forgets a removed write under every event, and re-indexes one put again', () => {
    const index = new AttemptIndex();
    index.put(startedPost('a', ['1', '2']));
    index.put(startedPost('a', ['3']));
    expect(index.covering(['1', '2'])).toEqual([]);
    expect(index.covering(['3'])).toEqual(['a']);
    index.remove('a');
    index.remove('unknown');
    expect(index.of(['3'])).toEqual([]);
  });
});
