import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import {
  AUTHORIZATION_CACHE_MS,
  AUTHORIZATION_TIMEOUT_MS,
  RecallAuthorizer,
} from '../../../src/recall/authorize.js';
import { cachedBotAuthorize } from '../../../src/slack/authorize.js';

type Answer = Record<string, unknown> | 'hang' | Error;

/** A Slack that answers `users.info` and `usergroups.users.list` as told, and counts the calls. */
function fakeSlack(answers: { users?: Record<string, Answer>; groups?: Record<string, Answer> }) {
  const calls: string[] = [];
  const reply = (answer: Answer | undefined) => {
    if (answer === 'hang') return new Promise(() => undefined);
    if (answer instanceof Error || answer === undefined) {
      return Promise.reject(answer ?? new Error('user_not_found'));
    }
    return Promise.resolve({ ok: true, ...answer });
  };
  const client = {
    users: {
      info: ({ user }: { user: string }) => {
        calls.push(`users.info ${user}`);
        return reply(answers.users?.[user]);
      },
    },
    usergroups: {
      users: {
        list: ({ usergroup }: { usergroup: string }) => {
          calls.push(`usergroups.users.list ${usergroup}`);
          return reply(answers.groups?.[usergroup]);
        },
      },
    },
  } as unknown as WebClient;
  return { client, calls, answers };
}

const user = (id: string, flags: Record<string, boolean | string> = {}) => ({
  user: { id, ...flags },
});

function authorizer(slack: ReturnType<typeof fakeSlack>, clock = { now: 0 }, timeoutMs?: number) {
  return new RecallAuthorizer({
    client: slack.client,
    allowedUsers: ['ULISTED'],
    allowedUsergroups: ['SRESPONDERS'],
    logger: silentLogger,
    now: () => clock.now,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

describe('RecallAuthorizer.check', () => {
  it('allows listed users without asking Slack, admins and owners, and members of listed groups', async () => {
    const slack = fakeSlack({
      users: {
        UADMIN: user('UADMIN', { is_admin: true }),
        UOWNER: user('UOWNER', { is_primary_owner: true }),
        UGONE: user('UGONE', { is_admin: true, deleted: true }),
        UGROUPED: user('UGROUPED'),
        UNOBODY: user('UNOBODY'),
      },
      groups: { SRESPONDERS: { users: ['UGROUPED'] } },
    });
    const check = authorizer(slack);
    expect(await check.check('ULISTED')).toMatchObject({ allowed: true });
    expect(slack.calls).toEqual([]);
    expect(await check.check('UADMIN')).toMatchObject({ allowed: true });
    expect(await check.check('UOWNER')).toMatchObject({ allowed: true });
    expect(await check.check('UGROUPED')).toMatchObject({
      allowed: true,
      because: 'member of user group SRESPONDERS',
    });
    expect(await check.check('UGONE')).toMatchObject({ allowed: false });
    expect(await check.check('UNOBODY')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('not allowed to recall'),
    });
  });

  it(`reuses Slack's answers for ${AUTHORIZATION_CACHE_MS} ms at most`, async () => {
    expect(AUTHORIZATION_CACHE_MS).toBeLessThanOrEqual(5_000);
    const slack = fakeSlack({
      users: { UADMIN: user('UADMIN', { is_admin: true }), UGROUPED: user('UGROUPED') },
      groups: { SRESPONDERS: { users: ['UGROUPED'] } },
    });
    const clock = { now: 1_000_000 };
    const check = authorizer(slack, clock);
    expect(await check.check('UADMIN')).toMatchObject({ allowed: true });
    expect(await check.check('UGROUPED')).toMatchObject({ allowed: true });
    const asked = slack.calls.length;

    // Within the bound, the two checks of one click ask Slack once.
    clock.now += AUTHORIZATION_CACHE_MS - 1;
    expect(await check.check('UADMIN')).toMatchObject({ allowed: true });
    expect(slack.calls.length).toBe(asked);

    // Demoted and removed: refused as soon as the bound is past.
    if (slack.answers.users) slack.answers.users.UADMIN = user('UADMIN');
    if (slack.answers.groups) slack.answers.groups.SRESPONDERS = { users: [] };
    clock.now += 1;
    expect(await check.check('UADMIN')).toMatchObject({ allowed: false });
    expect(await check.check('UGROUPED')).toMatchObject({ allowed: false });
  });

  it.each<[string, Answer]>([
    ['fails', new Error('An HTTP protocol error occurred: statusCode = 500')],
    ['answers something unreadable', { user: 'nope' }],
  ])('says no, and why, when users.info %s', async (_what, answer) => {
    const slack = fakeSlack({ users: { UADMIN: answer } });
    const result = await authorizer(slack).check('UADMIN');
    expect(result).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('Slack could not confirm your permission'),
    });
  });

  it('says no within its bound when Slack never answers, and does not remember that', async () => {
    expect(AUTHORIZATION_TIMEOUT_MS).toBeLessThanOrEqual(5_000);
    const slack = fakeSlack({
      users: { UGROUPED: user('UGROUPED') },
      groups: { SRESPONDERS: 'hang' },
    });
    const check = authorizer(slack, { now: 0 }, 100);
    const started = Date.now();
    expect(await check.check('UGROUPED')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('Slack could not confirm'),
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    if (slack.answers.groups) slack.answers.groups.SRESPONDERS = { users: ['UGROUPED'] };
    expect(await check.check('UGROUPED')).toMatchObject({ allowed: true });
  });

  it('says Slack could not confirm, and keeps no answer, when the installed team is not known yet', async () => {
    const slack = fakeSlack({
      users: { UADMIN: user('UADMIN', { is_admin: true, team_id: 'T1' }) },
    });
    let authTests = 0;
    const auth = {
      auth: {
        test: () => {
          authTests += 1;
          return authTests === 1
            ? Promise.reject(new Error('service_unavailable'))
            : Promise.resolve({ ok: true, team_id: 'T1' });
        },
      },
    } as unknown as WebClient;
    const authorize = cachedBotAuthorize(auth, 'xoxb-test');
    const check = new RecallAuthorizer({
      client: slack.client,
      allowedUsers: [],
      allowedUsergroups: [],
      logger: silentLogger,
      now: () => 0,
      adminTeamId: authorize.installedTeamId,
    });
    expect(await check.check('UADMIN')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('Slack could not confirm'),
    });
    expect(await check.check('UADMIN')).toMatchObject({ allowed: true });
    expect(authTests).toBe(2);
  });
});
