import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import { recallModalSubmission } from '../../../../src/listeners/views/recall-modal.js';
import {
  createModalConfirmation,
  modalConfirmationId,
  peekModalConfirmation,
  type RecallOrigin,
} from '../../../../src/recall/confirmations.js';
import { viewArgs } from '../../../helpers/listener-args.js';
import { FAKE_REFUSAL, FAKE_RESULTS, useListenerWorld } from '../../../helpers/listener-world.js';
import { viewSubmissionPayload } from '../../../helpers/slack-requests.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const KEY = '71_1_1698741698';
const UNREADABLE = 'This form could not be read; close it and start again with /recall.';

describe('the recall form, submitted', () => {
  const world = useListenerWorld();
  let listener: ReturnType<typeof recallModalSubmission>;
  beforeEach(() => {
    listener = recallModalSubmission(world.deps);
  });

  const commandOrigin = (): RecallOrigin => ({
    kind: 'command',
    channel: 'CWORK000001',
    responseUrl: world.slack.responseUrl('form'),
  });

  /** A form opened by `UMOD` (its stored confirmation), submitted with `fields`. */
  async function submit(
    fields: { userId?: string; account?: string; keys?: string; reason?: string } = {},
    origin: RecallOrigin = commandOrigin(),
    privateMetadata?: string,
  ): Promise<string> {
    const metadata =
      privateMetadata ??
      (await createModalConfirmation(world.stores.once, { requestedBy: 'UMOD', origin }));
    const body = viewSubmissionPayload({
      userId: fields.userId ?? 'UMOD',
      account: fields.account ?? ACCOUNT,
      keys: fields.keys ?? KEY,
      privateMetadata: metadata,
      ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    });
    await listener(viewArgs(world.fakes, body));
    return modalConfirmationId(metadata) ?? '';
  }

  const formError = (account: string) => ({ response_action: 'errors', errors: { account } });

  it('closes the form, then recalls once, answering where the form was opened', async () => {
    const id = await submit({ keys: `${KEY}, 72_1_1698741698`, reason: 'spam' });
    expect(world.fakes.acks()).toEqual([undefined]);
    expect(world.recall.runs).toEqual([
      {
        pending: {
          account: ACCOUNT,
          msgKeys: [KEY, '72_1_1698741698'],
          reason: 'spam',
          requestedBy: 'UMOD',
          origin: commandOrigin(),
        },
        confirmedBy: 'UMOD',
      },
    ]);
    expect(world.slack.responses.map((r) => r.body.text)).toEqual([FAKE_RESULTS]);
    // Used up: a second submission of the same form recalls nothing.
    expect(await peekModalConfirmation(world.stores.once, id)).toBeUndefined();
  });

  it('shows each field’s problem on the form, and recalls nothing', async () => {
    await submit({ account: ' ', keys: 'abc', reason: 'x'.repeat(101) });
    const [answer] = world.fakes.acks() as {
      response_action: string;
      errors: Record<string, string>;
    }[];
    expect(answer?.response_action).toBe('errors');
    expect(Object.keys(answer?.errors ?? {}).sort()).toEqual(['account', 'keys', 'reason']);
    expect(world.recall.authorized).toEqual([]);
  });

  it('says on the form that it cannot be read: a body out of shape, or no confirmation of ours', async () => {
    await listener(viewArgs(world.fakes, { type: 'view_submission', view: {} }));
    await submit({}, commandOrigin(), 'not-a-confirmation');
    expect(world.fakes.acks()).toEqual([formError(UNREADABLE), formError(UNREADABLE)]);
    expect(world.recall.authorized).toEqual([]);
  });

  it('says on the form that it was already submitted (or expired)', async () => {
    const metadata = await createModalConfirmation(world.stores.once, {
      requestedBy: 'UMOD',
      origin: commandOrigin(),
    });
    await submit({}, commandOrigin(), metadata);
    await submit({}, commandOrigin(), metadata);
    expect(world.fakes.acks()[1]).toEqual(
      formError(expect.stringMatching(/^This form was already submitted/)),
    );
    expect(world.recall.runs).toHaveLength(1);
  });

  it('lets only the person who opened the form submit it', async () => {
    const id = await submit({ userId: 'UOTHER' });
    expect(world.fakes.acks()).toEqual([
      formError('Only the person who opened this form can submit it; nothing was recalled.'),
    ]);
    expect(await peekModalConfirmation(world.stores.once, id)).toBeDefined();
  });

  it('says something failed, on the form, when the store cannot be read in time', async () => {
    vi.spyOn(world.stores.once, 'peekOnce').mockRejectedValueOnce(new Error('disk gone'));
    await submit();
    expect(world.fakes.acks()).toEqual([formError(SOMETHING_FAILED)]);
    expect(world.lines.map((l) => l.message)).toEqual([
      'a recall form could not be read from the store',
    ]);
  });

  it('uses nothing up when the person may not recall, and tells them why', async () => {
    world.recall.allows = () => false;
    const id = await submit();
    expect(world.fakes.acks()).toEqual([undefined]);
    expect(world.recall.runs).toEqual([]);
    expect(world.slack.responses.map((r) => r.body.text)).toEqual([FAKE_REFUSAL]);
    expect(await peekModalConfirmation(world.stores.once, id)).toBeDefined();
  });

  it('tells a submission that lost the race beside the results, never over them', async () => {
    vi.spyOn(world.stores.once, 'takeOnce').mockResolvedValueOnce(undefined);
    await submit();
    expect(world.recall.runs).toEqual([]);
    expect(world.slack.responses).toEqual([
      {
        id: 'form',
        body: {
          response_type: 'ephemeral',
          replace_original: false,
          text: expect.stringMatching(/^:warning: This form was already submitted/),
        },
      },
    ]);
  });

  it('answers a form of the shortcut ephemerally in its channel', async () => {
    await submit({}, { kind: 'shortcut', channel: 'CWORK000002' });
    expect(world.fakes.calls('chat.postEphemeral')).toEqual([
      { channel: 'CWORK000002', user: 'UMOD', text: FAKE_RESULTS },
    ]);
  });

  it('tells the person something failed when the recall throws', async () => {
    vi.spyOn(world.recall, 'run').mockRejectedValueOnce(new Error('bug'));
    await submit();
    expect(world.slack.responses.map((r) => r.body.text)).toEqual([SOMETHING_FAILED]);
  });
});
