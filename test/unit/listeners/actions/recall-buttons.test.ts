import { describe, expect, it, vi } from 'vitest';
import { NOT_VALID } from '../../../../src/listeners/actions/click.js';
import {
  cancelRecallButton,
  confirmedRecallButton,
} from '../../../../src/listeners/actions/recall-buttons.js';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import {
  createConfirmation,
  type PendingRecall,
  peekConfirmation,
} from '../../../../src/recall/confirmations.js';
import { CANCEL_RECALL_ACTION_ID, CONFIRM_RECALL_ACTION_ID } from '../../../../src/slack/ids.js';
import { buttonArgs } from '../../../helpers/listener-args.js';
import { useListenerWorld } from '../../../helpers/listener-world.js';
import { blockActionPayload } from '../../../helpers/slack-requests.js';

const ASKER = 'UASKER';
const CHANNEL = 'CWORK000001';
const MESSAGE_TS = '1700000000.000500';
const EXPIRED = /already used or has expired/;

describe('the confirmation buttons', () => {
  const world = useListenerWorld();

  const pending = (): PendingRecall => ({
    account: '@TOA#_buttons',
    msgKeys: ['1_1_1698741698'],
    requestedBy: ASKER,
    origin: {
      kind: 'command',
      channel: CHANNEL,
      responseUrl: world.slack.responseUrl('command'),
    },
  });

  /** A click by `userId` on a confirmation message in the channel (or, `ephemeral`, in place). */
  const click = (actionId: string, id: unknown, userId: string, ephemeral = false) =>
    buttonArgs(
      world.fakes,
      blockActionPayload({
        actionId,
        value: typeof id === 'string' ? id : '',
        userId,
        channelId: CHANNEL,
        responseUrl: world.slack.responseUrl('click'),
        ...(ephemeral ? {} : { message: { ts: MESSAGE_TS } }),
      }),
    );
  const confirm = async (id: string, userId = 'UMOD', ephemeral = false) =>
    confirmedRecallButton(world.deps)(click(CONFIRM_RECALL_ACTION_ID, id, userId, ephemeral));
  const cancel = async (id: string, userId: string) =>
    cancelRecallButton(world.deps)(click(CANCEL_RECALL_ACTION_ID, id, userId));

  it('confirm: acks, then recalls the stored request for the clicker', async () => {
    const stored = pending();
    const id = await createConfirmation(world.stores.once, stored);
    await confirm(id);
    expect(world.fakes.steps[0]).toEqual({ kind: 'ack', response: undefined });
    expect(world.recall.runs).toEqual([{ pending: stored, confirmedBy: 'UMOD' }]);
  });

  it("confirm in an ephemeral message: a command's answers go to the click's response URL", async () => {
    const id = await createConfirmation(world.stores.once, pending());
    const args = click(CONFIRM_RECALL_ACTION_ID, id, 'UMOD', true);
    await confirmedRecallButton(world.deps)(args);
    const clickUrl = (args.body as { response_url: string }).response_url;
    expect(world.recall.runs[0]?.pending.origin).toEqual({
      kind: 'command',
      channel: CHANNEL,
      responseUrl: clickUrl,
    });
  });

  it('confirm: a second click recalls nothing, and its clicker is told beside the message', async () => {
    const id = await createConfirmation(world.stores.once, pending());
    await confirm(id);
    await confirm(id, 'UMOD2');
    expect(world.recall.runs).toHaveLength(1);
    expect(world.slack.responses.map((r) => String(r.body.text))).toEqual([
      expect.stringMatching(EXPIRED),
    ]);
  });

  it('confirm: a click by someone who may not recall leaves the confirmation for a moderator', async () => {
    world.recall.allows = (user) => user !== 'UGUEST';
    const id = await createConfirmation(world.stores.once, pending());
    await confirm(id, 'UGUEST');
    expect(world.recall.runs).toEqual([]);
    expect(await peekConfirmation(world.stores.once, id)).toBeDefined();
    await confirm(id, 'UMOD');
    expect(world.recall.runs.map((r) => r.confirmedBy)).toEqual(['UMOD']);
  });

  it('confirm: a failure on our side is told in the thread', async () => {
    vi.spyOn(world.recall, 'run').mockRejectedValueOnce(new Error('boom'));
    const id = await createConfirmation(world.stores.once, pending());
    await confirm(id);
    expect(world.fakes.calls('chat.postMessage')).toEqual([
      { channel: CHANNEL, text: SOMETHING_FAILED, thread_ts: MESSAGE_TS },
    ]);
  });

  it('refuses a button whose value cannot be read, beside it', async () => {
    await confirmedRecallButton(world.deps)(click(CONFIRM_RECALL_ACTION_ID, undefined, 'UMOD'));
    expect(world.fakes.acks()).toEqual([undefined]);
    expect(world.recall.authorized).toEqual([]);
    expect(world.slack.responses.map((r) => r.body.text)).toEqual([NOT_VALID]);
  });

  it('cancel: only the person who asked drops the request', async () => {
    const id = await createConfirmation(world.stores.once, pending());
    await cancel(id, 'UOTHER');
    expect(String(world.slack.responses[0]?.body.text)).toContain(`Only <@${ASKER}>`);
    expect(await peekConfirmation(world.stores.once, id)).toBeDefined();
    await cancel(id, ASKER);
    expect(await peekConfirmation(world.stores.once, id)).toBeUndefined();
    expect(world.fakes.calls('chat.postMessage')).toEqual([
      { channel: CHANNEL, text: 'Cancelled: nothing was recalled.', thread_ts: MESSAGE_TS },
    ]);
    expect(world.recall.runs).toEqual([]);
  });
});
