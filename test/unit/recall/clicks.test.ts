import { describe, expect, it, vi } from 'vitest';
import type { ReplyChannel } from '../../../src/recall/answers.js';
import type { Authorization } from '../../../src/recall/authorize.js';
import {
  cancelConfirmed,
  type FeedClick,
  feedGroupLock,
  feedKeyLock,
  recallConfirmed,
  recallFromFeed,
  recallOnce,
} from '../../../src/recall/clicks.js';
import {
  createConfirmation,
  type PendingRecall,
  peekConfirmation,
} from '../../../src/recall/confirmations.js';
import { useTestStore } from '../../helpers/store.js';

const reply = (): ReplyChannel => ({
  progress: vi.fn(async () => {}),
  final: vi.fn(async () => {}),
});

/** A recall service that lets `allowed` people recall and records what it runs. */
function fakeRecall(allowed: readonly string[], started = true) {
  const runs: { pending: PendingRecall; userId: string }[] = [];
  return {
    runs,
    authorize: vi.fn(
      async (userId: string): Promise<Authorization> =>
        allowed.includes(userId)
          ? { allowed: true, because: 'a moderator' }
          : { allowed: false, reason: 'not allowed' },
    ),
    run: vi.fn(async (pending: PendingRecall, userId: string) => {
      runs.push({ pending, userId });
      return started;
    }),
  };
}

const commandOrigin = {
  kind: 'command' as const,
  channel: 'C1',
  responseUrl: 'https://hooks.slack.com/commands/first',
};

const pendingOf = (msgKeys: string[], origin: PendingRecall['origin'] = commandOrigin) => ({
  account: '@TOA#_clicks',
  msgKeys,
  requestedBy: 'U0ASKER',
  origin,
});

describe('clicks', () => {
  const store = useTestStore();

  describe('recallOnce', () => {
    it('uses nothing up for someone who may not recall', async () => {
      const recall = fakeRecall([]);
      const take = vi.fn(async () => pendingOf(['1_1_1']));
      expect(await recallOnce(recall, 'U0STRANGER', reply(), pendingOf(['1_1_1']), take)).toBe(
        'refused',
      );
      expect(take).not.toHaveBeenCalled();
      expect(recall.run).not.toHaveBeenCalled();
    });

    it('recalls what it took, and nothing when it was taken already', async () => {
      const recall = fakeRecall(['U0MOD']);
      const taken = pendingOf(['1_1_2']);
      expect(
        await recallOnce(recall, 'U0MOD', reply(), pendingOf(['1_1_2']), async () => taken),
      ).toBe('started');
      expect(recall.runs).toEqual([{ pending: taken, userId: 'U0MOD' }]);
      expect(
        await recallOnce(recall, 'U0MOD', reply(), pendingOf(['1_1_2']), async () => undefined),
      ).toBe('taken');
      expect(recall.runs).toHaveLength(1);
    });

    it('says when the recall could not be started', async () => {
      const recall = fakeRecall(['U0MOD'], false);
      const pending = pendingOf(['1_1_3']);
      expect(await recallOnce(recall, 'U0MOD', reply(), pending, async () => pending)).toBe(
        'not_started',
      );
    });
  });

  describe('recallConfirmed', () => {
    it('leaves a confirmation a refused click did not use for someone who may recall', async () => {
      const id = await createConfirmation(store.once, pendingOf(['2_2_1']));
      const recall = fakeRecall(['U0MOD']);
      expect(
        await recallConfirmed(
          { once: store.once, recall },
          { id, userId: 'U0STRANGER', reply: reply() },
        ),
      ).toBe('refused');
      expect(await peekConfirmation(store.once, id)).toBeDefined();
      expect(
        await recallConfirmed(
          { once: store.once, recall },
          { id, userId: 'U0MOD', reply: reply() },
        ),
      ).toBe('started');
      expect(recall.runs[0]?.pending).toMatchObject({ msgKeys: ['2_2_1'], origin: commandOrigin });
      // A second click finds it used, and is not authorized again.
      recall.authorize.mockClear();
      expect(
        await recallConfirmed(
          { once: store.once, recall },
          { id, userId: 'U0MOD', reply: reply() },
        ),
      ).toBe('taken');
      expect(recall.authorize).not.toHaveBeenCalled();
      expect(recall.runs).toHaveLength(1);
    });

    it("answers a command's recall through the click's own response URL when it has one", async () => {
      const recall = fakeRecall(['U0MOD']);
      const clickUrl = 'https://hooks.slack.com/actions/click';
      const id = await createConfirmation(store.once, pendingOf(['2_2_2']));
      await recallConfirmed(
        { once: store.once, recall },
        { id, userId: 'U0MOD', reply: reply(), responseUrl: clickUrl },
      );
      expect(recall.runs[0]?.pending.origin).toEqual({ ...commandOrigin, responseUrl: clickUrl });
      const feed = { kind: 'feed' as const, channel: 'C9', threadTs: '9.0' };
      const feedId = await createConfirmation(store.once, pendingOf(['2_2_3'], feed));
      await recallConfirmed(
        { once: store.once, recall },
        { id: feedId, userId: 'U0MOD', reply: reply(), responseUrl: clickUrl },
      );
      expect(recall.runs[1]?.pending.origin).toEqual(feed);
    });

    it('takes an unknown confirmation for one used up', async () => {
      const recall = fakeRecall(['U0MOD']);
      const click = { id: 'not-an-id', userId: 'U0MOD', reply: reply() };
      expect(await recallConfirmed({ once: store.once, recall }, click)).toBe('taken');
      expect(recall.authorize).not.toHaveBeenCalled();
    });
  });

  describe('cancelConfirmed', () => {
    it('lets only the person who asked drop the request, once', async () => {
      const id = await createConfirmation(store.once, pendingOf(['3_3_1']));
      expect(await cancelConfirmed(store.once, id, 'U0OTHER')).toEqual({
        outcome: 'not_requester',
        requestedBy: 'U0ASKER',
      });
      expect(await peekConfirmation(store.once, id)).toBeDefined();
      expect(await cancelConfirmed(store.once, id, 'U0ASKER')).toEqual({ outcome: 'cancelled' });
      expect(await peekConfirmation(store.once, id)).toBeUndefined();
      expect(await cancelConfirmed(store.once, id, 'U0ASKER')).toEqual({ outcome: 'taken' });
    });
  });

  describe('recallFromFeed', () => {
    const click = (userId: string): FeedClick => ({
      userId,
      origin: { kind: 'feed', channel: 'C0FEED', threadTs: '10.0' },
      refusal: reply(),
      reply: reply(),
    });
    const one = (msgKey: string) => ({
      lock: feedKeyLock('@TOA#_feed', msgKey),
      account: '@TOA#_feed',
      msgKeys: [msgKey],
    });

    it('recalls once on a double click, and a refused click keeps nobody out', async () => {
      const recall = fakeRecall(['U0MOD']);
      const stranger = click('U0STRANGER');
      expect(await recallFromFeed({ once: store.once, recall }, one('4_4_1'), stranger)).toBe(
        'refused',
      );
      expect(recall.authorize).toHaveBeenCalledWith(
        'U0STRANGER',
        stranger.refusal,
        expect.anything(),
      );
      expect(await recallFromFeed({ once: store.once, recall }, one('4_4_1'), click('U0MOD'))).toBe(
        'started',
      );
      expect(await recallFromFeed({ once: store.once, recall }, one('4_4_1'), click('U0MOD'))).toBe(
        'taken',
      );
      expect(recall.runs).toEqual([
        {
          pending: {
            account: '@TOA#_feed',
            msgKeys: ['4_4_1'],
            requestedBy: 'U0MOD',
            origin: { kind: 'feed', channel: 'C0FEED', threadTs: '10.0' },
          },
          userId: 'U0MOD',
        },
      ]);
    });

    it('frees the button when nothing was started', async () => {
      const failing = fakeRecall(['U0MOD'], false);
      expect(
        await recallFromFeed({ once: store.once, recall: failing }, one('4_4_2'), click('U0MOD')),
      ).toBe('not_started');
      const recall = fakeRecall(['U0MOD']);
      expect(await recallFromFeed({ once: store.once, recall }, one('4_4_2'), click('U0MOD'))).toBe(
        'started',
      );
    });

    it('lets Recall all skip a message its own Recall took, and take none when all are taken', async () => {
      const recall = fakeRecall(['U0MOD']);
      await recallFromFeed({ once: store.once, recall }, one('5_5_1'), click('U0MOD'));
      const all = {
        lock: feedGroupLock('g5'),
        perKey: true,
        account: '@TOA#_feed',
        msgKeys: ['5_5_1', '5_5_2'],
      };
      expect(await recallFromFeed({ once: store.once, recall }, all, click('U0MOD'))).toBe(
        'started',
      );
      expect(recall.runs[1]?.pending.msgKeys).toEqual(['5_5_2']);
      // Every key taken: nothing to send, and the post's own lock is freed again.
      const again = { ...all, lock: feedGroupLock('g5-again') };
      expect(await recallFromFeed({ once: store.once, recall }, again, click('U0MOD'))).toBe(
        'taken',
      );
      expect(await store.once.acquire(feedGroupLock('g5-again'), 1000)).toBe(true);
      expect(recall.runs).toHaveLength(2);
    });
  });
});
