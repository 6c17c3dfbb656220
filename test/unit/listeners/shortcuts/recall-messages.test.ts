import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import { recallMessagesShortcut } from '../../../../src/listeners/shortcuts/recall-messages.js';
import {
  modalConfirmationId,
  peekModalConfirmation,
} from '../../../../src/recall/confirmations.js';
import { shortcutArgs } from '../../../helpers/listener-args.js';
import { useListenerWorld } from '../../../helpers/listener-world.js';
import { messageShortcutPayload } from '../../../helpers/slack-requests.js';

/** The input values of the modal `views.open` was given, by block. */
function initialValues(view: unknown): Record<string, unknown> {
  const blocks = (
    view as { blocks: { block_id?: string; element?: { initial_value?: unknown } }[] }
  ).blocks;
  return Object.fromEntries(
    blocks.flatMap((b) => (b.block_id ? [[b.block_id, b.element?.initial_value]] : [])),
  );
}

describe('the Recall messages shortcut', () => {
  const world = useListenerWorld();
  let listener: ReturnType<typeof recallMessagesShortcut>;
  beforeEach(() => {
    listener = recallMessagesShortcut(world.deps);
  });

  const shortcut = (
    message: Record<string, unknown>,
    responseUrl = world.slack.responseUrl('sc'),
  ) =>
    messageShortcutPayload({
      userId: 'UMOD',
      channelId: 'CWORK000001',
      message: { ts: '1700000000.000001', ...message },
      responseUrl,
      triggerId: 'trigger-sc',
    });

  it('acks first, then opens the form filled in from the message', async () => {
    await listener(
      shortcutArgs(
        world.fakes,
        shortcut({ text: 'spam from @TOA#_2J4SZEAEL: 71_1_1698741698 72_1_1698741698' }),
      ),
    );
    expect(world.fakes.steps.map((s) => (s.kind === 'call' ? s.method : s.kind))).toEqual([
      'ack',
      'views.open',
    ]);
    const [open] = world.fakes.calls('views.open') as {
      trigger_id: string;
      view: Record<string, unknown>;
    }[];
    expect(open?.trigger_id).toBe('trigger-sc');
    expect(initialValues(open?.view)).toEqual({
      account: '@TOA#_2J4SZEAEL',
      keys: '71_1_1698741698\n72_1_1698741698',
      reason: undefined,
    });
    const id = modalConfirmationId(open?.view.private_metadata) ?? '';
    expect(await peekModalConfirmation(world.stores.once, id)).toEqual({
      requestedBy: 'UMOD',
      origin: { kind: 'shortcut', channel: 'CWORK000001' },
    });
  });

  it('says so on the form when the message names no MsgKey, or several accounts', async () => {
    await listener(shortcutArgs(world.fakes, shortcut({ text: 'nothing to see' })));
    await listener(
      shortcutArgs(world.fakes, shortcut({ text: '@TOA#_AAA 1_1_1 and @TOA#_BBB 2_2_2' })),
    );
    const [none, several] = world.fakes.calls('views.open').map((c) => JSON.stringify(c.view));
    expect(none).toContain('No MsgKeys were found in that message; type them in.');
    expect(several).toContain('This message names 2 accounts; the first is filled in.');
  });

  it('tells the person, beside the message, when the shortcut cannot be read', async () => {
    const body = shortcut({ text: '1_1_1' });
    delete body.trigger_id;
    await listener(shortcutArgs(world.fakes, body));
    expect(world.fakes.acks()).toEqual([undefined]);
    expect(world.fakes.calls('views.open')).toEqual([]);
    expect(world.slack.responses).toEqual([
      {
        id: 'sc',
        body: expect.objectContaining({
          response_type: 'ephemeral',
          replace_original: false,
          text: expect.stringContaining('That shortcut could not be read'),
        }),
      },
    ]);
  });

  it('tells the person something failed when the form cannot be opened', async () => {
    world.fakes.failing.add('views.open');
    await listener(shortcutArgs(world.fakes, shortcut({ text: '@TOA#_AAA 1_1_1' })));
    expect(world.slack.responses.map((r) => r.body.text)).toEqual([SOMETHING_FAILED]);
  });

  it('tells the person something failed when the form cannot be stored, and opens nothing', async () => {
    vi.spyOn(world.stores.once, 'putOnce').mockRejectedValueOnce(new Error('disk full'));
    await listener(shortcutArgs(world.fakes, shortcut({ text: '@TOA#_AAA 1_1_1' })));
    expect(world.fakes.calls('views.open')).toEqual([]);
    expect(world.slack.responses.map((r) => r.body.text)).toEqual([SOMETHING_FAILED]);
  });
});
