import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import { recallMessagesShortcut } from '../../../../src/listeners/shortcuts/recall-messages.js';
import {
  modalConfirmationId,
  peekModalConfirmation,
} from '../../../../src/recall/confirmations.js';
import { type FakeSlack, startFakeSlack } from '../../../fakes/slack-api.js';
import {
  type ListenerFakes,
  listenerDeps,
  listenerFakes,
  shortcutArgs,
} from '../../../helpers/listener-args.js';
import { messageShortcutPayload } from '../../../helpers/slack-requests.js';
import { openTestStore, type TestStore } from '../../../helpers/store.js';

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
  let slack: FakeSlack;
  let stores: TestStore;
  let fakes: ListenerFakes;
  let listener: ReturnType<typeof recallMessagesShortcut>;

  beforeAll(async () => {
    slack = await startFakeSlack();
    stores = openTestStore();
  });
  afterAll(async () => {
    await stores.close();
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    fakes = listenerFakes();
    listener = recallMessagesShortcut(listenerDeps({ store: stores.store }));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const shortcut = (message: Record<string, unknown>, responseUrl = slack.responseUrl('sc')) =>
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
        fakes,
        shortcut({ text: 'spam from @TOA#_2J4SZEAEL: 71_1_1698741698 72_1_1698741698' }),
      ),
    );
    expect(fakes.steps.map((s) => (s.kind === 'call' ? s.method : s.kind))).toEqual([
      'ack',
      'views.open',
    ]);
    const [open] = fakes.calls('views.open') as {
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
    expect(await peekModalConfirmation(stores.once, id)).toEqual({
      requestedBy: 'UMOD',
      origin: { kind: 'shortcut', channel: 'CWORK000001' },
    });
  });

  it('says so on the form when the message names no MsgKey, or several accounts', async () => {
    await listener(shortcutArgs(fakes, shortcut({ text: 'nothing to see' })));
    await listener(shortcutArgs(fakes, shortcut({ text: '@TOA#_AAA 1_1_1 and @TOA#_BBB 2_2_2' })));
    const [none, several] = fakes.calls('views.open').map((c) => JSON.stringify(c.view));
    expect(none).toContain('No MsgKeys were found in that message; type them in.');
    expect(several).toContain('This message names 2 accounts; the first is filled in.');
  });

  it('tells the person, beside the message, when the shortcut cannot be read', async () => {
    const body = shortcut({ text: '1_1_1' });
    delete body.trigger_id;
    await listener(shortcutArgs(fakes, body));
    expect(fakes.acks()).toEqual([undefined]);
    expect(fakes.calls('views.open')).toEqual([]);
    expect(slack.responses).toEqual([
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
    fakes.failing.add('views.open');
    await listener(shortcutArgs(fakes, shortcut({ text: '@TOA#_AAA 1_1_1' })));
    expect(slack.responses.map((r) => r.body.text)).toEqual([SOMETHING_FAILED]);
  });

  it('tells the person something failed when the form cannot be stored, and opens nothing', async () => {
    vi.spyOn(stores.once, 'putOnce').mockRejectedValueOnce(new Error('disk full'));
    await listener(shortcutArgs(fakes, shortcut({ text: '@TOA#_AAA 1_1_1' })));
    expect(fakes.calls('views.open')).toEqual([]);
    expect(slack.responses.map((r) => r.body.text)).toEqual([SOMETHING_FAILED]);
  });
});
