import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { type FakeTencent, startFakeTencent } from '../fakes/tencent-api.js';
import { CHANNEL, postWebhook, SDKAPPID, startTestApp, testEnv } from '../helpers/app.js';
import {
  blockActionPayload,
  commandBody,
  interactionBody,
  messageShortcutPayload,
  postSlack,
  viewSubmissionPayload,
} from '../helpers/slack-requests.js';
import { samples } from '../helpers/tencent-samples.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ACCOUNT = '@TOA#_2J4SZEAEL';
const KEY = 'test-tencent-secret-key';
const keys = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `${from + i}_1_1698741698`);

interface ConfirmButton {
  action_id: string;
  value: string;
  style?: string;
}

function buttonsOf(blocks: unknown): ConfirmButton[] {
  const out: ConfirmButton[] = [];
  for (const block of (blocks ?? []) as { type: string; elements?: ConfirmButton[] }[]) {
    if (block.type === 'actions') out.push(...(block.elements ?? []));
  }
  return out;
}

describe('recall from Slack', () => {
  let slack: FakeSlack;
  let tencent: FakeTencent;
  let app: TestApp;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: {
        UADMIN: { is_admin: true },
        UOWNER: { is_owner: true },
        ULISTED: {},
        UGROUPED: {},
        UNOBODY: {},
      },
      usergroups: { SRESPONDERS: ['UGROUPED', 'USOMEONE'] },
    });
    tencent = await startFakeTencent({
      sdkAppId: Number(SDKAPPID),
      key: KEY,
      identifier: 'administrator',
    });
  });
  afterAll(async () => {
    await slack.close();
    await tencent.close();
  });
  beforeEach(async () => {
    slack.reset();
    tencent.reset();
    tencent.addMessages(ACCOUNT, keys(300));
    app = await startTestApp(
      testEnv(slack.apiUrl, {
        TENCENT_API_BASE: tencent.url,
        RECALL_ALLOWED_USERS: 'ULISTED',
        RECALL_ALLOWED_USERGROUPS: 'SRESPONDERS',
      }),
    );
  });
  afterEach(async () => {
    await app.stop();
  });

  async function command(text: string, userId = 'ULISTED') {
    const responseUrl = slack.responseUrl();
    const res = await postSlack(app.url, commandBody({ text, userId, responseUrl }));
    return { ...res, responseUrl, body: res.json as { text?: string; blocks?: unknown } };
  }

  async function click(
    actionId: string,
    value: string,
    userId: string,
    extra: Partial<Parameters<typeof blockActionPayload>[0]> = {},
  ) {
    const responseUrl = slack.responseUrl();
    const res = await postSlack(
      app.url,
      interactionBody(blockActionPayload({ actionId, value, userId, responseUrl, ...extra })),
    );
    expect(res.status).toBe(200);
    return responseUrl;
  }

  const responsesTo = (url: string) =>
    slack.responses.filter((r) => url.endsWith(r.id)).map((r) => r.body);
  const finalTo = async (url: string) => {
    await slack.waitFor(
      () => responsesTo(url).some((b) => !String(b.text).startsWith(':hourglass_flowing_sand:')),
      10_000,
    );
    return (
      responsesTo(url)
        .filter((b) => !String(b.text).startsWith(':hourglass_flowing_sand:'))
        .at(-1) ?? {}
    );
  };

  it('explains itself with /recall help', async () => {
    const res = await command('help');
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('/recall <Official_Account> <MsgKey>');
    expect(tencent.calls).toHaveLength(0);
  });

  it('refuses a malformed /recall with the reason, before any confirmation', async () => {
    const res = await command(`${ACCOUNT} not-a-key`);
    expect(res.body.text).toContain('not-a-key');
    const long = await command(`${ACCOUNT} 1_1_1 reason: ${'é'.repeat(51)}`);
    expect(long.body.text).toMatch(/100 bytes/);
    expect(tencent.calls).toHaveLength(0);
  });

  it('confirms /recall with keys once, then recalls every key and audits it', async () => {
    const res = await command(
      `${ACCOUNT} 1_1_1698741698, 2_1_1698741698 2_1_1698741698 999_1_1698741698 reason: sent by <!channel> mistake`,
    );
    expect(res.status).toBe(200);
    const [confirm] = buttonsOf(res.body.blocks).filter((b) => b.action_id === 'confirm_recall');
    expect(confirm?.style).toBe('danger');
    expect(confirm?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).toContain('3 messages');
    expect(tencent.calls).toHaveLength(0);

    const url = await click('confirm_recall', confirm?.value ?? '', 'ULISTED');
    const final = await finalTo(url);
    expect(final.replace_original).toBe(true);
    const text = JSON.stringify(final);
    expect(text).toContain('Recalled *2 of 3*');
    expect(text).toContain('999_1_1698741698');
    expect(text).toContain('10030');
    expect(tencent.calls).toHaveLength(1);
    expect(tencent.calls[0]?.msgKeys).toEqual([
      '1_1_1698741698',
      '2_1_1698741698',
      '999_1_1698741698',
    ]);
    expect(tencent.calls[0]?.reason).toBe('sent by <!channel> mistake');
    expect(tencent.isRecalled(ACCOUNT, '1_1_1698741698')).toBe(true);

    await slack.waitFor(
      () =>
        slack.messages.some(
          (m) => m.channel === CHANNEL && String(m.text).includes('recalled 3 messages'),
        ),
      5_000,
    );
    const audit = slack.messages.find((m) => String(m.text).includes('recalled 3 messages'));
    expect(audit?.text).toContain('<@ULISTED>');
    expect(audit?.text).toContain(ACCOUNT);
    expect(audit?.text).toContain('&lt;!channel&gt;');
    expect(audit?.text).toContain('2 recalled, 1 failed');
  });

  it('recalls once when the confirmation is clicked twice', async () => {
    const res = await command(`${ACCOUNT} 5_1_1698741698`);
    const [confirm] = buttonsOf(res.body.blocks);
    const [a, b] = await Promise.all([
      click('confirm_recall', confirm?.value ?? '', 'ULISTED'),
      click('confirm_recall', confirm?.value ?? '', 'ULISTED'),
    ]);
    const answers = [JSON.stringify(await finalTo(a)), JSON.stringify(await finalTo(b))];
    expect(answers.filter((t) => t.includes('Recalled *1 of 1*'))).toHaveLength(1);
    expect(answers.filter((t) => t.includes('already used or has expired'))).toHaveLength(1);
    expect(tencent.calls).toHaveLength(1);
  });

  it('answers a second click on a used confirmation beside its results, never over them', async () => {
    const res = await command(`${ACCOUNT} 6_1_1698741698`);
    const [confirm] = buttonsOf(res.body.blocks);
    const url = await click('confirm_recall', confirm?.value ?? '', 'ULISTED');
    expect(JSON.stringify(await finalTo(url))).toContain('Recalled *1 of 1*');
    await click('confirm_recall', confirm?.value ?? '', 'ULISTED', { responseUrl: url });
    await slack.waitFor(
      () => responsesTo(url).some((b) => /already used/.test(String(b.text))),
      5_000,
    );
    const note = responsesTo(url).find((b) => /already used/.test(String(b.text)));
    expect(note?.replace_original).toBe(false);
    // What replaces the message is still the results.
    const replacing = responsesTo(url).filter((b) => b.replace_original !== false);
    expect(JSON.stringify(replacing.at(-1))).toContain('Recalled *1 of 1*');
    expect(tencent.calls).toHaveLength(1);
  });

  it('lets a moderator use a confirmation that someone who may not recall clicked first', async () => {
    const res = await command(`${ACCOUNT} 7_1_1698741698`);
    const [confirm] = buttonsOf(res.body.blocks);
    const refused = await click('confirm_recall', confirm?.value ?? '', 'UNOBODY');
    expect(JSON.stringify(await finalTo(refused))).toContain(':no_entry:');
    expect(tencent.calls).toHaveLength(0);
    const allowed = await click('confirm_recall', confirm?.value ?? '', 'ULISTED');
    expect(JSON.stringify(await finalTo(allowed))).toContain('Recalled *1 of 1*');
    expect(tencent.calls).toHaveLength(1);
  });

  it('never shows a key as recalled when Tencent answers OK without a result for it', async () => {
    const res = await command(`${ACCOUNT} 8_1_1698741698 9_1_1698741698`);
    const [confirm] = buttonsOf(res.body.blocks);
    tencent.setFault({ kind: 'ok-without-list', times: 1 });
    const final = JSON.stringify(
      await finalTo(await click('confirm_recall', confirm?.value ?? '', 'ULISTED')),
    );
    expect(final).toContain('Recalled *0 of 2*');
    expect(final).toContain('2 unknown');
    expect(final).toContain('most likely recalled by an earlier try');
    await slack.waitFor(
      () => slack.messages.some((m) => String(m.text).includes('2 unknown')),
      5_000,
    );
  });

  it('cancels a confirmation', async () => {
    const res = await command(`${ACCOUNT} 6_1_1698741698`);
    const value = buttonsOf(res.body.blocks)[0]?.value ?? '';
    const cancelUrl = await click('cancel_recall', value, 'ULISTED');
    expect(JSON.stringify(await finalTo(cancelUrl))).toContain('Cancelled');
    const confirmUrl = await click('confirm_recall', value, 'ULISTED');
    expect(JSON.stringify(await finalTo(confirmUrl))).toContain('already used or has expired');
    expect(tencent.calls).toHaveLength(0);
  });

  it.each([
    ['a workspace admin', 'UADMIN', true],
    ['a workspace owner', 'UOWNER', true],
    ['a member of an allowed user group', 'UGROUPED', true],
    ['anybody else', 'UNOBODY', false],
  ])('authorizes %s at the moment of confirmation', async (_who, user, allowed) => {
    // Requested by an allowed user; what counts is who confirms.
    const res = await command(`${ACCOUNT} 7_1_1698741698`, 'ULISTED');
    const url = await click('confirm_recall', buttonsOf(res.body.blocks)[0]?.value ?? '', user);
    const text = JSON.stringify(await finalTo(url));
    if (allowed) {
      expect(text).toContain('Recalled *1 of 1*');
      expect(tencent.calls).toHaveLength(1);
    } else {
      expect(text).toContain('not allowed to recall');
      expect(tencent.calls).toHaveLength(0);
    }
  });

  it('opens the modal for a bare /recall and validates it on the fields', async () => {
    const res = await command('');
    expect(res.status).toBe(200);
    await slack.waitFor(() => slack.views.length === 1, 3_000);
    const view = slack.views[0]?.view as {
      callback_id?: string;
      private_metadata?: string;
      submit?: { text: string };
    };
    expect(view.callback_id).toBe('recall_modal');
    expect(view.submit?.text).toBe('Recall');
    expect(JSON.stringify(view)).toContain('cannot be undone');

    const bad = await postSlack(
      app.url,
      interactionBody(
        viewSubmissionPayload({
          userId: 'ULISTED',
          account: ACCOUNT,
          keys: 'nope',
          reason: 'x'.repeat(101),
          privateMetadata: view.private_metadata ?? '',
        }),
      ),
    );
    expect(bad.json).toMatchObject({ response_action: 'errors' });
    const errors = (bad.json as { errors: Record<string, string> }).errors;
    expect(errors.keys).toContain('nope');
    expect(errors.reason).toMatch(/100 bytes/);
    const noKeys = await postSlack(
      app.url,
      interactionBody(
        viewSubmissionPayload({
          userId: 'ULISTED',
          account: '',
          keys: '',
          privateMetadata: view.private_metadata ?? '',
        }),
      ),
    );
    expect((noKeys.json as { errors: Record<string, string> }).errors).toHaveProperty('account');
    expect(tencent.calls).toHaveLength(0);

    const good = await postSlack(
      app.url,
      interactionBody(
        viewSubmissionPayload({
          userId: 'ULISTED',
          account: ACCOUNT,
          keys: '8_1_1698741698\n9_1_1698741698',
          reason: 'test',
          privateMetadata: view.private_metadata ?? '',
        }),
      ),
    );
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    const final = await finalTo(res.responseUrl);
    expect(JSON.stringify(final)).toContain('Recalled *2 of 2*');
  });

  it('fills the modal from a message with the shortcut, and answers ephemerally in the channel', async () => {
    const responseUrl = slack.responseUrl();
    const message = {
      ts: '1700000000.000100',
      text: 'Broadcast went out by mistake',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `Official Channel \`${ACCOUNT}\` sent \`10_1_1698741698\``,
          },
        },
      ],
      attachments: [{ text: 'also 11_1_1698741698' }],
    };
    const res = await postSlack(
      app.url,
      interactionBody(
        messageShortcutPayload({
          userId: 'UADMIN',
          channelId: 'CWORK000001',
          message,
          responseUrl,
        }),
      ),
    );
    expect(res.status).toBe(200);
    await slack.waitFor(() => slack.views.length === 1, 3_000);
    const view = slack.views[0]?.view as {
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };
    const initial = (id: string) =>
      view.blocks.find((b) => b.block_id === id)?.element?.initial_value;
    expect(initial('account')).toBe(ACCOUNT);
    expect(initial('keys')).toBe('10_1_1698741698\n11_1_1698741698');

    await postSlack(
      app.url,
      interactionBody(
        viewSubmissionPayload({
          userId: 'UADMIN',
          account: ACCOUNT,
          keys: '10_1_1698741698 11_1_1698741698',
          privateMetadata: view.private_metadata,
        }),
      ),
    );
    await slack.waitFor(
      () => slack.messages.some((m) => m.ephemeral && String(m.text).includes('Recalled 2 of 2')),
      5_000,
    );
    const answer = slack.messages.find(
      (m) => m.ephemeral && String(m.text).includes('Recalled 2 of 2'),
    );
    expect(answer?.channel).toBe('CWORK000001');
    expect(answer?.user).toBe('UADMIN');
  });

  /** A sent message posted to the feed alone: the post and its buttons. */
  async function sendPost(msgKey: string) {
    await postWebhook(app.url, {
      ...samples.officialSend,
      Official_Account: ACCOUNT,
      MsgKey: msgKey,
    });
    await slack.waitFor(() => slack.messages.length === 1, 3_000);
    const post = slack.messages[0];
    return { post, buttons: buttonsOf(post?.blocks) as (ConfirmButton & { confirm?: unknown })[] };
  }

  it('tells a refused feed click to the clicker alone, never in the thread for everyone', async () => {
    const {
      post,
      buttons: [button],
    } = await sendPost('14_1_1698741698');
    await click('feed_recall', button?.value ?? '', 'UNOBODY', {
      channelId: CHANNEL,
      message: { ts: post?.ts ?? '' },
    });
    await slack.waitFor(
      () => slack.messages.some((m) => m.ephemeral && m.user === 'UNOBODY'),
      5_000,
    );
    expect(slack.messages.filter((m) => m.thread_ts === post?.ts && !m.ephemeral)).toHaveLength(0);
    expect(tencent.calls).toHaveLength(0);
  });

  it('recalls from the feed button, answers in the thread, then marks the post recalled', async () => {
    const {
      post,
      buttons: [button],
    } = await sendPost('12_1_1698741698');
    expect(button?.action_id).toBe('feed_recall');
    expect(button?.style).toBe('danger');
    expect(button?.confirm).toBeDefined();

    const clicks = await Promise.all(
      [0, 1].map(() =>
        click('feed_recall', button?.value ?? '', 'UADMIN', {
          channelId: CHANNEL,
          message: { ts: post?.ts ?? '' },
        }),
      ),
    );
    expect(clicks).toHaveLength(2);
    await slack.waitFor(
      () =>
        slack.messages.some(
          (m) => m.thread_ts === post?.ts && String(m.text).includes('Recalled 1 of 1'),
        ),
      5_000,
    );
    expect(tencent.calls).toHaveLength(1);

    // Tencent then tells us about the recall: the original post changes, no new top-level post.
    const before = slack.messages.filter((m) => !m.thread_ts).length;
    await postWebhook(app.url, {
      ...samples.official,
      Official_Account: ACCOUNT,
      WithdrawMsgList: [{ MsgKey: '12_1_1698741698' }],
    });
    await slack.waitFor(
      () => Boolean(slack.messages.find((m) => m.ts === post?.ts)?.updated),
      5_000,
    );
    const updated = slack.messages.find((m) => m.ts === post?.ts);
    expect(JSON.stringify(updated?.blocks)).toMatch(/[Rr]ecalled/);
    expect(buttonsOf(updated?.blocks).some((b) => b.action_id === 'feed_recall')).toBe(false);
    await slack.waitFor(
      () => slack.messages.filter((m) => m.thread_ts === post?.ts).length >= 2,
      5_000,
    );
    expect(
      slack.messages.filter(
        (m) =>
          !m.thread_ts && m.channel === CHANNEL && !String(m.text).includes('recalled 1 message'),
      ).length,
    ).toBe(before - 1);
  });

  /** Sends that waited together (Slack was down) share one post: it, its Recall buttons, keys. */
  async function groupedSendPost(msgKeys: string[]) {
    slack.setOutage('http503');
    for (const key of msgKeys) {
      await postWebhook(app.url, {
        ...samples.officialSend,
        Official_Account: ACCOUNT,
        MsgKey: key,
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    slack.setOutage('none');
    await slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 5_000);
    const [post] = slack.messages.filter((m) =>
      JSON.stringify(m.blocks).includes('feed_recall_all'),
    );
    const blocks = (post?.blocks ?? []) as { accessory?: ConfirmButton }[];
    const single = blocks.flatMap((b) => (b.accessory ? [b.accessory] : []));
    const grouped = single.map((b) => (JSON.parse(b.value) as { msgKey: string }).msgKey);
    return { post, single, grouped };
  }

  it('recalls every send of a grouped feed post with Recall all, and each alone with its button', async () => {
    const { post, single, grouped } = await groupedSendPost(keys(4, 20));
    expect(grouped.length).toBeGreaterThanOrEqual(2);
    expect(single.every((b) => b.action_id === 'feed_recall' && b.style === 'danger')).toBe(true);
    const [all] = buttonsOf(post?.blocks) as (ConfirmButton & {
      confirm?: { title: { text: string } };
    })[];
    expect(all).toMatchObject({ action_id: 'feed_recall_all', style: 'danger' });
    expect(all?.confirm?.title.text).toBe(`Recall all ${grouped.length} messages?`);
    const inThread = (text: string) => () =>
      slack.messages.some((m) => m.thread_ts === post?.ts && String(m.text).includes(text));

    await click('feed_recall', single[0]?.value ?? '', 'UADMIN', {
      channelId: CHANNEL,
      message: { ts: post?.ts ?? '' },
    });
    await slack.waitFor(inThread('Recalled 1 of 1'), 5_000);
    // Tencent reports that recall: the post marks that send, and Recall all counts the rest.
    await postWebhook(app.url, {
      ...samples.official,
      Official_Account: ACCOUNT,
      WithdrawMsgList: [{ MsgKey: grouped[0] }],
    });
    await slack.waitFor(() => slack.messages.find((m) => m.ts === post?.ts)?.updated === 1, 5_000);
    const rest = grouped.length - 1;
    expect(JSON.stringify(slack.messages.find((m) => m.ts === post?.ts)?.blocks)).toContain(
      `Recall all ${rest}`,
    );

    // Someone who may not recall is refused and keeps nobody out.
    const where = { channelId: CHANNEL, message: { ts: post?.ts ?? '' } };
    await click('feed_recall_all', all?.value ?? '', 'UNOBODY', where);
    // Told to the clicker alone.
    await slack.waitFor(
      () =>
        slack.messages.some(
          (m) => m.ephemeral && m.user === 'UNOBODY' && String(m.text).includes(':no_entry:'),
        ),
      5_000,
    );
    await click('feed_recall_all', all?.value ?? '', 'UADMIN', where);
    await slack.waitFor(inThread(`Recalled ${rest} of ${rest}`), 5_000);
    const recalled = tencent.calls.flatMap((c) => c.msgKeys);
    expect([...recalled].sort()).toEqual([...grouped].sort());
  });

  it("never sends a message twice when its Recall and the post's Recall all are clicked at once", async () => {
    const { post, single: sections, grouped } = await groupedSendPost(keys(3, 40));
    expect(grouped.length).toBeGreaterThanOrEqual(2);
    const [one] = sections;
    const [all] = buttonsOf(post?.blocks);
    const where = { channelId: CHANNEL, message: { ts: post?.ts ?? '' } };
    await Promise.all([
      click('feed_recall', one?.value ?? '', 'UADMIN', where),
      click('feed_recall_all', all?.value ?? '', 'UADMIN', where),
      click('feed_recall_all', all?.value ?? '', 'UADMIN', where),
    ]);
    const sent = () => tencent.calls.flatMap((c) => c.msgKeys);
    await slack.waitFor(() => new Set(sent()).size === grouped.length, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    // Every message of the post sent once: by its own button or by Recall all, never both.
    expect(sent().sort()).toEqual([...grouped].sort());
  });

  it('gives every key a final answer under injected 502 and 60007 faults', async () => {
    tencent.setFault({ kind: '502', times: 2 });
    const res = await command(`${ACCOUNT} ${keys(25, 100).join(' ')}`, 'UADMIN');
    const url = await click('confirm_recall', buttonsOf(res.body.blocks)[0]?.value ?? '', 'UADMIN');
    const final = JSON.stringify(await finalTo(url));
    expect(final).toContain('Recalled *25 of 25*');
    const sentKeys = tencent.calls.filter((c) => c.answer === 'ok').flatMap((c) => c.msgKeys);
    expect(new Set(sentKeys).size).toBe(sentKeys.length);
    expect(tencent.calls.every((c) => c.msgKeys.length <= 10)).toBe(true);

    tencent.setFault({ kind: 'code', code: 60007, times: 3 });
    const res2 = await command(`${ACCOUNT} ${keys(3, 200).join(' ')}`, 'UADMIN');
    const url2 = await click(
      'confirm_recall',
      buttonsOf(res2.body.blocks)[0]?.value ?? '',
      'UADMIN',
    );
    expect(JSON.stringify(await finalTo(url2))).toContain('Recalled *3 of 3*');
  });

  it('offers "Retry failed" for keys that failed transiently, and retries only those', async () => {
    tencent.setFault({ kind: 'code', code: 10002, times: 100 });
    const res = await command(`${ACCOUNT} 20_1_1698741698 21_1_1698741698`, 'UADMIN');
    const url = await click('confirm_recall', buttonsOf(res.body.blocks)[0]?.value ?? '', 'UADMIN');
    const final = await finalTo(url);
    expect(JSON.stringify(final)).toContain('can be retried');
    const retry = buttonsOf(final.blocks).find((b) => b.action_id === 'retry_recall');
    expect(retry).toBeDefined();
    tencent.setFault(undefined);
    const callsBefore = tencent.calls.length;
    const retryUrl = await click('retry_recall', retry?.value ?? '', 'UADMIN');
    expect(JSON.stringify(await finalTo(retryUrl))).toContain('Recalled *2 of 2*');
    expect(tencent.calls.length).toBe(callsBefore + 1);
  });

  it.each([31, 60])(
    "shows each of %i keys' results in the reply itself, and the CSV on the audit post",
    async (n) => {
      const list = keys(n - 1, 150);
      const res = await command(`${ACCOUNT} ${list.join(' ')} 9999_9_9`, 'UADMIN');
      const url = await click(
        'confirm_recall',
        buttonsOf(res.body.blocks)[0]?.value ?? '',
        'UADMIN',
      );
      const final = JSON.stringify(await finalTo(url));
      expect(final).toContain(`Recalled *${n - 1} of ${n}*`);
      for (const key of [...list, '9999_9_9']) expect(final).toContain(`\`${key}\``);
      expect(final).not.toContain('direct message');
      await slack.waitFor(() => slack.messages.some((m) => (m.files ?? []).length > 0), 5_000);
      const csv = slack.messages.find((m) => (m.files ?? []).length > 0)?.files?.[0]?.content ?? '';
      expect(csv.split('\r\n').filter(Boolean)).toHaveLength(n + 1);
      expect(csv).toContain('9999_9_9');
    },
  );

  it('sends every result of 1,000 keys as a file in a direct message, named in the reply', async () => {
    const list = keys(1000, 2000);
    tencent.addMessages(ACCOUNT, list);
    const res = await command(`${ACCOUNT} ${list.join(' ')}`, 'UADMIN');
    const url = await click('confirm_recall', buttonsOf(res.body.blocks)[0]?.value ?? '', 'UADMIN');
    const final = JSON.stringify(await finalTo(url));
    expect(final).toContain('Recalled *1000 of 1000*');
    const name = final.match(/recall-results-[^`\\]+\.csv/)?.[0] ?? '';
    expect(name).not.toBe('');
    const dm = slack.messages.find(
      (m) => m.channel === 'DADMIN' && m.files?.[0]?.filename === name,
    );
    const csv = dm?.files?.[0]?.content ?? '';
    for (const key of list) expect(csv).toContain(`,${key},recalled,`);
  });

  it('answers in a direct message when the shortcut was used in a channel the bot is not in', async () => {
    await postSlack(
      app.url,
      interactionBody(
        messageShortcutPayload({
          userId: 'UADMIN',
          channelId: 'CNOTMEMBER1',
          message: { ts: '1700000000.000200', text: `${ACCOUNT} 12_1_1698741698` },
          responseUrl: slack.responseUrl(),
        }),
      ),
    );
    await slack.waitFor(() => slack.views.length === 1, 3_000);
    const view = slack.views[0]?.view as { private_metadata: string };
    slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 5);
    await postSlack(
      app.url,
      interactionBody(
        viewSubmissionPayload({
          userId: 'UADMIN',
          account: ACCOUNT,
          keys: '12_1_1698741698 13_1_1698741698',
          privateMetadata: view.private_metadata,
        }),
      ),
    );
    await slack.waitFor(
      () =>
        slack.messages.some(
          (m) => m.channel === 'DADMIN' && String(m.text).includes('Recalled 2 of 2'),
        ),
      5_000,
    );
    expect(tencent.calls.flatMap((c) => c.msgKeys).sort()).toEqual([
      '12_1_1698741698',
      '13_1_1698741698',
    ]);
  });

  it('keeps 40 users confirming at once within the rate limit, every key answered', async () => {
    const confirmations = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await command(`${ACCOUNT} ${keys(5, i * 5 + 1).join(' ')}`, 'UADMIN');
        return buttonsOf(res.body.blocks)[0]?.value ?? '';
      }),
    );
    const urls = await Promise.all(
      confirmations.map((value) => click('confirm_recall', value, 'UADMIN')),
    );
    const finals = await Promise.all(urls.map((u) => finalTo(u)));
    for (const f of finals) expect(JSON.stringify(f)).toContain('Recalled *5 of 5*');
    expect(tencent.calls.filter((c) => c.answer === 'ok')).toHaveLength(40);
    expect(tencent.maxInAnySecond()).toBeLessThanOrEqual(201);
  });
});
