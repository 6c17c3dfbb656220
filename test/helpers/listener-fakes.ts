import type { WebClient } from '@slack/web-api';
import { vi } from 'vitest';
import type { ButtonArgs } from '../../src/listeners/actions/click.js';
import type { ListenerDeps } from '../../src/listeners/deps.js';
import { silentLogger } from '../../src/log.js';
import type { ReplyChannel } from '../../src/recall/answers.js';
import type { Authorization } from '../../src/recall/authorize.js';
import type { PendingRecall } from '../../src/recall/confirmations.js';
import type { RecallService } from '../../src/recall/service.js';
import type { Store } from '../../src/store/store.js';

/** A click on a button of a message in `channel` (a thread reply answers next to it). */
export const clickBody = (
  userId: string,
  actionId: string,
  value: unknown,
  channel: string,
  ts: string,
) => ({
  type: 'block_actions',
  user: { id: userId },
  actions: [{ action_id: actionId, value }],
  container: { channel_id: channel, message_ts: ts },
  channel: { id: channel },
  message: { ts },
});

/**
 * What a button listener is given, faked as bolt-ts-starter-template does: `ack`, a `client`
 * recording its calls, and a recall service letting `allowed` people recall (`run` by default
 * starts every recall).
 */
export function buttonFakes(
  options: {
    allowed?: readonly string[];
    run?: (pending: PendingRecall, userId: string, reply: ReplyChannel) => Promise<boolean>;
  } = {},
) {
  const client = {
    chat: {
      postMessage: vi.fn(async (_args: { text: string }) => ({ ok: true, ts: '100.0' })),
      postEphemeral: vi.fn(async (_args: { text: string; user: string }) => ({ ok: true })),
      update: vi.fn(async () => ({ ok: true })),
    },
  };
  const recall = {
    authorize: vi.fn(
      async (userId: string): Promise<Authorization> =>
        !options.allowed || options.allowed.includes(userId)
          ? { allowed: true, because: 'a moderator' }
          : { allowed: false, reason: 'not a moderator' },
    ),
    run: vi.fn(options.run ?? (async () => true)),
  };
  const ack = vi.fn(async () => {});
  const args = (body: unknown) =>
    ({ ack, body, client: client as unknown as WebClient }) as unknown as ButtonArgs;
  const deps = (store: Store): ListenerDeps => ({
    once: store.once,
    links: store.links,
    recall: recall as unknown as RecallService,
    logger: silentLogger,
    allowedTeamIds: [],
  });
  return { client, recall, ack, args, deps };
}
