import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quietSlackLogger } from '../helpers/logger.js';
import {
  DEFAULT_FAKE_TOKEN,
  type FakeSlack,
  fakeSlackIdentity,
  startFakeSlack,
} from './slack-api.js';

const CHANNEL = 'CMODERATION1';

/** A WebClient as the app builds one; `token` undefined sends no token at all. */
function clientFor(fake: FakeSlack, token: string | undefined): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quietSlackLogger,
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

/** The `data` of a Slack refusal, which carries extra fields such as `needed`. */
async function refusal(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await failure(call);
  expect(error.code).toBe(ErrorCode.PlatformError);
  return (error as WebAPIPlatformError).data as unknown as Record<string, unknown>;
}

/** A Web API call as raw JSON over fetch, as a client that is killed mid-call would make it. */
function rawCall(
  fake: FakeSlack,
  method: string,
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEFAULT_FAKE_TOKEN}`,
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

type Listed = Record<string, unknown> & { ts?: string };

function listed(page: { messages?: unknown[] }): Listed[] {
  return (page.messages ?? []) as Listed[];
}

const MARK = { event_type: 'recall_feed_post', event_payload: { event: 'E1', n: 2 } };

describe('fake Slack: message metadata, history and threads', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    client = clientFor(slack, DEFAULT_FAKE_TOKEN);
  });

  it('stores metadata from form and JSON bodies, and refuses a malformed one', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'a', metadata: MARK });
    const json = await rawCall(slack, 'chat.postMessage', {
      channel: CHANNEL,
      text: 'b',
      metadata: MARK,
    });
    expect(await json.json()).toMatchObject({ ok: true });
    expect(slack.messages.map((m) => m.metadata)).toEqual([MARK, MARK]);
    expect(slack.messages[0]?.ts).toBe(posted.ts);

    const malformed: unknown[] = [
      'not json',
      { event_type: 'x' },
      { event_type: 1, event_payload: {} },
      { event_type: '', event_payload: {} },
      { event_type: 'x', event_payload: [1] },
      {},
    ];
    for (const metadata of malformed) {
      const data = await refusal(
        client.apiCall('chat.postMessage', { channel: CHANNEL, text: 'x', metadata }),
      );
      expect(data.error, JSON.stringify(metadata)).toBe('invalid_metadata_format');
    }
    expect(slack.messages).toHaveLength(2);
  });

  it('keeps metadata through chat.update unless replaced, and removes it with {}', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'a', metadata: MARK });
    const ts = posted.ts ?? '';
    await client.chat.update({ channel: CHANNEL, ts, text: 'b' });
    expect(slack.messages[0]).toMatchObject({ text: 'b', metadata: MARK });
    const other = { event_type: 'other', event_payload: { k: 'v' } };
    await client.chat.update({ channel: CHANNEL, ts, text: 'c', metadata: other });
    expect(slack.messages[0]?.metadata).toEqual(other);
    const bad = await refusal(
      client.apiCall('chat.update', {
        channel: CHANNEL,
        ts,
        text: 'd',
        metadata: { event_type: 'x' },
      }),
    );
    expect(bad.error).toBe('invalid_metadata_format');
    expect(slack.messages[0]).toMatchObject({ text: 'c', metadata: other });
    await client.apiCall('chat.update', { channel: CHANNEL, ts, text: 'e', metadata: {} });
    expect(slack.messages[0]?.metadata).toBeUndefined();
  });

  /** A: metadata; B: parent of two replies; an ephemeral; another channel; a file share. */
  async function channelWithEverything() {
    const a = await client.chat.postMessage({ channel: CHANNEL, text: 'A', metadata: MARK });
    const b = await client.chat.postMessage({ channel: CHANNEL, text: 'B' });
    const r1 = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'r1',
      thread_ts: b.ts ?? '',
      metadata: MARK,
    });
    await client.chat.postEphemeral({ channel: CHANNEL, user: 'UADMIN', text: 'eph' });
    await client.chat.postMessage({ channel: 'COTHER', text: 'elsewhere' });
    await client.filesUploadV2({
      channel_id: CHANNEL,
      thread_ts: b.ts ?? '',
      filename: 'r2.txt',
      content: 'r2',
    });
    await client.filesUploadV2({
      channel_id: CHANNEL,
      initial_comment: 'F',
      filename: 'results.csv',
      title: 'Results',
      content: 'k,v\r\n',
    });
    const file = slack.messages.at(-1);
    const r2 = slack.messages.at(-2);
    return {
      a: a.ts ?? '',
      b: b.ts ?? '',
      r1: r1.ts ?? '',
      r2: r2?.ts ?? '',
      f: file?.ts ?? '',
      file,
    };
  }

  it('lists top-level messages newest first, with files, reply counts and metadata on request', async () => {
    const { a, b, r2, f, file } = await channelWithEverything();
    const plain = await client.conversations.history({ channel: CHANNEL });
    expect(plain).toMatchObject({ ok: true, has_more: false });
    const messages = listed(plain);
    expect(messages.map((m) => m.ts)).toEqual([f, b, a]);
    expect(messages[0]).toMatchObject({
      type: 'message',
      user: fakeSlackIdentity.botUserId,
      bot_id: fakeSlackIdentity.botId,
      text: 'F',
      files: [
        {
          id: file?.files?.[0]?.id,
          name: 'results.csv',
          title: 'Results',
          mimetype: 'text/csv',
          filetype: 'csv',
        },
      ],
    });
    expect(messages[1]).toMatchObject({
      text: 'B',
      thread_ts: b,
      reply_count: 2,
      latest_reply: r2,
    });
    expect(messages[2]?.reply_count).toBeUndefined();
    expect(messages[2]?.thread_ts).toBeUndefined();
    expect(messages.some((m) => 'metadata' in m)).toBe(false);

    const rich = listed(
      await client.conversations.history({ channel: CHANNEL, include_all_metadata: true }),
    );
    expect(rich.map((m) => m.metadata)).toEqual([undefined, undefined, MARK]);
    expect(listed(await client.conversations.history({ channel: 'CEMPTY' }))).toEqual([]);
    const noChannel = await refusal(client.apiCall('conversations.history', {}));
    expect(noChannel.error).toBe('channel_not_found');
  });

  it('bounds history by oldest and latest, inclusive only when asked', async () => {
    const { a, b, f } = await channelWithEverything();
    const between = async (extra: Record<string, unknown>) =>
      listed(
        (await client.apiCall('conversations.history', {
          channel: CHANNEL,
          oldest: a,
          latest: f,
          ...extra,
        })) as {
          messages?: unknown[];
        },
      ).map((m) => m.ts);
    expect(await between({})).toEqual([b]);
    expect(await between({ inclusive: true })).toEqual([f, b, a]);
    expect(await between({ inclusive: '1' })).toEqual([f, b, a]);
    expect(await between({ inclusive: false })).toEqual([b]);
    const seconds = a.split('.')[0] ?? '';
    expect(await between({ oldest: String(Number(seconds) + 100_000), latest: undefined })).toEqual(
      [],
    );
    const bad = await refusal(
      client.apiCall('conversations.history', { channel: CHANNEL, oldest: 'yesterday' }),
    );
    expect(bad.error).toBe('invalid_ts_oldest');
  });

  it('pages history with has_more and an opaque cursor', async () => {
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) {
      posted.push((await client.chat.postMessage({ channel: CHANNEL, text: `m${i}` })).ts ?? '');
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.conversations.history({
        channel: CHANNEL,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages += 1;
      seen.push(...listed(page).map((m) => m.ts ?? ''));
      cursor = page.response_metadata?.next_cursor;
      expect(page.has_more).toBe(Boolean(cursor));
      if (cursor) expect(posted.some((ts) => cursor?.includes(ts))).toBe(false);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...posted].reverse());
    const bad = await refusal(
      client.conversations.history({ channel: CHANNEL, cursor: 'garbage!' }),
    );
    expect(bad.error).toBe('invalid_cursor');
  });

  it('answers 100 messages by default and at most 999', async () => {
    // Straight into the store: a thousand posts over HTTP would cost the suite a second.
    for (let i = 0; i < 1000; i++) {
      slack.messages.push({ channel: CHANNEL, ts: `1700000000.${String(i).padStart(6, '0')}` });
    }
    const byDefault = await client.conversations.history({ channel: CHANNEL });
    expect(listed(byDefault)).toHaveLength(100);
    expect(listed(byDefault)[0]?.ts).toBe('1700000000.000999');
    expect(byDefault.has_more).toBe(true);
    const most = await client.conversations.history({ channel: CHANNEL, limit: 5000 });
    expect(listed(most)).toHaveLength(999);
    expect(most.has_more).toBe(true);
  });

  it('answers a thread: the parent first, then its replies oldest first', async () => {
    const { a, b, r1, r2 } = await channelWithEverything();
    const thread = listed(await client.conversations.replies({ channel: CHANNEL, ts: b }));
    expect(thread.map((m) => m.ts)).toEqual([b, r1, r2]);
    expect(thread[0]).toMatchObject({ thread_ts: b, reply_count: 2 });
    expect(thread[1]).toMatchObject({ text: 'r1', thread_ts: b });
    expect(thread[2]).toMatchObject({ thread_ts: b, files: [{ name: 'r2.txt' }] });
    expect(thread.some((m) => 'metadata' in m)).toBe(false);
    const rich = listed(
      await client.conversations.replies({ channel: CHANNEL, ts: b, include_all_metadata: true }),
    );
    expect(rich.map((m) => m.metadata)).toEqual([undefined, MARK, undefined]);
    // A reply's ts names the same thread; a message without replies is a thread of one.
    expect(
      listed(await client.conversations.replies({ channel: CHANNEL, ts: r1 })).map((m) => m.ts),
    ).toEqual([b, r1, r2]);
    expect(
      listed(await client.conversations.replies({ channel: CHANNEL, ts: a })).map((m) => m.ts),
    ).toEqual([a]);
    // Replies are bounded by oldest/latest; the parent still leads.
    const after = await client.conversations.replies({ channel: CHANNEL, ts: b, oldest: r1 });
    expect(listed(after).map((m) => m.ts)).toEqual([b, r2]);

    const first = await client.conversations.replies({ channel: CHANNEL, ts: b, limit: 2 });
    expect(listed(first).map((m) => m.ts)).toEqual([b, r1]);
    expect(first.has_more).toBe(true);
    const cursor = first.response_metadata?.next_cursor ?? '';
    const second = await client.conversations.replies({
      channel: CHANNEL,
      ts: b,
      limit: 2,
      cursor,
    });
    expect(listed(second).map((m) => m.ts)).toEqual([r2]);
    expect(second.has_more).toBe(false);

    for (const ts of ['1.000001', slack.messages.find((m) => m.ephemeral)?.ts ?? '']) {
      expect((await refusal(client.conversations.replies({ channel: CHANNEL, ts }))).error).toBe(
        'thread_not_found',
      );
    }
    const elsewhere = await refusal(client.conversations.replies({ channel: 'COTHER', ts: b }));
    expect(elsewhere.error).toBe('thread_not_found');
  });

  it('refuses a reply into a thread that does not exist, and joins a reply to its root', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'p' });
    const reply = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'r',
      thread_ts: parent.ts ?? '',
    });
    const nested = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'n',
      thread_ts: reply.ts ?? '',
    });
    expect(slack.messages.find((m) => m.ts === nested.ts)?.thread_ts).toBe(parent.ts);
    for (const [channel, ts] of [
      [CHANNEL, '1.000001'],
      ['COTHER', parent.ts ?? ''],
    ] as const) {
      const data = await refusal(client.chat.postMessage({ channel, text: 'x', thread_ts: ts }));
      expect(data.error).toBe('thread_not_found');
    }
    expect(slack.messages).toHaveLength(3);
  });
});

describe('fake Slack: deleted messages, archived channels, scopes and per-channel limits', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    client = clientFor(slack, DEFAULT_FAKE_TOKEN);
  });

  it('lets a person delete a message: it is gone for update, replies and history', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    const ts = parent.ts ?? '';
    await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: ts });
    const kept = await client.chat.postMessage({ channel: CHANNEL, text: 'kept' });
    expect(slack.deleteMessage('COTHER', ts)).toBe(false);
    expect(slack.deleteMessage(CHANNEL, ts)).toBe(true);
    expect(slack.deleteMessage(CHANNEL, ts)).toBe(false);
    expect(slack.messages.map((m) => m.text)).toEqual(['reply', 'kept']);
    expect(slack.deletedMessages).toMatchObject([{ channel: CHANNEL, ts, text: 'parent' }]);

    const update = await refusal(client.chat.update({ channel: CHANNEL, ts, text: 'x' }));
    expect(update.error).toBe('message_not_found');
    const reply = await refusal(
      client.chat.postMessage({ channel: CHANNEL, text: 'x', thread_ts: ts }),
    );
    expect(reply.error).toBe('thread_not_found');
    const thread = await refusal(client.conversations.replies({ channel: CHANNEL, ts }));
    expect(thread.error).toBe('thread_not_found');
    const history = listed(await client.conversations.history({ channel: CHANNEL }));
    expect(history.map((m) => m.ts)).toEqual([kept.ts]);
    expect(slack.messages).toHaveLength(2);

    // An ephemeral message is no one's to delete.
    await client.chat.postEphemeral({ channel: CHANNEL, user: 'UADMIN', text: 'eph' });
    expect(slack.deleteMessage(CHANNEL, slack.messages.at(-1)?.ts ?? '')).toBe(false);
    slack.reset();
    expect(slack.deletedMessages).toHaveLength(0);
  });

  it('refuses every way of posting into an archived channel, and still shows its history', async () => {
    const before = await client.chat.postMessage({ channel: CHANNEL, text: 'before' });
    slack.archiveChannel(CHANNEL);
    const attempts: [string, () => Promise<unknown>][] = [
      ['chat.postMessage', () => client.chat.postMessage({ channel: CHANNEL, text: 'x' })],
      [
        'chat.update',
        () => client.chat.update({ channel: CHANNEL, ts: before.ts ?? '', text: 'x' }),
      ],
      [
        'chat.postEphemeral',
        () => client.chat.postEphemeral({ channel: CHANNEL, user: 'UADMIN', text: 'x' }),
      ],
      [
        'filesUploadV2',
        () => client.filesUploadV2({ channel_id: CHANNEL, filename: 'a.txt', content: 'a' }),
      ],
    ];
    for (const [name, attempt] of attempts) {
      const error = await failure(attempt());
      const data = (error as WebAPIPlatformError).data;
      expect(data?.error, name).toBe('is_archived');
    }
    expect(slack.messages.map((m) => m.text)).toEqual(['before']);
    expect(
      listed(await client.conversations.history({ channel: CHANNEL })).map((m) => m.text),
    ).toEqual(['before']);
    expect((await client.conversations.info({ channel: CHANNEL })).channel?.is_archived).toBe(true);
    await client.chat.postMessage({ channel: 'COTHER', text: 'elsewhere' });

    slack.unarchiveChannel(CHANNEL);
    await client.chat.postMessage({ channel: CHANNEL, text: 'after' });
    slack.archiveChannel(CHANNEL);
    slack.reset();
    await client.chat.postMessage({ channel: CHANNEL, text: 'after reset' });
    expect((await client.conversations.info({ channel: CHANNEL })).channel?.is_archived).toBe(
      false,
    );
  });

  it('answers missing_scope for history by the kind of channel, from options and controls', async () => {
    const scoped = await startFakeSlack({ missingScopes: ['channels:history'] });
    try {
      const other = clientFor(scoped, DEFAULT_FAKE_TOKEN);
      const posted = await other.chat.postMessage({ channel: CHANNEL, text: 'p' });
      for (const call of [
        () => other.conversations.history({ channel: CHANNEL }),
        () => other.conversations.replies({ channel: CHANNEL, ts: posted.ts ?? '' }),
      ]) {
        const data = await refusal(call());
        expect(data).toMatchObject({
          ok: false,
          error: 'missing_scope',
          needed: 'channels:history',
        });
        expect(String(data.provided).split(',')).toEqual(
          expect.arrayContaining(['chat:write', 'groups:history']),
        );
        expect(String(data.provided)).not.toContain('channels:history');
      }
      expect((await other.conversations.history({ channel: 'GPRIVATE1' })).ok).toBe(true);

      scoped.setMissingScopes(['groups:history', 'chat:write']);
      expect((await other.conversations.history({ channel: CHANNEL })).ok).toBe(true);
      const group = await refusal(other.conversations.history({ channel: 'GPRIVATE1' }));
      expect(group).toMatchObject({ error: 'missing_scope', needed: 'groups:history' });
      const post = await refusal(other.chat.postMessage({ channel: CHANNEL, text: 'x' }));
      expect(post).toMatchObject({ error: 'missing_scope', needed: 'chat:write' });
      expect(scoped.messages).toHaveLength(1);

      scoped.reset();
      expect((await refusal(other.conversations.history({ channel: CHANNEL }))).error).toBe(
        'missing_scope',
      );
      expect((await other.conversations.history({ channel: 'GPRIVATE1' })).ok).toBe(true);
    } finally {
      await scoped.close();
    }
  });

  it('limits new messages per channel across posts, replies and file shares', async () => {
    slack.setChannelPostLimit({ perSecond: 2, retryAfter: 3 });
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: '1' });
    await client.chat.postMessage({ channel: CHANNEL, text: '2', thread_ts: parent.ts ?? '' });
    const upload = await failure(
      client.filesUploadV2({ channel_id: CHANNEL, filename: 'a.txt', content: 'a' }),
    );
    expect(upload).toBeInstanceOf(WebAPIRateLimitedError);
    expect((upload as WebAPIRateLimitedError).retryAfter).toBe(3);
    const post = await failure(client.chat.postMessage({ channel: CHANNEL, text: '3' }));
    expect(post).toBeInstanceOf(WebAPIRateLimitedError);
    expect(slack.calls.at(-1)).toMatchObject({
      method: 'chat.postMessage',
      status: 429,
      error: 'ratelimited',
    });
    expect(slack.messages.map((m) => m.text)).toEqual(['1', '2']);

    // Other channels have their own window; ephemeral messages and updates are not new posts.
    await client.chat.postMessage({ channel: 'COTHER', text: 'o' });
    await client.chat.postEphemeral({ channel: CHANNEL, user: 'UADMIN', text: 'e' });
    await client.chat.update({ channel: CHANNEL, ts: parent.ts ?? '', text: '1b' });
    // A file shared into two channels is refused whole when one of them is full.
    const both = await failure(
      client.files.uploadV2({ channel_id: `COTHER2,${CHANNEL}`, filename: 'b.txt', content: 'b' }),
    );
    expect(both).toBeInstanceOf(WebAPIRateLimitedError);
    expect(slack.messages.filter((m) => m.channel === 'COTHER2')).toHaveLength(0);

    // An accepted share into two channels counts in both.
    slack.setChannelPostLimit({ perSecond: 1 });
    await client.files.uploadV2({ channel_id: 'CA,CB', filename: 'c.txt', content: 'c' });
    expect(await failure(client.chat.postMessage({ channel: 'CB', text: 'x' }))).toBeInstanceOf(
      WebAPIRateLimitedError,
    );

    slack.setChannelPostLimit(undefined);
    await client.chat.postMessage({ channel: CHANNEL, text: '3' });
    await client.filesUploadV2({ channel_id: CHANNEL, filename: 'c.txt', content: 'c' });
    expect(slack.messages.filter((m) => m.channel === CHANNEL && !m.ephemeral)).toHaveLength(4);
  });

  it('takes the per-channel limit from the options and restores it on reset', async () => {
    const limited = await startFakeSlack({ channelPostLimit: { perSecond: 1 } });
    try {
      const other = clientFor(limited, DEFAULT_FAKE_TOKEN);
      await other.chat.postMessage({ channel: CHANNEL, text: '1' });
      const error = await failure(other.chat.postMessage({ channel: CHANNEL, text: '2' }));
      expect((error as WebAPIRateLimitedError).retryAfter).toBe(1);
      limited.setChannelPostLimit(undefined);
      await other.chat.postMessage({ channel: CHANNEL, text: '2' });
      limited.reset();
      await other.chat.postMessage({ channel: CHANNEL, text: '3' });
      expect(await failure(other.chat.postMessage({ channel: CHANNEL, text: '4' }))).toBeInstanceOf(
        WebAPIRateLimitedError,
      );
    } finally {
      await limited.close();
    }
  });
});

describe('fake Slack: faults on one method, and answers withheld across a kill', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    client = clientFor(slack, DEFAULT_FAKE_TOKEN);
  });

  it('fails the next calls of one method as told, in order, doing nothing', async () => {
    slack.failNext('chat.postMessage', { error: 'fatal_error' }, 2);
    slack.failNext('chat.postMessage', 'http500');
    slack.failNext('chat.postMessage', 'reset');
    // A call with a bad token is refused before it can use a fault.
    const wrong = await refusal(
      clientFor(slack, 'xoxb-wrong').chat.postMessage({ channel: CHANNEL, text: 'x' }),
    );
    expect(wrong.error).toBe('invalid_auth');
    // Other methods are not affected.
    await client.chat.postEphemeral({ channel: CHANNEL, user: 'UADMIN', text: 'e' });
    for (let i = 0; i < 2; i++) {
      expect((await refusal(client.chat.postMessage({ channel: CHANNEL, text: 'x' }))).error).toBe(
        'fatal_error',
      );
    }
    const http = await failure(client.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(http.code).toBe(ErrorCode.HTTPError);
    expect((http as WebAPIHTTPError).statusCode).toBe(500);
    const reset = await failure(client.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(reset.code).toBe(ErrorCode.RequestError);
    await client.chat.postMessage({ channel: CHANNEL, text: 'ok' });

    expect(slack.messages.map((m) => m.text)).toEqual(['e', 'ok']);
    expect(
      slack.calls
        .filter((c) => c.method === 'chat.postMessage')
        .map((c) => [c.status, c.ok, c.error]),
    ).toEqual([
      [200, false, 'invalid_auth'],
      [200, false, 'fatal_error'],
      [200, false, 'fatal_error'],
      [500, false, 'internal_error'],
      [0, false, 'connection_reset'],
      [200, true, undefined],
    ]);
  });

  it('leaves a hung call unanswered until the client gives up, and reset drops pending faults', async () => {
    slack.failNext('auth.test', 'hang');
    const hung = await failure(rawCall(slack, 'auth.test', {}, AbortSignal.timeout(150)));
    expect(hung.name).toBe('TimeoutError');
    expect(slack.calls).toMatchObject([
      { method: 'auth.test', status: 0, ok: false, error: 'no_answer' },
    ]);
    expect((await client.auth.test()).ok).toBe(true);

    slack.failNext('auth.test', { error: 'invalid_auth' }, 3);
    slack.reset();
    expect((await client.auth.test()).ok).toBe(true);
    expect(() => slack.failNext('auth.test', 'reset', -1)).toThrow(RangeError);
  });

  it('closes promptly while calls hang or are held', async () => {
    const closing = await startFakeSlack();
    closing.failNext('auth.test', 'hang');
    const held = closing.hold('chat.postMessage');
    const hung = failure(rawCall(closing, 'auth.test', {}));
    const posting = failure(
      clientFor(closing, DEFAULT_FAKE_TOKEN).chat.postMessage({ channel: CHANNEL, text: 'x' }),
    );
    await held.waitForHeld(1, 2000);
    await closing.waitFor(() => closing.calls.some((c) => c.method === 'auth.test'), 2000);
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect((await hung).name).toBe('TypeError');
    expect((await posting).code).toBe(ErrorCode.RequestError);
  });

  it('holds the answer of a call that took effect, until release', async () => {
    const held = slack.hold('chat.postMessage');
    expect(slack.hold('chat.postMessage')).toBe(held);
    expect(held.count).toBe(0);
    let answered = false;
    const posting = client.chat.postMessage({ channel: CHANNEL, text: 'held' }).finally(() => {
      answered = true;
    });
    await held.waitForHeld(1, 2000);
    expect(held.count).toBe(1);
    expect(slack.messages.map((m) => m.text)).toEqual(['held']);
    expect(slack.calls).toMatchObject([{ method: 'chat.postMessage', status: 200, ok: true }]);
    // Other methods answer meanwhile.
    expect((await client.auth.test()).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answered).toBe(false);
    await expect(held.waitForHeld(2, 50)).rejects.toThrow(
      /timed out after 50 ms: 1 chat\.postMessage held/,
    );

    held.release();
    const posted = await posting;
    expect(posted.ts).toBe(slack.messages[0]?.ts);
    expect(held.count).toBe(0);
    // No longer held.
    await client.chat.postMessage({ channel: CHANNEL, text: 'free' });
    expect(held.count).toBe(0);
  });

  it('keeps the effect of a held call whose client was killed', async () => {
    const held = slack.hold('chat.postMessage');
    const killed = new AbortController();
    const call = failure(
      rawCall(slack, 'chat.postMessage', { channel: CHANNEL, text: 'once' }, killed.signal),
    );
    await held.waitForHeld(1, 2000);
    killed.abort();
    expect((await call).name).toBe('AbortError');
    held.release();
    expect(slack.messages.map((m) => m.text)).toEqual(['once']);
    await client.chat.postMessage({ channel: CHANNEL, text: 'after' });
    expect(slack.messages.map((m) => m.text)).toEqual(['once', 'after']);
  });

  it('holds a file share with the file already in the channel; reset releases holds', async () => {
    const held = slack.hold('files.completeUploadExternal');
    const upload = client.filesUploadV2({
      channel_id: CHANNEL,
      filename: 'r.csv',
      content: 'k\r\n',
    });
    await held.waitForHeld(1, 2000);
    expect(slack.messages).toMatchObject([{ channel: CHANNEL, files: [{ filename: 'r.csv' }] }]);
    slack.reset();
    expect((await upload).ok).toBe(true);
    expect(held.count).toBe(0);
    await client.filesUploadV2({ channel_id: CHANNEL, filename: 's.csv', content: 'k\r\n' });
    expect(slack.messages).toHaveLength(1);
  });
});

describe('fake Slack: direct messages', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ users: { UALICE: {} } });
  });
  afterAll(async () => {
    await slack.close();
  });

  it('opens the same direct message with a user every time, and needs im:write', async () => {
    const client = clientFor(slack, DEFAULT_FAKE_TOKEN);
    const first = await client.conversations.open({ users: 'UALICE' });
    const again = await client.conversations.open({ users: 'UALICE' });
    expect(first.channel?.id).toBe('DALICE');
    expect(again.channel?.id).toBe('DALICE');
    await expect(client.conversations.open({ users: 'UNOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    slack.setMissingScopes(['im:write']);
    await expect(client.conversations.open({ users: 'UALICE' })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'im:write' },
    });
    slack.reset();
  });
});
