import {
  ErrorCode,
  type Logger,
  LogLevel,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_FAKE_TOKEN,
  type FakeSlack,
  fakeSlackIdentity,
  startFakeSlack,
} from './slack-api.js';

const CHANNEL = 'CMODERATION1';

/** Keeps the `[ERROR]` lines Slack returns with refusals out of the test output. */
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A WebClient as the app builds one; `token` undefined sends no token at all. */
function clientFor(fake: FakeSlack, token: string | undefined): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quiet,
  });
}

/** The error a WebClient call rejects with. */
async function failure(call: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function section(text: string, extra: Record<string, unknown> = {}) {
  return { type: 'section', text: { type: 'mrkdwn', text }, ...extra };
}

describe('fake Slack Web API, through a real WebClient', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: {
        UADMIN: { is_admin: true, name: 'ada' },
        UPLAIN: {},
        UGONE: { deleted: true },
      },
      usergroups: { SRESPONDERS: ['UPLAIN', 'UOTHER'] },
    });
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    client = clientFor(slack, DEFAULT_FAKE_TOKEN);
  });

  it('answers auth.test as the bot', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({
      ok: true,
      team_id: fakeSlackIdentity.teamId,
      user_id: fakeSlackIdentity.botUserId,
      bot_id: fakeSlackIdentity.botId,
    });
    expect(slack.calls).toMatchObject([{ method: 'auth.test', status: 200, ok: true }]);
  });

  it('posts a message, then updates it in place', async () => {
    const blocks = [section('*hello*', { block_id: 'b1' })];
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'hello',
      blocks,
      unfurl_links: false,
    });
    expect(posted.ok).toBe(true);
    expect(posted.channel).toBe(CHANNEL);
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message?.text).toBe('hello');
    const second = await client.chat.postMessage({ channel: CHANNEL, text: 'again' });
    expect(Number(second.ts)).toBeGreaterThan(Number(posted.ts));

    // The form body carried the blocks as JSON; the fake recorded them parsed.
    expect(slack.calls[0]?.args).toMatchObject({ channel: CHANNEL, blocks, unfurl_links: 'false' });
    expect(slack.messages).toHaveLength(2);
    expect(slack.messages[0]).toMatchObject({
      channel: CHANNEL,
      ts: posted.ts,
      text: 'hello',
      blocks,
    });
    expect(slack.messages[0]?.updated).toBeUndefined();

    const updated = await client.chat.update({
      channel: CHANNEL,
      ts: posted.ts ?? '',
      text: 'changed',
      blocks: [section('changed')],
    });
    expect(updated).toMatchObject({ ok: true, channel: CHANNEL, ts: posted.ts });
    expect(slack.messages).toHaveLength(2);
    expect(slack.messages[0]).toMatchObject({ text: 'changed', updated: 1 });
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain('changed');

    const missing = await failure(
      client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }),
    );
    expect((missing as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  it('threads replies and records ephemeral messages with their user', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: parent.ts ?? '' });
    const eph = await client.chat.postEphemeral({ channel: 'CWORK', user: 'UADMIN', text: 'psst' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(slack.messages[1]).toMatchObject({ text: 'reply', thread_ts: parent.ts });
    expect(slack.messages[2]).toMatchObject({
      channel: 'CWORK',
      text: 'psst',
      ephemeral: true,
      user: 'UADMIN',
    });
  });

  it('refuses messages Slack would refuse', async () => {
    const errorOf = async (args: Record<string, unknown>) => {
      const error = await failure(client.apiCall('chat.postMessage', args));
      expect(error.code).toBe(ErrorCode.PlatformError);
      return (error as WebAPIPlatformError).data;
    };
    const button = (extra: Record<string, unknown>) => ({
      type: 'button',
      text: { type: 'plain_text', text: 'Go' },
      action_id: 'go',
      ...extra,
    });
    const fiftyOne = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    const tooMany = await errorOf({ channel: CHANNEL, text: 'x', blocks: fiftyOne });
    expect(tooMany.error).toBe('invalid_blocks');
    expect(tooMany.response_metadata?.messages?.[0]).toContain('no more than 50 items');
    expect((await errorOf({ text: 'x' })).error).toBe('channel_not_found');
    expect((await errorOf({ channel: CHANNEL })).error).toBe('no_text');
    expect((await errorOf({ channel: CHANNEL, text: 'x'.repeat(40_001) })).error).toBe(
      'msg_too_long',
    );
    const invalid: unknown[][] = [
      [section('x'.repeat(3001))],
      [section('')],
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      [
        {
          type: 'context',
          elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })),
        },
      ],
      [{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }],
      [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }],
      [
        {
          type: 'actions',
          elements: [button({ text: { type: 'plain_text', text: 't'.repeat(76) } })],
        },
      ],
      [section('x', { block_id: 'b'.repeat(256) })],
      [section('a', { block_id: 'same' }), section('b', { block_id: 'same' })],
      [{ type: 'actions', elements: [button({}), button({})] }],
      [{ text: 'no type' }],
      ['not an object'],
    ];
    for (const blocks of invalid) {
      const data = await errorOf({ channel: CHANNEL, text: 'x', blocks });
      expect(data.error, JSON.stringify(blocks).slice(0, 80)).toBe('invalid_blocks');
    }
    expect((await errorOf({ channel: CHANNEL, text: 'x', blocks: '{nope' })).error).toBe(
      'invalid_blocks_format',
    );
    // The limits themselves are fine.
    await client.apiCall('chat.postMessage', {
      channel: CHANNEL,
      text: 'x',
      blocks: [
        ...Array.from({ length: 49 }, (_, i) => section(i === 0 ? 'y'.repeat(3000) : 'ok')),
        {
          type: 'actions',
          elements: [button({ value: 'v'.repeat(2000), action_id: 'a'.repeat(255) })],
        },
      ],
    });
    expect(slack.messages).toHaveLength(1);
    expect(slack.calls.filter((c) => !c.ok)).toHaveLength(3 + 1 + invalid.length + 1);
  });

  it('uploads a file with filesUploadV2 as one message carrying the blocks and the file', async () => {
    const content = 'MsgKey,Result\r\n1_1_1,recalled\r\nünïcode,ok\r\n';
    const result = await client.filesUploadV2({
      channel_id: CHANNEL,
      blocks: [section('*Audit*: 2 keys')],
      filename: 'results.csv',
      title: 'Recall results',
      content,
    });
    expect(result.ok).toBe(true);
    expect(slack.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(slack.calls[0]?.args).toMatchObject({
      filename: 'results.csv',
      length: String(Buffer.byteLength(content)),
    });
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message?.channel).toBe(CHANNEL);
    expect(JSON.stringify(message?.blocks)).toContain('*Audit*: 2 keys');
    expect(message?.files).toHaveLength(1);
    expect(message?.files?.[0]).toMatchObject({
      filename: 'results.csv',
      title: 'Recall results',
      content,
    });
    // completeUploadExternal answered with the file; the wrapper nests it once more.
    const files = (result.files as { files?: { id?: string; name?: string }[] }[])[0]?.files;
    expect(files?.[0]).toMatchObject({ id: message?.files?.[0]?.id, name: 'results.csv' });
  });

  it('threads an upload with an initial comment, and refuses completing a file twice', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    await client.filesUploadV2({
      channel_id: CHANNEL,
      thread_ts: parent.ts ?? '',
      initial_comment: 'details attached',
      filename: 'a.txt',
      content: 'abc',
    });
    expect(slack.messages[1]).toMatchObject({
      thread_ts: parent.ts,
      text: 'details attached',
      files: [{ filename: 'a.txt', title: 'a.txt', content: 'abc' }],
    });
    const fileId = slack.messages[1]?.files?.[0]?.id ?? '';
    const again = await failure(
      client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: CHANNEL }),
    );
    expect((again as WebAPIPlatformError).data.error).toBe('file_not_found');
    const unknown = await failure(
      client.files.completeUploadExternal({ files: [{ id: 'F404' }], channel_id: CHANNEL }),
    );
    expect((unknown as WebAPIPlatformError).data.error).toBe('file_not_found');
    expect(slack.messages).toHaveLength(2);
  });

  it('answers 429 with Retry-After over a rate limit, without posting', async () => {
    slack.setRateLimit('chat.postMessage', { perSecond: 2, retryAfter: 7 });
    await client.chat.postMessage({ channel: CHANNEL, text: '1' });
    await client.chat.postMessage({ channel: CHANNEL, text: '2' });
    const error = await failure(client.chat.postMessage({ channel: CHANNEL, text: '3' }));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect(error.code).toBe('slack_webapi_rate_limited_error');
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(slack.messages.map((m) => m.text)).toEqual(['1', '2']);
    expect(slack.calls.at(-1)).toMatchObject({
      method: 'chat.postMessage',
      status: 429,
      ok: false,
      error: 'ratelimited',
    });
    // Other methods are not limited; the window slides past after a second.
    await client.chat.postEphemeral({ channel: CHANNEL, user: 'UADMIN', text: 'fine' });
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await client.chat.postMessage({ channel: CHANNEL, text: '4' });
    slack.setRateLimit('chat.postMessage', undefined);
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: CHANNEL, text: 'x' });
  });

  it('takes rate limits from the options and restores them on reset', async () => {
    const limited = await startFakeSlack({ rateLimits: { 'auth.test': { perSecond: 1 } } });
    try {
      const other = clientFor(limited, DEFAULT_FAKE_TOKEN);
      await other.auth.test();
      const error = await failure(other.auth.test());
      expect((error as WebAPIRateLimitedError).retryAfter).toBe(1);
      limited.reset();
      expect(limited.calls).toHaveLength(0);
      await other.auth.test();
      expect(await failure(other.auth.test())).toBeInstanceOf(WebAPIRateLimitedError);
    } finally {
      await limited.close();
    }
  });

  it('simulates outages: HTTP 503, reset connections and platform errors', async () => {
    slack.setOutage('http503');
    const http = await failure(client.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(http.code).toBe(ErrorCode.HTTPError);
    expect((http as WebAPIHTTPError).statusCode).toBe(503);

    slack.setOutage('reset');
    const reset = await failure(client.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(reset.code).toBe(ErrorCode.RequestError);

    slack.setOutage({ error: 'invalid_auth' });
    const platform = await failure(client.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(platform.code).toBe(ErrorCode.PlatformError);
    expect((platform as WebAPIPlatformError).data.error).toBe('invalid_auth');

    expect(slack.messages).toHaveLength(0);
    expect(slack.calls.map((c) => [c.method, c.status, c.error])).toEqual([
      ['chat.postMessage', 503, 'service_unavailable'],
      ['chat.postMessage', 0, 'connection_reset'],
      ['chat.postMessage', 200, 'invalid_auth'],
    ]);

    slack.setOutage('none');
    await client.chat.postMessage({ channel: CHANNEL, text: 'back' });
    expect(slack.messages.map((m) => m.text)).toEqual(['back']);
  });

  it('checks the token', async () => {
    const wrong = clientFor(slack, 'xoxb-wrong');
    const none = clientFor(slack, undefined);
    expect(((await failure(wrong.auth.test())) as WebAPIPlatformError).data.error).toBe(
      'invalid_auth',
    );
    expect(((await failure(none.auth.test())) as WebAPIPlatformError).data.error).toBe(
      'not_authed',
    );
    // A token in the arguments counts as well.
    expect((await none.auth.test({ token: DEFAULT_FAKE_TOKEN })).ok).toBe(true);
    const unknown = await failure(client.apiCall('chat.nope'));
    expect((unknown as WebAPIPlatformError).data.error).toBe('unknown_method');
  });

  it('answers users.info and usergroups.users.list from the options', async () => {
    const admin = await client.users.info({ user: 'UADMIN' });
    expect(admin.user).toMatchObject({
      id: 'UADMIN',
      name: 'ada',
      is_admin: true,
      is_owner: false,
      is_primary_owner: false,
      deleted: false,
      is_bot: false,
    });
    expect((await client.users.info({ user: 'UGONE' })).user?.deleted).toBe(true);
    const nobody = await failure(client.users.info({ user: 'UNKNOWN' }));
    expect((nobody as WebAPIPlatformError).data.error).toBe('user_not_found');

    const group = await client.usergroups.users.list({ usergroup: 'SRESPONDERS' });
    expect(group.users).toEqual(['UPLAIN', 'UOTHER']);
    const noGroup = await failure(client.usergroups.users.list({ usergroup: 'SNONE' }));
    expect((noGroup as WebAPIPlatformError).data.error).toBe('no_such_subteam');

    const info = await client.conversations.info({ channel: CHANNEL });
    expect(info.channel).toMatchObject({ id: CHANNEL, is_member: true });
  });

  it('opens views once per trigger and updates them by id', async () => {
    const view = {
      type: 'modal' as const,
      callback_id: 'recall_modal',
      title: { type: 'plain_text' as const, text: 'Recall' },
      submit: { type: 'plain_text' as const, text: 'Recall' },
      blocks: [
        {
          type: 'input',
          block_id: 'keys',
          label: { type: 'plain_text' as const, text: 'Keys' },
          element: { type: 'plain_text_input', action_id: 'keys' },
        },
      ],
    };
    const opened = await client.views.open({ trigger_id: '1.2.abc', view });
    expect(opened.view?.id).toMatch(/^V/);
    expect(opened.view?.callback_id).toBe('recall_modal');
    expect(slack.views).toHaveLength(1);
    expect(slack.views[0]).toMatchObject({ method: 'views.open', trigger_id: '1.2.abc', view });

    const reused = await failure(client.views.open({ trigger_id: '1.2.abc', view }));
    expect((reused as WebAPIPlatformError).data.error).toBe('trigger_exchanged');
    const empty = await failure(client.views.open({ trigger_id: '', view }));
    expect((empty as WebAPIPlatformError).data.error).toBe('invalid_trigger_id');
    const noSubmit = await failure(
      client.views.open({ trigger_id: '1.3.abc', view: { ...view, submit: undefined } }),
    );
    expect((noSubmit as WebAPIPlatformError).data.error).toBe('invalid_arguments');

    const updated = await client.views.update({
      view_id: opened.view?.id ?? '',
      view: { ...view, title: { type: 'plain_text', text: 'Done' } },
    });
    expect(updated.view?.id).toBe(opened.view?.id);
    expect(slack.views.map((v) => v.method)).toEqual(['views.open', 'views.update']);
    const unknown = await failure(client.views.update({ view_id: 'VNOPE', view }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('not_found');
  });

  it('records response_url posts and refuses a sixth use', async () => {
    const url = slack.responseUrl();
    expect(url.startsWith(`${slack.url}/response/`)).toBe(true);
    // What Bolt's respond() sends.
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'done', replace_original: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(slack.responses).toHaveLength(1);
    expect(url.endsWith(slack.responses[0]?.id ?? '?')).toBe(true);
    expect(slack.responses[0]?.body).toEqual({
      response_type: 'ephemeral',
      text: 'done',
      replace_original: true,
    });
    // Another URL's id is not a suffix of this one.
    const other = slack.responseUrl();
    expect(url.endsWith(other.split('/').at(-1) ?? '')).toBe(false);

    for (let i = 0; i < 4; i++) {
      const more = await fetch(url, { method: 'POST', body: JSON.stringify({ text: `${i}` }) });
      expect(more.status).toBe(200);
    }
    const sixth = await fetch(url, { method: 'POST', body: JSON.stringify({ text: 'six' }) });
    expect(sixth.status).toBe(404);
    expect(slack.responses).toHaveLength(5);
    expect(slack.refusedResponses).toMatchObject([{ reason: 'used_url', body: { text: 'six' } }]);

    const bad = await fetch(other, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    expect(slack.responses).toHaveLength(5);
  });

  it('names what it saw when waitFor times out', async () => {
    await client.chat.postMessage({ channel: CHANNEL, text: 'x' });
    await expect(slack.waitFor(() => slack.messages.length > 5, 100)).rejects.toThrow(
      /timed out after 100 ms[\s\S]*1 messages[\s\S]*chat\.postMessage → 200 ok/,
    );
    let ready = false;
    setTimeout(() => {
      ready = true;
    }, 50);
    await slack.waitFor(async () => ready, 1000);
  });
});
