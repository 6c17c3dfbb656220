import { describe, expect, it } from 'vitest';
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
import { buttonFakes, clickBody } from '../../../helpers/listener-fakes.js';
import { useSqliteStore } from '../../../helpers/sqlite-store.js';

const ASKER = 'U0ASKER';
const CHANNEL = 'C0CHANNEL';

const pending: PendingRecall = {
  account: '@TOA#_buttons',
  msgKeys: ['1_1_1'],
  requestedBy: ASKER,
  origin: { kind: 'command', channel: CHANNEL, responseUrl: 'https://hooks.slack.com/cmd' },
};

const click = (userId: string, value: unknown) =>
  clickBody(userId, 'confirm_recall', value, CHANNEL, '5.0');

describe('recall buttons', () => {
  const store = useSqliteStore('recall-buttons');
  it('confirm: acknowledges, then recalls the stored request for the clicker', async () => {
    const { recall, ack, args, client, deps } = buttonFakes();
    const id = await createConfirmation(store.once, pending);
    await confirmedRecallButton(deps(store))(args(click('U0MOD', id)));
    expect(ack).toHaveBeenCalledTimes(1);
    expect(recall.run).toHaveBeenCalledWith(pending, 'U0MOD', expect.anything());
    expect(client.chat.postEphemeral).not.toHaveBeenCalled();
  });

  it('confirm: tells the clicker alone when the confirmation was used', async () => {
    const { recall, args, client, deps } = buttonFakes();
    const id = await createConfirmation(store.once, pending);
    await confirmedRecallButton(deps(store))(args(click('U0MOD', id)));
    await confirmedRecallButton(deps(store))(args(click('U0MOD', id)));
    expect(recall.run).toHaveBeenCalledTimes(1);
    expect(client.chat.postEphemeral).toHaveBeenCalledTimes(1);
    expect(client.chat.postEphemeral.mock.calls[0]?.[0]).toMatchObject({ user: 'U0MOD' });
    expect(client.chat.postEphemeral.mock.calls[0]?.[0].text).toMatch(
      /already used or has expired/,
    );
  });

  it('refuses a button whose value cannot be read, visibly', async () => {
    const { recall, ack, args, client, deps } = buttonFakes();
    await confirmedRecallButton(deps(store))(args(click('U0MOD', 42)));
    expect(ack).toHaveBeenCalledTimes(1);
    expect(recall.authorize).not.toHaveBeenCalled();
    expect(client.chat.postEphemeral.mock.calls[0]?.[0].text).toBe(NOT_VALID);
  });

  it('confirm: a failure on our side is told in the thread', async () => {
    const { args, client, deps } = buttonFakes({
      run: async () => {
        throw new Error('boom');
      },
    });
    const id = await createConfirmation(store.once, pending);
    await confirmedRecallButton(deps(store))(args(click('U0MOD', id)));
    expect(client.chat.postMessage).toHaveBeenCalledWith(
      expect.objectContaining({ channel: CHANNEL, thread_ts: '5.0', text: SOMETHING_FAILED }),
    );
  });

  it('cancel: only the person who asked drops the request', async () => {
    const { recall, args, client, deps } = buttonFakes();
    const id = await createConfirmation(store.once, pending);
    await cancelRecallButton(deps(store))(args(click('U0OTHER', id)));
    expect(client.chat.postEphemeral.mock.calls[0]?.[0].text).toContain(`Only <@${ASKER}>`);
    expect(await peekConfirmation(store.once, id)).toBeDefined();
    await cancelRecallButton(deps(store))(args(click(ASKER, id)));
    expect(await peekConfirmation(store.once, id)).toBeUndefined();
    expect(client.chat.postMessage).toHaveBeenCalledWith(
      expect.objectContaining({ text: 'Cancelled: nothing was recalled.', thread_ts: '5.0' }),
    );
    expect(recall.run).not.toHaveBeenCalled();
  });
});
