import { beforeEach, describe, expect, it } from 'vitest';
import { fakeSlackIdentity } from '../fakes/slack-api.js';
import { CHANNEL, postWebhook } from '../helpers/app.js';
import { useApp, useFakes } from '../helpers/fixture.js';
import {
  interactionBody,
  messageShortcutPayload,
  postSlack,
  viewSubmissionPayload,
} from '../helpers/slack-requests.js';
import { slackSession } from '../helpers/slack-session.js';
import { samples } from '../helpers/tencent-samples.js';

type Payload = Record<string, unknown>;

const ACCOUNT = '@TOA#_2J4SZEAEL';
const HOME = fakeSlackIdentity.teamId;
const PARTNER = 'T0PARTNER';
const key = (n: number) => `${n}_1_1698741698`;
const REFUSED = /another (Slack )?workspace|not installed/i;

/** Ways a request can come from elsewhere than the workspace the app is installed in. */
const elsewhere: [string, (p: Payload) => void][] = [
  [
    'another team',
    (p) => {
      p.team = { id: 'T0OTHER', domain: 'other' };
      p.user = { ...(p.user as Payload), team_id: 'T0OTHER' };
    },
  ],
  [
    'a Slack Connect user of another team in our channel',
    (p) => {
      p.user = { ...(p.user as Payload), team_id: 'T0OTHER' };
    },
  ],
  [
    'another enterprise',
    (p) => {
      p.enterprise = { id: 'E0OTHER', name: 'Other' };
    },
  ],
];

describe('requests from another workspace', () => {
  const fakes = useFakes({
    users: { UADMIN: { is_admin: true }, UPARTNERADMIN: { is_admin: true, teamId: PARTNER } },
  });
  const running = useApp(fakes, {
    each: true,
    env: () => ({ SLACK_ALLOWED_TEAM_IDS: PARTNER }),
    prepare: ({ tencent }) =>
      tencent.addMessages(
        ACCOUNT,
        Array.from({ length: 40 }, (_, i) => key(i + 1)),
      ),
  });
  let session: ReturnType<typeof slackSession>;
  beforeEach(() => {
    session = slackSession(running.app.url, fakes.slack);
  });

  it.each(elsewhere)(
    'refuses a confirm click from %s, and the confirmation stays for home',
    async (_what, edit) => {
      const asked = await session.command(`${ACCOUNT} ${key(1)}`, 'UADMIN');
      const foreign = await session.click(
        { actionId: 'confirm_recall', value: asked.confirmation, userId: 'UADMIN' },
        edit,
      );
      expect(foreign.status).toBe(200);
      expect(await session.answerTo(foreign.responseUrl, REFUSED, 5_000)).toContain('nothing');
      expect(fakes.tencent.calls).toHaveLength(0);

      const home = await session.click({
        actionId: 'confirm_recall',
        value: asked.confirmation,
        userId: 'UADMIN',
      });
      expect(await session.answerTo(home.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
      expect(fakes.tencent.calls).toHaveLength(1);
    },
  );

  it('refuses a Cancel click from another team, and leaves the confirmation', async () => {
    const asked = await session.command(`${ACCOUNT} ${key(2)}`, 'UADMIN');
    const [, edit] = elsewhere[0] ?? [];
    const foreign = await session.click(
      { actionId: 'cancel_recall', value: asked.confirmation, userId: 'UADMIN' },
      edit,
    );
    expect(await session.answerTo(foreign.responseUrl, REFUSED, 5_000)).not.toContain('Cancelled');
    const home = await session.click({
      actionId: 'confirm_recall',
      value: asked.confirmation,
      userId: 'UADMIN',
    });
    expect(await session.answerTo(home.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
  });

  it.each(elsewhere)(
    'refuses a feed Recall click from %s and keeps nobody out',
    async (_what, edit) => {
      await postWebhook(running.app.url, {
        ...samples.officialSend,
        Official_Account: ACCOUNT,
        MsgKey: key(3),
      });
      await fakes.slack.waitFor(() => fakes.slack.messages.length === 1, 5_000);
      const post = fakes.slack.messages[0];
      const value = JSON.stringify({ account: ACCOUNT, msgKey: key(3) });
      const where = { channelId: CHANNEL, message: { ts: post?.ts ?? '' } };
      const foreign = await session.click(
        { actionId: 'feed_recall', value, userId: 'UADMIN', ...where },
        edit,
      );
      const answer = await session.answerTo(foreign.responseUrl, REFUSED, 5_000);
      expect(answer).toContain('"replace_original":false');
      expect(fakes.tencent.calls).toHaveLength(0);

      await session.click({ actionId: 'feed_recall', value, userId: 'UADMIN', ...where });
      await fakes.slack.waitFor(
        () =>
          fakes.slack.messages.some(
            (m) => m.thread_ts === post?.ts && /Recalled 1 of 1/.test(`${m.text}`),
          ),
        5_000,
      );
      expect(fakes.tencent.calls).toHaveLength(1);
    },
  );

  it.each([
    ['another team', { team_id: 'T0OTHER' }],
    ['another enterprise', { enterprise_id: 'E0OTHER' }],
  ])('refuses /recall from %s before anything is stored or opened', async (_what, fields) => {
    const edit = (form: URLSearchParams) => {
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
    };
    const withKeys = await session.command(`${ACCOUNT} ${key(4)}`, 'UADMIN', edit);
    expect(withKeys.status).toBe(200);
    expect(withKeys.text).toMatch(REFUSED);
    expect(withKeys.confirmation).toBe('');
    const modal = await session.command('', 'UADMIN', edit);
    expect(modal.text).toMatch(REFUSED);
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.slack.views).toHaveLength(0);
    expect(fakes.tencent.calls).toHaveLength(0);
  });

  it('refuses a modal submission from another team, and the modal still works at home', async () => {
    const opened = await session.command('', 'UADMIN');
    await fakes.slack.waitFor(() => fakes.slack.views.length === 1, 3_000);
    const privateMetadata = String(fakes.slack.views[0]?.view.private_metadata);
    const payload = viewSubmissionPayload({
      userId: 'UADMIN',
      account: ACCOUNT,
      keys: key(5),
      privateMetadata,
    });
    elsewhere[0]?.[1](payload);
    const foreign = await postSlack(running.app.url, interactionBody(payload));
    expect(foreign.status).toBe(200);
    expect(foreign.text).toMatch(REFUSED);
    expect(foreign.json).toHaveProperty('response_action');
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.tencent.calls).toHaveLength(0);

    const home = viewSubmissionPayload({
      userId: 'UADMIN',
      account: ACCOUNT,
      keys: key(5),
      privateMetadata,
    });
    await postSlack(running.app.url, interactionBody(home));
    expect(await session.answerTo(opened.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
  });

  it('refuses the message shortcut from another team without opening the modal', async () => {
    const responseUrl = fakes.slack.responseUrl();
    const payload = messageShortcutPayload({
      userId: 'UADMIN',
      channelId: 'CWORK000001',
      message: { ts: '1.000001', text: `${ACCOUNT} ${key(6)}` },
      responseUrl,
    });
    elsewhere[0]?.[1](payload);
    const res = await postSlack(running.app.url, interactionBody(payload));
    expect(res.status).toBe(200);
    expect(await session.answerTo(responseUrl, REFUSED, 5_000)).toBeTruthy();
    expect(fakes.slack.views).toHaveLength(0);
  });

  it('serves a team listed in SLACK_ALLOWED_TEAM_IDS (Slack Connect), and only that one', async () => {
    const asked = await session.command(`${ACCOUNT} ${key(7)}`, 'UADMIN', (form) =>
      form.set('team_id', PARTNER),
    );
    expect(asked.confirmation).not.toBe('');
    const partner = await session.click(
      { actionId: 'confirm_recall', value: asked.confirmation, userId: 'UADMIN' },
      (p) => {
        p.team = { id: PARTNER, domain: 'partner' };
        p.user = { ...(p.user as Payload), team_id: PARTNER };
      },
    );
    expect(await session.answerTo(partner.responseUrl, /Recalled \*1 of 1\*/)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(1);
    expect(HOME).not.toBe(PARTNER);
  });

  it("does not take a listed partner's admin for one of ours", async () => {
    const asked = await session.command(`${ACCOUNT} ${key(9)}`, 'UPARTNERADMIN', (form) =>
      form.set('team_id', PARTNER),
    );
    expect(asked.confirmation).not.toBe('');
    const clicked = await session.click(
      { actionId: 'confirm_recall', value: asked.confirmation, userId: 'UPARTNERADMIN' },
      (p) => {
        p.team = { id: PARTNER, domain: 'partner' };
        p.user = { ...(p.user as Payload), team_id: PARTNER };
      },
    );
    expect(await session.answerTo(clicked.responseUrl, /not allowed/)).toBeTruthy();
    expect(fakes.tencent.calls).toHaveLength(0);
  });
});

describe('requests from another workspace, with no team listed', () => {
  const fakes = useFakes({ users: { UADMIN: { is_admin: true } } });
  const running = useApp(fakes);

  it('serves only the installed workspace by default', async () => {
    const session = slackSession(running.app.url, fakes.slack);
    const partner = await session.command(`${ACCOUNT} ${key(8)}`, 'UADMIN', (form) =>
      form.set('team_id', PARTNER),
    );
    expect(partner.text).toMatch(REFUSED);
    const home = await session.command(`${ACCOUNT} ${key(8)}`, 'UADMIN');
    expect(home.confirmation).not.toBe('');
  });
});
