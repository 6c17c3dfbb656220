import { describe, expect, it } from 'vitest';
import {
  idList,
  queuedEventOf,
  readEvent,
  readQueuedEvent,
} from '../../../../src/store/sqlite/events.js';
import { c2cEvent } from '../../../helpers/store-contract/events.js';

describe('the rows of the events table', () => {
  it('reads a stored event, or says why it cannot', () => {
    expect(readEvent(JSON.stringify(c2cEvent('a')))).toEqual({
      success: true,
      data: c2cEvent('a'),
    });
    const notJson = readEvent('{');
    expect(notJson.success).toBe(false);
    const notEvent = readEvent('{"body":{}}');
    expect(notEvent).toMatchObject({ success: false });
    expect(notEvent.success === false && notEvent.error.length).toBeLessThanOrEqual(200);
  });

  it('makes a queued event of a row it can read, and none of one it cannot', () => {
    const row = { id: 7, payload: JSON.stringify(c2cEvent('a')), enqueued_at: 5 };
    expect(queuedEventOf(row)).toEqual({ id: '7', event: c2cEvent('a'), enqueuedAt: 5 });
    expect(queuedEventOf({ ...row, payload: 'x' })).toBeUndefined();
  });

  it('says why a row cannot be read as a queued event', () => {
    const row = { id: 7, payload: JSON.stringify(c2cEvent('a')), enqueued_at: 5 };
    expect(readQueuedEvent(row)).toEqual({
      success: true,
      data: { id: '7', event: c2cEvent('a'), enqueuedAt: 5 },
    });
    expect(readQueuedEvent({ ...row, payload: '{' })).toMatchObject({ success: false });
  });

  it('passes event IDs to SQL as a JSON list of row numbers', () => {
    expect(idList(['1', '20'])).toBe('[1,20]');
  });
});
