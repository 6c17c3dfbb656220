import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../fakes/slack-api.js';
import { CHANNEL, postWebhook, startTestApp, testEnv } from '../helpers/app.js';
import { useFakeSlack } from '../helpers/fake-slack.js';
import { samples } from '../helpers/tencent-samples.js';
import { sleep } from '../helpers/until.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const OK = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };

/** Everything a reader can see of a message: its text, its blocks and its attached files. */
function visible(message: FakeSlack['messages'][number]): string {
  return [
    message.text ?? '',
    JSON.stringify(message.blocks ?? []),
    ...(message.files ?? []).map((f) => f.content),
  ].join('\n');
}

describe('feed: Tencent webhooks to the moderation channel', () => {
  const fake = useFakeSlack();
  let app: TestApp;

  beforeEach(async () => {
    fake.slack.setOutage('none');
    app = await startTestApp(testEnv(fake.slack.apiUrl));
  });
  afterEach(async () => {
    await app.stop();
  });

  it.each([
    ['one-to-one', samples.c2c, ['jared', 'Jonh', '48374_2837546_1557481126', '7']],
    [
      'group (Community topic)',
      samples.group,
      [
        'admin',
        '1213456',
        'Community',
        '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic',
        '130',
        '144115213033478435-1739361321-2512805311',
        '<!date^1670574414^',
      ],
    ],
    ['Official Channel', samples.official, ['#TOA#_123', '71_1_1698741698', '<!date^1670574414^']],
    [
      'Official Channel send',
      samples.officialSend,
      ['@TOA#_2J4SZEAEL', '71_1_1698741698', 'Maintenance tonight'],
    ],
  ])('posts a %s recall once, after answering OK', async (_kind, body, expected) => {
    const res = await postWebhook(app.url, body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(OK);
    await fake.slack.waitFor(() => fake.slack.messages.length === 1, 2_000);
    const [message] = fake.slack.messages;
    expect(message?.channel).toBe(CHANNEL);
    const text = visible(message ?? { channel: '', ts: '' });
    for (const part of expected) expect(text).toContain(part);
    expect(text).toContain('iOS');
    expect(text).toContain('203.0.113.7');
  });

  it('escapes untrusted text so nobody is pinged', async () => {
    await postWebhook(app.url, {
      ...samples.c2c,
      From_Account: '<!channel>',
      To_Account: '<@U0001|boss> & co',
    });
    await fake.slack.waitFor(() => fake.slack.messages.length === 1, 2_000);
    const text = visible(fake.slack.messages[0] ?? { channel: '', ts: '' });
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0001');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&amp; co');
  });

  it('posts a sent message whose text tries to ping, link or forge lines as plain text', async () => {
    await postWebhook(app.url, {
      ...samples.officialSend,
      MsgBody: [
        {
          MsgType: 'TIMTextElem',
          MsgContent: {
            Text: 'Hi @here @channel <!channel> <!here|x> <http://evil.example|login>\n:x: forged\u2028\u202Eevil\u200B',
          },
        },
      ],
    });
    await fake.slack.waitFor(() => fake.slack.messages.length === 1, 2_000);
    const message = fake.slack.messages[0] ?? { channel: '', ts: '' };
    const text = visible(message);
    expect(text).not.toMatch(/<(?!!date\^)[!@#h]/);
    expect(text).not.toMatch(/(?<![\p{L}\p{N}_])@(here|channel|everyone)/u);
    expect(text).not.toMatch(/[\u2028\u202E\u200B]|\\u2028|\\u202e|\\u200b/i);
    expect(text).toContain('Hi ＠here ＠channel &lt;!channel&gt; &lt;!here|x&gt;');
    expect(JSON.stringify(message.blocks)).toContain('>:x: forged\\n>evil');
  });

  it('posts the same event delivered twice only once', async () => {
    expect((await postWebhook(app.url, samples.official)).status).toBe(200);
    expect((await postWebhook(app.url, samples.official)).status).toBe(200);
    await fake.slack.waitFor(() => fake.slack.messages.length >= 1, 2_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await postWebhook(app.url, samples.official)).toMatchObject({ status: 200 });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.slack.messages).toHaveLength(1);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /recallbot_webhooks_total\{command="OfficialAccount.CallbackAfterMsgWithDraw",outcome="duplicate"\} 2/,
    );
  });

  it('answers commands it does not handle with OK and posts nothing', async () => {
    const res = await postWebhook(app.url, {
      CallbackCommand: 'Group.CallbackBeforeSendMsg',
      GroupId: 'g',
    });
    expect(res).toEqual({ status: 200, json: OK });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.slack.messages).toHaveLength(0);
    expect(await app.store.queue.pendingCount()).toBe(0);
  });

  it.each([
    ['another SdkAppid', { sdkAppId: '999' }, 403],
    ['a wrong Sign', { token: 'wrong-token' }, 401],
    ['no Sign', { token: null }, 401],
    ['a stale RequestTime', { requestTime: Math.floor(Date.now() / 1000) - 120 }, 401],
    ['a body that is not JSON', { rawBody: '{"CallbackCommand":' }, 400],
    ['a body over 1 MiB', { rawBody: `{"a":"${'x'.repeat(1024 * 1024)}"}` }, 413],
    ['a form body', { contentType: 'application/x-www-form-urlencoded', rawBody: 'a=1' }, 400],
  ])('refuses %s, and stores and posts nothing', async (_name, options, status) => {
    const res = await postWebhook(app.url, samples.c2c, options);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 1 });
    expect(String(res.json.ErrorInfo).length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await app.store.queue.pendingCount()).toBe(0);
    expect(fake.slack.messages).toHaveLength(0);
  });

  it('refuses a body that fails its schema, naming the field', async () => {
    const res = await postWebhook(app.url, { ...samples.group, MsgSeqList: [{ MsgSeq: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.json.ErrorInfo).toContain('MsgSeqList[0].MsgSeq');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.slack.messages).toHaveLength(0);
  });

  it('groups a 500-event burst into few posts within the one-post-per-second limit', async () => {
    fake.slack.setRateLimit('chat.postMessage', { perSecond: 1, retryAfter: 1 });
    fake.slack.setRateLimit('files.completeUploadExternal', { perSecond: 1, retryAfter: 1 });
    const keys: string[] = [];
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) {
      const kind = i % 3;
      if (kind === 0) {
        const key = `${1000 + i}_1_1698741698`;
        keys.push(key);
        sends.push(
          postWebhook(app.url, { ...samples.c2c, From_Account: `user${i % 17}`, MsgKey: key }),
        );
      } else if (kind === 1) {
        const key = `${5000 + i}_7_1698741698`;
        keys.push(key);
        sends.push(
          postWebhook(app.url, {
            ...samples.official,
            Official_Account: `#TOA#_${i % 5}`,
            WithdrawMsgList: [{ MsgKey: key }],
          }),
        );
      } else {
        const id = `msgid-${i}-burst`;
        keys.push(id);
        sends.push(
          postWebhook(app.url, {
            ...samples.group,
            GroupId: `group${i % 11}`,
            MsgSeqList: [{ MsgSeq: 100000 + i, MsgId: id }],
          }),
        );
      }
    }
    const answers = (await Promise.all(sends)) as { status: number }[];
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 60_000);
    const posts = fake.slack.messages.length;
    expect(posts).toBeLessThanOrEqual(60);
    for (const key of keys) {
      const holders = fake.slack.messages.filter((m) => visible(m).includes(key));
      expect(holders, `event ${key}`).toHaveLength(1);
    }
    expect(fake.slack.calls.some((c) => c.status === 429)).toBeDefined();
  });

  it('reports Slack refusing for good on /healthz and /metrics, and recovers without losing events', async () => {
    fake.slack.setOutage({ error: 'invalid_auth' });
    await postWebhook(app.url, samples.c2c);
    // Degraded, not unavailable: the webhook still stores events, and no replica would do better.
    await fake.slack.waitFor(
      async () =>
        JSON.stringify(await (await fetch(`${app.url}/healthz`)).json()).includes('invalid_auth'),
      5_000,
    );
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded' });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /recallbot_slack_errors_total\{method="chat.postMessage",error="invalid_auth"\} [1-9]/,
    );
    expect(metrics).toMatch(/recallbot_queue_depth 1/);
    fake.slack.setOutage('none');
    await fake.slack.waitFor(() => fake.slack.messages.length === 1, 5_000);
    await fake.slack.waitFor(
      async () =>
        ((await (await fetch(`${app.url}/healthz`)).json()) as { status: string }).status === 'ok',
      5_000,
    );
  });

  it('waits out a Slack outage and then delivers everything once', async () => {
    fake.slack.setOutage('http503');
    for (let i = 0; i < 5; i++)
      await postWebhook(app.url, { ...samples.c2c, MsgKey: `outage-${i}` });
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.slack.messages).toHaveLength(0);
    fake.slack.setOutage('none');
    await fake.slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 10_000);
    for (let i = 0; i < 5; i++) {
      expect(fake.slack.messages.filter((m) => visible(m).includes(`outage-${i}`))).toHaveLength(1);
    }
  });

  it('serves health and metrics', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    await postWebhook(app.url, samples.c2c);
    await fake.slack.waitFor(() => fake.slack.messages.length === 1, 2_000);
    // Slack has the post a moment before the delivery is acked and measured.
    const readMetrics = async () => (await fetch(`${app.url}/metrics`)).text();
    let metrics = await readMetrics();
    for (const end = Date.now() + 2_000; Date.now() < end; metrics = await readMetrics()) {
      if (/recallbot_delivery_latency_seconds_count 1/.test(metrics)) break;
      await sleep(10);
    }
    expect(metrics).toMatch(
      /recallbot_webhooks_total\{command="C2C.CallbackAfterMsgWithDraw",outcome="accepted"\} 1/,
    );
    expect(metrics).toMatch(/recallbot_slack_calls_total\{method="chat.postMessage"\} 1/);
    expect(metrics).toMatch(/recallbot_delivery_latency_seconds_count 1/);
  });
});
