/** A sent message's post once Tencent reports its recall: the post updated, a thread reply. */
import type { ContextBlock, KnownBlock } from '@slack/types';
import type { FeedEvent } from '../../kinds/feed-event.js';
import { kindOf } from '../../kinds/registry.js';
import { dateToken, eventTimeMs } from '../../kinds/time.js';
import { keysInline, Values } from '../../kinds/values.js';
import { truncate } from '../../slack/text.js';
import { FALLBACK_MAX, originParts, ownContext, section } from './blocks.js';
import { renderEvent } from './event.js';
import { isRecallActions } from './recall-button.js';

function recalledContext(withdrawal: FeedEvent): ContextBlock {
  return ownContext(`:no_entry: *Recalled* ${dateToken(eventTimeMs(withdrawal))}`);
}

/**
 * The blocks of a rendered feed post once its message was recalled: a ":no_entry: Recalled
 * <time>" line first, the Recall button gone.
 */
function markRecalled(blocks: readonly KnownBlock[], withdrawal: FeedEvent): KnownBlock[] {
  return [recalledContext(withdrawal), ...blocks.filter((block) => !isRecallActions(block))];
}

/**
 * The `chat.update` of a sent message's post when Tencent reports its recall: the post as it
 * was, minus the Recall button, plus a ":no_entry: Recalled <time>" line. When the sent event
 * is not at hand (pass the withdrawal as `sent`), the post shows the recall of `msgKey` alone.
 */
export function renderRecalledNotice(
  sent: FeedEvent,
  withdrawal: FeedEvent,
  msgKey?: string,
): { text: string; blocks: KnownBlock[] } {
  const original = renderEvent(
    kindOf(sent.body).sends ? sent : narrowedToKeys(withdrawal, msgKey ? [msgKey] : []),
  );
  return {
    text: truncate(`Recalled — ${original.text}`, FALLBACK_MAX),
    blocks: markRecalled(original.blocks, withdrawal),
  };
}

/** A recall of sent messages as if it listed only `msgKeys` (other events as they are). */
export function narrowedToKeys(withdrawal: FeedEvent, msgKeys: readonly string[]): FeedEvent {
  const { body } = withdrawal;
  const withdraws = kindOf(body).withdraws;
  if (!withdraws || msgKeys.length === 0) return withdrawal;
  return { ...withdrawal, body: withdraws.narrowedTo(body, msgKeys) };
}

/**
 * The short reply in the thread of a sent message's post when Tencent reports its recall.
 * `msgKeys` names the post's own messages (a recall can list messages of several posts).
 */
export function renderThreadReply(
  withdrawal: FeedEvent,
  msgKeys: readonly string[] = [],
): { text: string; blocks: KnownBlock[] } {
  const values = new Values();
  const { body } = narrowedToKeys(withdrawal, msgKeys);
  const kind = kindOf(body);
  const sent = kind.withdraws?.sentMessages(body);
  const what = sent
    ? `${keysInline(sent.msgKeys, values)} of ${values.code(sent.account)}`
    : kind.names.one;
  const origin = originParts(withdrawal, values);
  const text = [
    `:no_entry: Recalled ${dateToken(eventTimeMs(withdrawal))} — ${what}`,
    ...origin,
  ].join(' · ');
  return { text, blocks: [section(text)] };
}
