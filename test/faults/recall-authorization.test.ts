import { beforeEach, describe, expect, it } from 'vitest';
import { AUTHORIZATION_CACHE_MS } from '../../src/recall/authorize.js';
import type { MethodFault } from '../fakes/slack-api.js';
import { useApp, useFakes } from '../helpers/fixture.js';
import { slackSession } from '../helpers/slack-session.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const keys = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `${from + i}_1_1698741698`);
/** The lookup's bound (3 s) and the time to answer. */
const PROMPTLY_MS = 4_500;

describe('recall authorization when Slack fails, hangs or changes its answer', () => {
  const fakes = useFakes({
    users: { UADMIN: { is_admin: true }, ULISTED: {}, UGROUPED: {} },
    usergroups: { SRESPONDERS: ['UGROUPED'] },
  });
  const running = useApp(fakes, {
    each: true,
    env: () => ({ RECALL_ALLOWED_USERS: 'ULISTED', RECALL_ALLOWED_USERGROUPS: 'SRESPONDERS' }),
    prepare: ({ tencent }) => tencent.addMessages(ACCOUNT, keys(50)),
  });
  let session: ReturnType<typeof slackSession>;
  beforeEach(() => {
    session = slackSession(running.app.url, fakes.slack);
  });

  async function confirm(confirmation: string, userId: string) {
    const click = await session.click({ actionId: 'confirm_recall', value: confirmation, userId });
    expect(click.status).toBe(200);
    return click.responseUrl;
  }

  it.each<[string, string, string, MethodFault]>([
    ['users.info answers 500', 'UADMIN', 'users.info', 'http500'],
    ['users.info never answers', 'UADMIN', 'users.info', 'hang'],
    ['usergroups.users.list answers 500', 'UGROUPED', 'usergroups.users.list', 'http500'],
    ['usergroups.users.list never answers', 'UGROUPED', 'usergroups.users.list', 'hang'],
  ])(
    'says no within seconds when %s, and the confirmation still works after',
    async (_what, user, method, fault) => {
      const asked = await session.command(`${ACCOUNT} ${keys(1, 1)[0]}`, 'ULISTED');
      fakes.slack.failNext(method, fault, 50);
      const started = Date.now();
      const url = await confirm(asked.confirmation, user);
      const answer = await session.answerTo(url, /:no_entry:/, PROMPTLY_MS);
      expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
      expect(answer).toMatch(/Slack could not confirm your permission/);
      expect(answer).toMatch(/nothing was recalled/i);
      expect(fakes.tencent.calls).toHaveLength(0);

      // Refused for want of an answer, not used up: once Slack answers, the same button works.
      fakes.slack.reset();
      const again = await confirm(asked.confirmation, user);
      expect(await session.answerTo(again, /Recalled \*1 of 1\*/)).toBeTruthy();
      expect(fakes.tencent.calls).toHaveLength(1);
    },
  );

  it('asks Slack once per lookup, without retries, when it fails', async () => {
    const asked = await session.command(`${ACCOUNT} ${keys(1, 2)[0]}`, 'ULISTED');
    fakes.slack.failNext('users.info', 'http500', 50);
    const url = await confirm(asked.confirmation, 'UADMIN');
    await session.answerTo(url, /:no_entry:/, PROMPTLY_MS);
    await new Promise((r) => setTimeout(r, 500));
    expect(fakes.slack.calls.filter((c) => c.method === 'users.info')).toHaveLength(1);
  });

  it('refuses an admin who was just demoted, and a member just removed from the group', async () => {
    const first = await session.command(`${ACCOUNT} ${keys(1, 3)[0]}`, 'ULISTED');
    expect(await session.answerTo(await confirm(first.confirmation, 'UADMIN'), /Recalled/)).toMatch(
      /Recalled \*1 of 1\*/,
    );
    const second = await session.command(`${ACCOUNT} ${keys(1, 4)[0]}`, 'ULISTED');
    expect(
      await session.answerTo(await confirm(second.confirmation, 'UGROUPED'), /Recalled/),
    ).toMatch(/Recalled \*1 of 1\*/);

    fakes.slack.setUser('UADMIN', {});
    fakes.slack.setUsergroup('SRESPONDERS', []);
    // The longest an answer is reused: a few seconds, not a minute.
    await new Promise((r) => setTimeout(r, AUTHORIZATION_CACHE_MS));

    for (const user of ['UADMIN', 'UGROUPED']) {
      const asked = await session.command(`${ACCOUNT} ${keys(1, 5)[0]}`, 'ULISTED');
      const answer = await session.answerTo(await confirm(asked.confirmation, user), /:no_entry:/);
      expect(answer).toContain('not allowed to recall');
    }
    expect(fakes.tencent.calls).toHaveLength(2);
  });
});
