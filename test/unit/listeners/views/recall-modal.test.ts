import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import { recallModalSubmission } from '../../../../src/listeners/views/recall-modal.js';
import {
  createModalConfirmation,
  modalConfirmationId,
  peekModalConfirmation,
  type RecallOrigin,
} from '../../../../src/recall/confirmations.js';
import { type FakeSlack, startFakeSlack } from '../../../fakes/slack-api.js';
import {
  FAKE_REFUSAL,
  FAKE_RESULTS,
  type FakeRecall,
  fakeRecall,
  type ListenerFakes,
  listenerDeps,
  listenerFakes,
  viewArgs,
} from '../../../helpers/listener-args.js';
import { type LoggedLine, recordingLogger } from '../../../helpers/logger.js';
import { viewSubmissionPayload } from '../../../helpers/slack-requests.js';
import { openTestStore, type TestStore } from '../../../helpers/store.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const KEY = '71_1_1698741698';
const UNREADABLE = 'This form could not be read; close it and start again with /recall.';

describe('the recall form, submitted', () => {
  let slack: FakeSlack;
  let stores: TestStore;
  let fakes: ListenerFakes;
  let recall: ReturnType<typeof fakeRecall>;
  let lines: LoggedLine[];
  let listener: ReturnType<typeof recallModalSubmission>;

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
    recall = fakeRecall();
    const recorded = recordingLogger();
    lines = recorded.lines;
    listener = recallModalSubmission(
      listenerDeps({ store: stores.store, recall, logger: recorded.logger }),
    );
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const commandOrigin = (): RecallOrigin => ({
    kind: 'command',
    channel: 'CWORK000001',
    responseUrl: slack.responseUrl('form'),
  });

  /** A form opened by `UMOD` (its stored confirmation), submitted with `fields`. */
  async function submit(
    fields: { userId?: string; account?: string; keys?: string; reason?: string } = {},
    origin: RecallOrigin = commandOrigin(),
    privateMetadata?: string,
  ): Promise<string> {
    const metadata =
      privateMetadata ??
      (await createModalConfirmation(stores.once, { requestedBy: 'UMOD', origin }));
    const body = viewSubmissionPayload({
      userId: fields.userId ?? 'UMOD',
      account: fields.account ?? ACCOUNT,
      keys: fields.keys ?? KEY,
      privateMetadata: metadata,
      ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    });
    await listener(viewArgs(fakes, body));
    return modalConfirmationId(metadata) ?? '';
  }

  const formError = (account: string) => ({ response_action: 'errors', errors: { account } });

  it('closes the form, then recalls once, answering where the form was opened', async () => {
    const id = await submit({ keys: `${KEY}, 72_1_1698741698`, reason: 'spam' });
    expect(fakes.acks()).toEqual([undefined]);
    expect(recall.runs).toEqual([
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
    expect(slack.responses.map((r) => r.body.text)).toEqual([FAKE_RESULTS]);
    // Used up: a second submission of the same form recalls nothing.
    expect(await peekModalConfirmation(stores.once, id)).toBeUndefined();
  });

  it('shows each field’s problem on the form, and recalls nothing', async () => {
    await submit({ account: ' ', keys: 'abc', reason: 'x'.repeat(101) });
    const [answer] = fakes.acks() as { response_action: string; errors: Record<string, string> }[];
    expect(answer?.response_action).toBe('errors');
    expect(Object.keys(answer?.errors ?? {}).sort()).toEqual(['account', 'keys', 'reason']);
    expect(recall.authorized).toEqual([]);
  });

  it('says on the form that it cannot be read: a body out of shape, or no confirmation of ours', async () => {
    await listener(viewArgs(fakes, { type: 'view_submission', view: {} }));
    await submit({}, commandOrigin(), 'not-a-confirmation');
    expect(fakes.acks()).toEqual([formError(UNREADABLE), formError(UNREADABLE)]);
    expect(recall.authorized).toEqual([]);
  });

  it('says on the form that it was already submitted (or expired)', async () => {
    const metadata = await createModalConfirmation(stores.once, {
      requestedBy: 'UMOD',
      origin: commandOrigin(),
    });
    await submit({}, commandOrigin(), metadata);
    await submit({}, commandOrigin(), metadata);
    expect(fakes.acks()[1]).toEqual(
      formError(expect.stringMatching(/^This form was already submitted/)),
    );
    expect(recall.runs).toHaveLength(1);
  });

  it('lets only the person who opened the form submit it', async () => {
    const id = await submit({ userId: 'UOTHER' });
    expect(fakes.acks()).toEqual([
      formError('Only the person who opened this form can submit it; nothing was recalled.'),
    ]);
    expect(await peekModalConfirmation(stores.once, id)).toBeDefined();
  });

  it('says something failed, on the form, when the store cannot be read in time', async () => {
    vi.spyOn(stores.once, 'peekOnce').mockRejectedValueOnce(new Error('disk gone'));
    await submit();
    expect(fakes.acks()).toEqual([formError(SOMETHING_FAILED)]);
    expect(lines.map((l) => l.message)).toEqual(['a recall form could not be read from the store']);
  });

  it('uses nothing up when the person may not recall, and tells them why', async () => {
    recall.allows = () => false;
    const id = await submit();
    expect(fakes.acks()).toEqual([undefined]);
    expect(recall.runs).toEqual([]);
    expect(slack.responses.map((r) => r.body.text)).toEqual([FAKE_REFUSAL]);
    expect(await peekModalConfirmation(stores.once, id)).toBeDefined();
  });

  it('tells a submission that lost the race beside the results, never over them', async () => {
    vi.spyOn(stores.once, 'takeOnce').mockResolvedValueOnce(undefined);
    await submit();
    expect(recall.runs).toEqual([]);
    expect(slack.responses).toEqual([
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
    expect(fakes.calls('chat.postEphemeral')).toEqual([
      { channel: 'CWORK000002', user: 'UMOD', text: FAKE_RESULTS },
    ]);
  });

  it('tells the person something failed when the recall throws', async () => {
    const failing: FakeRecall & typeof recall = {
      ...recall,
      run: async () => {
        throw new Error('bug');
      },
    };
    listener = recallModalSubmission(listenerDeps({ store: stores.store, recall: failing }));
    await submit();
    expect(slack.responses.map((r) => r.body.text)).toEqual([SOMETHING_FAILED]);
  });
});
