import { describe, expect, it } from 'vitest';
import { postWebhook } from '../helpers/app.js';
import { sendOf } from '../helpers/feed.js';
import { useApp, useFakes } from '../helpers/fixture.js';
import { samples } from '../helpers/tencent-samples.js';

/** Text an attacker controls, as Tencent would pass it on (accounts, keys, message text). */
const HOSTILE = [
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<!subteam^S0123|admins>',
  '@channel',
  '@here please',
  'hi @everyone',
  '<@U0123ABC>',
  '<#C0123ABC|general>',
  '<https://evil.example|click me>',
  '<mailto:a@evil.example|mail>',
  'https://evil.example/login',
  '`code` ```block```',
  'a`b``c```d',
  '*bold* _it_ ~strike~',
  'line one\nline two',
  'forged\r\n:white_check_mark: *approved by admin*',
  'u2028\u2028forged line',
  'u2029\u2029forged paragraph',
  'right-to-left \u202Eevil.exe',
  'isolate \u2066hidden\u2069',
  'zero\u200Bwidth\u200Cjoin\u200Dmark\u2060',
  '\uFEFFbom first',
  'nul\u0000byte',
  'escape \u001B[31mred',
  'del\u007F c1\u0085 next',
  'tab\tseparated',
  '=HYPERLINK("http://evil.example","x")',
  "+1+cmd|' /C calc'!A0",
  '-1+1',
  '@SUM(1+1)',
  '&lt;!channel&gt;',
  '&amp;<>&',
  '> quoted\n> more',
  '漢字 and emoji 👩‍💻 stay',
];

/** Characters that must never reach Slack raw: controls (except a line break), bidi, zero-width. */
const HIDDEN_RANGES: [number, number][] = [
  [0x00, 0x09],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0x200b, 0x200c],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0x2028, 0x2029],
  [0xfeff, 0xfeff],
];
const u = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const HIDDEN = new RegExp(`[${HIDDEN_RANGES.map(([a, b]) => `${u(a)}-${u(b)}`).join('')}]`, 'u');
/** What in mrkdwn would ping, link or mention. */
const ACTIVE = [
  /<!(?!date\^)/,
  /<[@#]/,
  /<(https?|mailto):/,
  /(^|[^\p{L}\p{N}_])@(channel|here|everyone)\b/u,
];

/** Every string a message shows: its text and each text of its blocks. */
function textsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) textsIn(v, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.text === 'string') out.push(record.text);
    for (const [key, v] of Object.entries(record)) if (key !== 'value') textsIn(v, out);
  }
  return out;
}

describe('hostile text in webhooks: the feed pings, links, forges and hides nothing', () => {
  const fakes = useFakes();
  const running = useApp(fakes);

  it.each(HOSTILE.map((text, i) => [i, text] as const))(
    'accepts an event carrying hostile text %i everywhere',
    async (i, text) => {
      const c2c = { ...samples.c2c, From_Account: text, To_Account: text, MsgKey: `${text}-${i}` };
      const send = {
        ...sendOf(`${9000 + i}_1_1698741698`, text),
        From_Account: text,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
      };
      const group = {
        ...samples.group,
        GroupId: `${text}-${i}`,
        Operator_Account: text,
        TopicId: text,
      };
      for (const body of [c2c, send, group]) {
        expect((await postWebhook(running.app.url, body)).status).toBe(200);
      }
    },
  );

  it('shows them all, inert', async () => {
    await fakes.slack.waitFor(
      async () => (await running.app.store.queue.pendingCount()) === 0,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(fakes.slack.messages.length).toBeGreaterThan(0);
    for (const message of fakes.slack.messages) {
      const texts = [message.text ?? '', ...textsIn(message.blocks ?? [])];
      for (const text of texts) {
        expect(text, text).not.toMatch(HIDDEN);
        for (const active of ACTIVE) expect(text, text).not.toMatch(active);
      }
      for (const file of message.files ?? []) expect(file.content).not.toMatch(HIDDEN);
    }
    // Nothing was lost: every hostile account shows up, escaped.
    const all = fakes.slack.messages.map((m) => JSON.stringify([m.text, m.blocks])).join('\n');
    expect(all).toContain('＠channel');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('漢字 and emoji 👩‍💻 stay');
  });
});
