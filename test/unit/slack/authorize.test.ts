import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedBotAuthorize, installedWorkspaceOf } from '../../../src/slack/authorize.js';
import {
  DEFAULT_FAKE_TOKEN,
  type FakeSlack,
  fakeSlackIdentity,
  startFakeSlack,
} from '../../fakes/slack-api.js';

describe('cachedBotAuthorize', () => {
  let slack: FakeSlack;
  let client: WebClient;
  const source = { teamId: 'T0TEST', enterpriseId: undefined, isEnterpriseInstall: true };

  beforeAll(async () => {
    slack = await startFakeSlack();
    client = new WebClient(undefined, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
  });

  const authTests = () => slack.calls.filter((c) => c.method === 'auth.test').length;

  it('asks auth.test once, and tells every request who the bot is and where it is installed', async () => {
    const authorize = cachedBotAuthorize(client, DEFAULT_FAKE_TOKEN);
    const first = await authorize(source);
    const second = await authorize(source);
    expect(authTests()).toBe(1);
    expect(second).toBe(first);
    expect(first).toEqual({
      botToken: DEFAULT_FAKE_TOKEN,
      botId: fakeSlackIdentity.botId,
      botUserId: fakeSlackIdentity.botUserId,
      teamId: fakeSlackIdentity.teamId,
      enterpriseId: undefined,
      installedWorkspace: { teamId: fakeSlackIdentity.teamId, enterpriseId: undefined },
    });
  });

  it('asks once for requests that arrive together', async () => {
    const authorize = cachedBotAuthorize(client, DEFAULT_FAKE_TOKEN);
    await Promise.all([authorize(source), authorize(source), authorize(source)]);
    expect(authTests()).toBe(1);
  });

  it('forgets a failure: the next request asks again', async () => {
    slack.setOutage({ error: 'service_unavailable' });
    const authorize = cachedBotAuthorize(client, DEFAULT_FAKE_TOKEN);
    await expect(authorize(source)).rejects.toThrow(/service_unavailable/);
    slack.setOutage('none');
    await expect(authorize(source)).resolves.toMatchObject({ teamId: fakeSlackIdentity.teamId });
    expect(authTests()).toBe(2);
  });
});

describe('installedWorkspaceOf', () => {
  it('reads the workspace the authorization put in the context', () => {
    expect(
      installedWorkspaceOf({ installedWorkspace: { teamId: 'T1', enterpriseId: 'E1' } }),
    ).toEqual({ teamId: 'T1', enterpriseId: 'E1' });
  });

  it('knows none when the context has none, or not in its shape', () => {
    expect(installedWorkspaceOf({})).toEqual({});
    expect(installedWorkspaceOf({ installedWorkspace: 'T1' })).toEqual({});
    expect(installedWorkspaceOf({ installedWorkspace: { teamId: 42 } })).toEqual({});
    // Bolt's own teamId (filled from the request) is not the installed workspace.
    expect(installedWorkspaceOf({ teamId: 'T9' })).toEqual({});
  });
});
