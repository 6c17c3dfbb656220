import type { OnceStore } from '../store/once.js';
import type { ReplyChannel } from './answers.js';
import {
  type PendingRecall,
  peekConfirmation,
  type RecallOrigin,
  takeConfirmation,
} from './confirmations.js';
import type { RecallService } from './service.js';

/**
 * The rules of a click (or a form's submit) that starts a recall, so that listeners only parse
 * the payload, call one of these and answer: a click by someone who may not recall uses nothing
 * up and keeps nobody out, and a second click recalls nothing twice.
 */
export interface ClickDeps {
  /** Confirmations and click locks. */
  once: OnceStore;
  recall: Pick<RecallService, 'authorize' | 'run'>;
}

/**
 * What came of a click: `refused` (the person was told why), `taken` (another click or
 * submission had it already, or it lapsed: the listener tells so), `started`, or `not_started`
 * (the recall could not be stored; the person was told).
 */
export type ClickOutcome = 'refused' | 'taken' | 'started' | 'not_started';

/**
 * Recalls `pending` for `userId` if they may, using it up (`take`) only then: a refused click
 * leaves it for someone who may recall. `take` resolves what to recall, or undefined when it
 * was used up already. `how.refusal`: where a refusal goes when not to `reply`;
 * `how.untake`: gives back what `take` took when the recall could not be started.
 */
export async function recallOnce(
  recall: ClickDeps['recall'],
  userId: string,
  reply: ReplyChannel,
  pending: PendingRecall,
  take: () => Promise<PendingRecall | undefined>,
  how: { refusal?: ReplyChannel; untake?: () => Promise<void> } = {},
): Promise<ClickOutcome> {
  if (!(await recall.authorize(userId, how.refusal ?? reply, pending)).allowed) return 'refused';
  const taken = await take();
  if (!taken) return 'taken';
  if (await recall.run(taken, userId, reply)) return 'started';
  await how.untake?.();
  return 'not_started';
}

/** A click on a confirmation button: who clicked, where it answers. */
export interface ConfirmationClick {
  /** The confirmation the button carries. */
  id: string;
  userId: string;
  reply: ReplyChannel;
  /**
   * The click's own response URL, when it answers through one (a button in an ephemeral
   * message): a command's answers then go there, also after a restart.
   */
  responseUrl?: string | undefined;
}

/** `confirm_recall` and `retry_recall`: the stored request, taken once, then recalled. */
export async function recallConfirmed(
  deps: ClickDeps,
  click: ConfirmationClick,
): Promise<ClickOutcome> {
  const stored = await peekConfirmation(deps.once, click.id);
  if (!stored) return 'taken';
  return recallOnce(deps.recall, click.userId, click.reply, stored, async () => {
    const pending = await takeConfirmation(deps.once, click.id);
    if (!pending) return undefined;
    const origin: RecallOrigin =
      pending.origin.kind === 'command' && click.responseUrl
        ? { ...pending.origin, responseUrl: click.responseUrl }
        : pending.origin;
    return { ...pending, origin };
  });
}

/**
 * `cancel_recall`: drops the stored request. Only the person who asked may drop what they asked
 * for; anybody else changes nothing (`not_requester`, with who asked).
 */
export async function cancelConfirmed(
  once: OnceStore,
  id: string,
  userId: string,
): Promise<
  | { outcome: 'cancelled' }
  | { outcome: 'taken' }
  | { outcome: 'not_requester'; requestedBy: string }
> {
  const stored = await peekConfirmation(once, id);
  if (stored && stored.requestedBy !== userId) {
    return { outcome: 'not_requester', requestedBy: stored.requestedBy };
  }
  const pending = stored && (await takeConfirmation(once, id));
  return { outcome: pending ? 'cancelled' : 'taken' };
}

/** How long a feed button stays taken after a click, so a double click recalls once. */
const FEED_CLICK_LOCK_MS = 5 * 60 * 1000;

/** What a feed button recalls, and the lock its click takes. */
export interface FeedRequest {
  lock: string;
  account: string;
  msgKeys: string[];
  /** Recall all: each key also takes its own Recall button's lock, and skips a key it cannot. */
  perKey?: boolean;
}

/** The lock of one sent message's Recall button (a Recall all of its post takes it too). */
export const feedKeyLock = (account: string, msgKey: string) => `feed-recall:${account}:${msgKey}`;

/** The lock of a post's Recall all button. */
export const feedGroupLock = (group: string) => `feed-recall-all:${group}`;

/** A click on a feed post's button: who clicked, the post, where the answers go. */
export interface FeedClick {
  userId: string;
  origin: Extract<RecallOrigin, { kind: 'feed' }>;
  /** Where a refusal goes: to the clicker alone, not in the channel's thread for everyone. */
  refusal: ReplyChannel;
  /** Where the answers go (the post's thread). */
  reply: ReplyChannel;
}

/**
 * Recalls messages shown in one feed post, after Slack's confirm dialog. The clicker is
 * authorized before the lock (a click by someone who may not recall must not keep a moderator
 * out); the lock keeps a double click from recalling twice (`taken`), and is freed when nothing
 * was started, for the next try.
 */
export async function recallFromFeed(
  deps: ClickDeps,
  request: FeedRequest,
  click: FeedClick,
): Promise<ClickOutcome> {
  const pending: PendingRecall = {
    account: request.account,
    msgKeys: request.msgKeys,
    requestedBy: click.userId,
    origin: click.origin,
  };
  let locks: string[] = [];
  const take = async () => {
    const taken = await takeLocks(deps.once, request);
    if (!taken) return undefined;
    locks = taken.locks;
    return { ...pending, msgKeys: taken.msgKeys };
  };
  return recallOnce(deps.recall, click.userId, click.reply, pending, take, {
    refusal: click.refusal,
    // Nothing was started: the buttons are free for the next try.
    untake: async () => {
      await Promise.all(locks.map((lock) => deps.once.takeOnce(lock).catch(() => undefined)));
    },
  });
}

/**
 * Takes a click's locks: its own, and with `perKey` each key's, so that a Recall and a Recall
 * all of the same message never both send it. Undefined when nothing is left to recall.
 */
async function takeLocks(
  once: OnceStore,
  request: FeedRequest,
): Promise<{ locks: string[]; msgKeys: string[] } | undefined> {
  if (!(await once.acquire(request.lock, FEED_CLICK_LOCK_MS))) return undefined;
  if (!request.perKey) return { locks: [request.lock], msgKeys: request.msgKeys };
  const locks = [request.lock];
  const msgKeys: string[] = [];
  for (const key of request.msgKeys) {
    const lock = feedKeyLock(request.account, key);
    if (!(await once.acquire(lock, FEED_CLICK_LOCK_MS))) continue;
    locks.push(lock);
    msgKeys.push(key);
  }
  if (msgKeys.length > 0) return { locks, msgKeys };
  await once.takeOnce(request.lock).catch(() => undefined);
  return undefined;
}
