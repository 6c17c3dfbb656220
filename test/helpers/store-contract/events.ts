import type { FeedEvent } from '../../../src/kinds/feed-event.js';
import type { PostAttempt } from '../../../src/store/queue.js';
import type { Store } from '../../../src/store/store.js';

/** How a contract suite opens the store under test (every role of it shares the data). */
export interface StoreFactory {
  /** A new, empty store. */
  open(): Promise<Store>;
  /** The same data, a new instance (a restart). */
  reopen(): Promise<Store>;
}

export function c2cEvent(msgKey: string): FeedEvent {
  return {
    body: {
      CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
      From_Account: 'alice',
      To_Account: 'bob',
      MsgKey: msgKey,
    },
    receivedAt: 1_700_000_000_000,
  };
}

/** The MsgKey of a queued one-to-one recall (what `c2cEvent` made). */
export function keyOf(queued: { event: FeedEvent } | undefined): string | undefined {
  const body = queued?.event.body;
  return body?.CallbackCommand === 'C2C.CallbackAfterMsgWithDraw' ? body.MsgKey : undefined;
}

/** A started top-level post of these events. */
export function startedPost(id: string, eventIds: string[]): PostAttempt {
  return {
    id,
    eventIds,
    kind: 'message',
    channel: 'C1',
    delivers: true,
    state: 'started',
    startedAt: 1,
  };
}
