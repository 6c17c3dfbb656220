import { beforeEach, describe, expect, it } from 'vitest';
import { AUTHORIZATION_CACHE_MS } from '../../src/recall/authorize.js';
import { CHANNEL } from '../helpers/app.js';
import { useApp, useFakes } from '../helpers/fixture.js';
import { interactionBody, postSlack, viewSubmissionPayload } from '../helpers/slack-requests.js';
import { slackSession } from '../helpers/slack-session.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const keys = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `${from + i}_1_1698741698`);

describe('hostile use of confirmations: replays, other people, bad buttons and forms', () => {
  const fakes = useFakes({ users: { UADMIN: { is_admin: true }, ULISTED: {}, UNOBODY: {} } });
  const running = useApp(fakes, {
    each: true,
    env: () => ({ RECALL_ALLOWED_USERS: 'ULISTED' }),
    prepare: ({ tencent }) => tencent.addMessages(ACCOUNT, keys(50)),
  });
  let session: ReturnType<typeof slackSession>;
  beforeEach(() => {
    session = slackSession(running.app.url, fakes.slack);
  });

  const auditLines = () =>
    fakes.slack.messages.filter(
      (m) => m.channel === CHANNEL && /recalled \d+ message/.test(`${m.text}`),
    );

  /** `/recall` alone: the modal it opens, and where its results go. */
  async function openModal(userId = 'ULISTED') {
    const before = fakes.slack.views.length;
    const { responseUrl } = await session.command('', userId);
    await fakes.slack.waitFor(() => fakes.slack.views.length === before + 1, 3_000);
    const view = fakes.slack.views.at(-1)?.view as { private_metadata: string };
    return { responseUrl, privateMetadata: view.private_metadata };
  }

  function submission(privateMetadata: string, keyList: string[], userId = 'ULISTED'): string {
    return interactionBody(
      viewSubmissionPayload({ userId, account: ACCOUNT, keys: keyList.join(' '), privateMetadata }),
    );
  }

  it('recalls once when a signed modal submission is replayed later', async () => {
    const modal = await openModal();
    const body = submission(modal.privateMetadata, keys(1, 1));
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await postSlack(running.app.url, body, { timestamp });
    expect(first.status).toBe(200);
    expect(await session.answerTo(modal.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
    await fakes.slack.waitFor(() => auditLines().length === 1, 5_000);

    // The same bytes, the same signature: Slack's signature alone cannot tell a replay.
    const replay = await postSlack(running.app.url, body, { timestamp });
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(replay.json)).toMatch(/already (been )?(submitted|used)/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.tencent.calls).toHaveLength(1);
    expect(auditLines()).toHaveLength(1);
  });

  it('recalls once when the same submission arrives twice at the same moment', async () => {
    const modal = await openModal();
    const body = submission(modal.privateMetadata, keys(2, 3));
    const timestamp = Math.floor(Date.now() / 1000);
    const answers = await Promise.all([
      postSlack(running.app.url, body, { timestamp }),
      postSlack(running.app.url, body, { timestamp }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await session.answerTo(modal.responseUrl, /Recalled \*2 of 2\*/)).toBeTruthy();
    // The second is told, in its answer or where the modal's results go.
    await fakes.slack.waitFor(
      () =>
        answers.some((a) => /already/.test(a.text)) ||
        session.responsesTo(modal.responseUrl).some((b) => /already/.test(JSON.stringify(b))),
      5_000,
    );
    await fakes.slack.waitFor(() => auditLines().length === 1, 5_000);
    expect(fakes.tencent.calls).toHaveLength(1);
    expect(fakes.tencent.calls[0]?.msgKeys).toEqual(keys(2, 3));
  });

  it("tells someone else submitting a person's form so on the form, and uses nothing up", async () => {
    const modal = await openModal('ULISTED');
    const other = await postSlack(
      running.app.url,
      submission(modal.privateMetadata, keys(1, 5), 'UADMIN'),
    );
    expect(other.json).toMatchObject({ response_action: 'errors' });
    expect(other.text).toContain('Only the person who opened this form');
    await postSlack(running.app.url, submission(modal.privateMetadata, keys(1, 5), 'ULISTED'));
    expect(await session.answerTo(modal.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(1);
  });

  it('keeps the form of someone who may not recall for when they may: a refusal uses nothing up', async () => {
    const modal = await openModal('UNOBODY');
    const body = submission(modal.privateMetadata, keys(1, 6), 'UNOBODY');
    await postSlack(running.app.url, body);
    expect(await session.answerTo(modal.responseUrl, /:no_entry:/)).toContain('not allowed');
    expect(fakes.tencent.calls).toHaveLength(0);
    fakes.slack.setUser('UNOBODY', { is_admin: true });
    await new Promise((r) => setTimeout(r, AUTHORIZATION_CACHE_MS));
    await postSlack(running.app.url, body);
    expect(await session.answerTo(modal.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(1);
  });

  it.each<[string, unknown]>([
    ['not JSON', 'not json'],
    ['empty', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[]'],
    ['a where-to-answer the app did not make', JSON.stringify({ kind: 'shortcut' })],
    [
      'a command origin the app did not make',
      JSON.stringify({ kind: 'command', channel: 'C1', responseUrl: 'http://127.0.0.1:9/x' }),
    ],
    ['an unknown confirmation', JSON.stringify({ confirmation: crypto.randomUUID() })],
    ['a confirmation that is not an ID', JSON.stringify({ confirmation: '../../etc' })],
    ['a number', 5],
    ['null', null],
    ['an object', { kind: 'shortcut' }],
    ['missing', undefined],
  ])(
    'answers a submission whose private_metadata is %s on the form, never 500',
    async (_what, metadata) => {
      const payload = viewSubmissionPayload({
        userId: 'UADMIN',
        account: ACCOUNT,
        keys: keys(1, 7)[0],
        privateMetadata: '',
      });
      const view = payload.view as Record<string, unknown>;
      if (metadata === undefined) delete view.private_metadata;
      else view.private_metadata = metadata;
      const res = await postSlack(running.app.url, interactionBody(payload));
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ response_action: 'errors' });
      expect(JSON.stringify(res.json)).toMatch(/open it again|start again/i);
      await new Promise((r) => setTimeout(r, 200));
      expect(fakes.tencent.calls).toHaveLength(0);
      expect(auditLines()).toHaveLength(0);
    },
  );

  it('lets only the person who asked cancel a confirmation; others are told and change nothing', async () => {
    const asked = await session.command(`${ACCOUNT} ${keys(1, 9)[0]}`, 'ULISTED');
    for (const other of ['UADMIN', 'UNOBODY']) {
      const cancel = await session.click({
        actionId: 'cancel_recall',
        value: asked.confirmation,
        userId: other,
      });
      expect(cancel.status).toBe(200);
      const answer = await session.answerTo(cancel.responseUrl, /./);
      expect(answer).toContain('<@ULISTED>');
      expect(answer).toMatch(/only/i);
      expect(answer).not.toContain('Cancelled');
    }
    const confirm = await session.click({
      actionId: 'confirm_recall',
      value: asked.confirmation,
      userId: 'ULISTED',
    });
    expect(await session.answerTo(confirm.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(1);

    // The owner may cancel.
    const again = await session.command(`${ACCOUNT} ${keys(1, 10)[0]}`, 'ULISTED');
    const cancel = await session.click({
      actionId: 'cancel_recall',
      value: again.confirmation,
      userId: 'ULISTED',
    });
    expect(await session.answerTo(cancel.responseUrl, /Cancelled/)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(1);
  });

  const badValues: [string, unknown][] = [
    ['over 2,000 characters', 'x'.repeat(2001)],
    ['missing', undefined],
    ['a number', 42],
    ['null', null],
    ['an object', { confirmation: 'x' }],
    ['an array', ['a']],
  ];
  const buttons: [string, boolean][] = [
    ['confirm_recall', false],
    ['cancel_recall', false],
    ['retry_recall', false],
    ['feed_recall', true],
    ['feed_recall_all', true],
  ];
  const cases = buttons.flatMap(([actionId, onFeed]) =>
    badValues.map(([what, value]) => [actionId, what, value, onFeed] as const),
  );

  it.each(cases)(
    'answers a %s click whose value is %s, visibly, and does nothing',
    async (actionId, _what, value, onFeed) => {
      const click = await session.click(
        {
          actionId,
          value: '',
          userId: 'UADMIN',
          ...(onFeed ? { channelId: CHANNEL, message: { ts: '1700000000.000100' } } : {}),
        },
        (payload) => {
          const [action] = payload.actions as Record<string, unknown>[];
          if (!action) return;
          if (value === undefined) delete action.value;
          else action.value = value;
        },
      );
      expect(click.status).toBe(200);
      const answer = await session.answerTo(click.responseUrl, /not valid/, 5_000);
      expect(answer).toContain('nothing');
      // Shown to the person who clicked; a feed post is never replaced by it.
      expect(answer).toContain('"response_type":"ephemeral"');
      if (onFeed) expect(answer).toContain('"replace_original":false');
      expect(fakes.tencent.calls).toHaveLength(0);
    },
  );

  it.each([
    ['feed_recall', 'not JSON'],
    ['feed_recall', JSON.stringify({ account: ACCOUNT, msgKey: 'not-a-key' })],
    ['feed_recall_all', JSON.stringify({ group: 5 })],
  ])('answers a %s click whose value %s cannot be read, visibly', async (actionId, value) => {
    const click = await session.click({
      actionId,
      value,
      userId: 'UADMIN',
      channelId: CHANNEL,
      message: { ts: '1700000000.000100' },
    });
    expect(await session.answerTo(click.responseUrl, /not valid/, 5_000)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(0);
  });

  it('answers a click on a button it does not know at once, visibly', async () => {
    const started = Date.now();
    const click = await session.click({
      actionId: 'no_such_button',
      value: 'x',
      userId: 'UADMIN',
      channelId: CHANNEL,
      message: { ts: '1700000000.000100' },
    });
    expect(click.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await session.answerTo(click.responseUrl, /does not know this button/, 5_000)).toContain(
      '"replace_original":false',
    );
    expect(fakes.tencent.calls).toHaveLength(0);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a form it does not know', { callback_id: 'other_modal' }],
    ['a form closed that never asked to be told', { type: 'view_closed' }],
  ])('answers %s at once, never with a timeout', async (_what, change) => {
    const payload = viewSubmissionPayload({
      userId: 'UADMIN',
      account: ACCOUNT,
      keys: keys(1, 8)[0],
      privateMetadata: '',
    });
    if (change.type) payload.type = change.type;
    if (change.callback_id)
      (payload.view as Record<string, unknown>).callback_id = change.callback_id;
    const started = Date.now();
    const res = await postSlack(running.app.url, interactionBody(payload));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    if (payload.type === 'view_submission')
      expect(res.text).toContain('does not know this button or form');
    expect(fakes.tencent.calls).toHaveLength(0);
  });
});
