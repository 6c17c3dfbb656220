import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import {
  type InstalledWorkspace,
  isFromServedWorkspace,
  workspaceOf,
} from '../../../src/slack/workspace.js';

const HOME: InstalledWorkspace = { teamId: 'T0HOME', enterpriseId: 'E0HOME' };
const SOLO: InstalledWorkspace = { teamId: 'T0HOME' };

describe('workspaceOf', () => {
  it('reads the IDs of a command, an action, a shortcut and a view submission', () => {
    expect(workspaceOf({ team_id: 'T1', enterprise_id: 'E1', user_id: 'U1' })).toEqual({
      teams: ['T1'],
      enterprises: ['E1'],
      unreadable: false,
    });
    expect(
      workspaceOf({
        team: { id: 'T1', enterprise_id: 'E1' },
        user: { id: 'U1', team_id: 'T2' },
        enterprise: { id: 'E1' },
      }),
    ).toEqual({ teams: ['T1', 'T2'], enterprises: ['E1', 'E1'], unreadable: false });
    expect(workspaceOf({ team: null, enterprise: null, user: { team_id: 'T1' } })).toEqual({
      teams: ['T1'],
      enterprises: [],
      unreadable: false,
    });
  });

  it.each<[string, unknown]>([
    ['a team that is a number', { team: { id: 5 } }],
    ['a team that is a string', { team: 'T1' }],
    ['an enterprise ID in lowercase', { team_id: 'T1', enterprise_id: 'e1' }],
    ['a body that is not an object', 'T1'],
  ])('calls a request unreadable when it carries %s', (_what, body) => {
    expect(workspaceOf(body).unreadable).toBe(true);
  });
});

describe('isFromServedWorkspace', () => {
  const check = (body: unknown, allowed: string[] = [], installed = HOME) =>
    isFromServedWorkspace(workspaceOf(body), installed, allowed);

  it('serves the installed workspace, with or without its enterprise', () => {
    expect(check({ team_id: 'T0HOME' })).toBe(true);
    expect(check({ team: { id: 'T0HOME' }, enterprise: { id: 'E0HOME' } })).toBe(true);
    expect(check({ team: { id: 'T0HOME' }, user: { team_id: 'T0HOME' } }, [], SOLO)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['another team', { team_id: 'T0OTHER' }],
    ['a user of another team in our channel', { team: { id: 'T0HOME' }, user: { team_id: 'T9' } }],
    ['our team with another enterprise', { team_id: 'T0HOME', enterprise_id: 'E9' }],
    ['no IDs at all', { user_id: 'U1' }],
    ['an unreadable ID', { team_id: 'T0HOME', team: { id: [] } }],
  ])('refuses %s by default', (_what, body) => {
    expect(check(body)).toBe(false);
  });

  it('serves a listed team with its enterprise, and a listed enterprise with its teams', () => {
    const partner = { team: { id: 'T0HOME' }, user: { team_id: 'T9' }, enterprise: { id: 'E9' } };
    expect(check(partner, ['T9'])).toBe(true);
    expect(check(partner, ['E9'])).toBe(true);
    expect(check({ team_id: 'T9B', enterprise_id: 'E9' }, ['E9'])).toBe(true);
    // A listed partner does not let a third organisation in.
    expect(check({ team: { id: 'T9' }, user: { team_id: 'T8' } }, ['T9'])).toBe(false);
    expect(check({ team_id: 'T8', enterprise_id: 'E8' }, ['T9', 'E9'])).toBe(false);
  });
});

describe('SLACK_ALLOWED_TEAM_IDS', () => {
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-1-secret-bot-token',
    SLACK_SIGNING_SECRET: 'signing-secret-value',
    SLACK_MODERATION_CHANNEL: 'C0123456789',
    TENCENT_SDKAPPID: '1400000001',
    TENCENT_SECRET_KEY: 'tencent-secret-key-value',
  };

  it('is empty by default, and reads team and enterprise IDs', () => {
    expect(parseConfig(env).slack.allowedTeamIds).toEqual([]);
    expect(
      parseConfig({ ...env, SLACK_ALLOWED_TEAM_IDS: 'T0PARTNER, E0ORG\nT0TWO' }).slack
        .allowedTeamIds,
    ).toEqual(['T0PARTNER', 'E0ORG', 'T0TWO']);
  });

  it('refuses what is not a team or enterprise ID, naming the variable', () => {
    expect(() => parseConfig({ ...env, SLACK_ALLOWED_TEAM_IDS: 'T0OK,U0USER' })).toThrow(
      /SLACK_ALLOWED_TEAM_IDS each entry must be a Slack team ID/,
    );
  });
});
