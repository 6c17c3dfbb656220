import { afterEach, describe, expect, it } from 'vitest';
import { type ChildApp, freePort, spawnApp, testEnv } from '../helpers/app.js';
import { useFakes } from '../helpers/fixture.js';
import { confirmRecall, sendsPerKey } from '../helpers/recall.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const keys = Array.from({ length: 200 }, (_, i) => `${3000 + i}_1_1698741698`);

describe('recall faults: a crash in the middle of a recall', () => {
  const fakes = useFakes({ users: { UADMIN: { is_admin: true } } });
  const children: ChildApp[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    }
  });

  /** The app as a process, and a confirmed 200-key /recall on it; resolves its response URL. */
  async function startRecall(env: Record<string, string>, port: number) {
    const first = await spawnApp(env, port);
    children.push(first);
    const responseUrl = await confirmRecall(first.url, fakes.slack, `${ACCOUNT} ${keys.join(' ')}`);
    return { first, responseUrl };
  }

  function recallEnv(): Record<string, string> {
    fakes.tencent.reset();
    fakes.slack.reset();
    fakes.tencent.addMessages(ACCOUNT, keys);
    return testEnv(fakes.slack.apiUrl, {
      TENCENT_API_BASE: fakes.tencent.url,
      RECALL_RATE_PER_SECOND: '8',
      LOG_LEVEL: 'warn',
    });
  }

  /** The final answer posted to `responseUrl`, once it is there. */
  async function finalAnswer(responseUrl: string): Promise<string> {
    const answered = () =>
      fakes.slack.responses.filter(
        (r) => responseUrl.endsWith(r.id) && !String(r.body.text).startsWith(':hourglass'),
      );
    await fakes.slack.waitFor(() => answered().length === 1, 40_000);
    return JSON.stringify(answered()[0]?.body);
  }

  it('resumes after a kill -9: every key answered, none known sent again, one audit line', async () => {
    const env = recallEnv();
    const port = await freePort();
    const { first, responseUrl } = await startRecall(env, port);
    await fakes.slack.waitFor(() => fakes.tencent.calls.length >= 6, 10_000);
    first.process.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const beforeCrash = fakes.tencent.calls.map((c) => [...c.msgKeys]);

    const second = await spawnApp(env, port);
    children.push(second);
    const final = await finalAnswer(responseUrl);
    expect(final).toMatch(/Recalled \*\d+ of 200\*/);
    for (const key of keys) expect(fakes.tencent.isRecalled(ACCOUNT, key), key).toBe(true);
    const sends = sendsPerKey(fakes.tencent);
    expect(sends.size).toBe(200);
    // Only keys in flight at the kill may go twice, never more, and they are told honestly.
    const twice = [...sends].filter(([, n]) => n > 1).map(([key]) => key);
    expect([...sends.values()].every((n) => n <= 2)).toBe(true);
    for (const key of twice) {
      expect(beforeCrash.slice(-2).some((sent) => sent.includes(key))).toBe(true);
      expect(final).toContain(key);
    }
    await new Promise((r) => setTimeout(r, 500));
    const audits = fakes.slack.messages.filter((m) =>
      JSON.stringify([m.text, m.blocks]).includes('recalled 200 messages'),
    );
    expect(audits).toHaveLength(1);
  });

  it('stops within its bound on SIGTERM mid-recall and resumes the rest after the restart', async () => {
    const env = recallEnv();
    const port = await freePort();
    const { first, responseUrl } = await startRecall(env, port);
    await fakes.slack.waitFor(() => fakes.tencent.calls.length >= 4, 10_000);
    const stoppedAt = Date.now();
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(fakes.tencent.calls.length).toBeLessThan(20);
    const second = await spawnApp(env, port);
    children.push(second);
    const final = await finalAnswer(responseUrl);
    expect(final).toContain('Recalled *200 of 200*');
    expect([...sendsPerKey(fakes.tencent).values()].every((n) => n === 1)).toBe(true);
  });
});
