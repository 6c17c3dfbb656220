import type { WebClient } from '@slack/web-api';
import { describe, expect, it, vi } from 'vitest';
import type { Lookup, Reconciler } from '../../../src/feed/reconcile.js';
import { silentLogger } from '../../../src/log.js';
import { RecallAudit } from '../../../src/recall/audit.js';
import type { PendingRecall } from '../../../src/recall/confirmations.js';
import { RecallJobs } from '../../../src/recall/jobs.js';
import { LIST_ALL_UP_TO, type RecallSummary } from '../../../src/recall/report.js';
import { recalledResult } from '../../helpers/recall.js';
import { useTestStore } from '../../helpers/store.js';

const CHANNEL = 'C0MODERATION';
const ACCOUNT = '@TOA#_audit';

const pending = (msgKeys: string[]): PendingRecall => ({
  account: ACCOUNT,
  msgKeys,
  reason: 'spam',
  requestedBy: 'U1',
  origin: { kind: 'feed', channel: 'C1', threadTs: '1.0' },
});

const summaryOf = (keys: string[]): RecallSummary => ({
  account: ACCOUNT,
  reason: 'spam',
  results: keys.map((key) => recalledResult(key)),
});

/** A Slack client that records the audit posts and can be made to fail. */
function fakeSlack() {
  const posts: Record<string, unknown>[] = [];
  const uploads: Record<string, unknown>[] = [];
  let failing = false;
  const slack = {
    chat: {
      postMessage: vi.fn(async (args: Record<string, unknown>) => {
        if (failing) throw new Error('slack is away');
        posts.push(args);
        return { ok: true, ts: '2.0' };
      }),
    },
    filesUploadV2: vi.fn(async (args: Record<string, unknown>) => {
      if (failing) throw new Error('slack is away');
      uploads.push(args);
      return { ok: true };
    }),
  };
  return {
    client: slack as unknown as WebClient,
    posts,
    uploads,
    fail: (on: boolean) => {
      failing = on;
    },
  };
}

function fakeReconciler(outcome: Lookup['outcome']) {
  const findSettled = vi.fn(async () => ({ outcome }) as Lookup);
  return { reconciler: { findSettled } as unknown as Reconciler, findSettled };
}

describe('RecallAudit', () => {
  const jobs = new RecallJobs(useTestStore().recallJobs);

  it('posts the audit line once, marked, in the moderation channel', async () => {
    const slack = fakeSlack();
    const audit = new RecallAudit({ slack: slack.client, moderationChannel: CHANNEL, jobs });
    const keys = ['1_1_1', '1_1_2'];
    const job = await jobs.create(pending(keys), 'U0ALICE1');
    expect(await audit.postOnce(job, summaryOf(keys), silentLogger)).toBe(true);
    expect(await audit.postOnce(job, summaryOf(keys), silentLogger)).toBe(true);
    expect(slack.posts).toHaveLength(1);
    const [post] = slack.posts;
    expect(post).toMatchObject({
      channel: CHANNEL,
      metadata: { event_payload: { attempt: `audit-${job.id}` } },
    });
    expect(String(post?.text)).toContain('<@U0ALICE1> recalled 2 messages of');
    expect(job).toMatchObject({ audit: 'done', auditMark: `audit-${job.id}` });
    // Recorded: a resumed job does not post it again.
    expect((await jobs.load(job.id))?.job.audit).toBe('done');
    expect(slack.uploads).toHaveLength(0);
  });

  it('attaches the CSV of every result when there are many keys', async () => {
    const slack = fakeSlack();
    const audit = new RecallAudit({ slack: slack.client, moderationChannel: CHANNEL, jobs });
    const keys = Array.from({ length: LIST_ALL_UP_TO + 1 }, (_, i) => `2_2_${i}`);
    const job = await jobs.create(pending(keys), 'U0ALICE1');
    expect(await audit.postOnce(job, summaryOf(keys), silentLogger)).toBe(true);
    expect(slack.posts).toHaveLength(0);
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]).toMatchObject({
      channel_id: CHANNEL,
      filename: `recall-audit-${job.id}.csv`,
    });
    expect(String(slack.uploads[0]?.content)).toContain('2_2_20');
  });

  it('says false without throwing when Slack fails, and posts on the next try', async () => {
    const slack = fakeSlack();
    const audit = new RecallAudit({ slack: slack.client, moderationChannel: CHANNEL, jobs });
    const keys = ['3_3_1'];
    const job = await jobs.create(pending(keys), 'U0ALICE1');
    const log = { ...silentLogger, error: vi.fn() };
    slack.fail(true);
    expect(await audit.postOnce(job, summaryOf(keys), log)).toBe(false);
    expect(log.error).toHaveBeenCalledWith(
      'could not post the audit line; it is tried again',
      expect.objectContaining({ error: expect.any(Error) }),
    );
    expect(job.audit).toBe('started');
    slack.fail(false);
    expect(await audit.postOnce(job, summaryOf(keys), silentLogger)).toBe(true);
    expect(slack.posts).toHaveLength(1);
  });

  it.each([
    ['found', 0],
    ['absent', 1],
  ] as const)(
    'after a crash mid-post, looks for the line first: %s, it is posted %i time(s)',
    async (outcome, posts) => {
      const slack = fakeSlack();
      const { reconciler, findSettled } = fakeReconciler(outcome);
      const audit = new RecallAudit({
        slack: slack.client,
        moderationChannel: CHANNEL,
        jobs,
        reconciler,
      });
      const keys = [`4_4_${posts}`];
      const job = { ...(await jobs.create(pending(keys), 'U0ALICE1')), audit: 'started' as const };
      expect(await audit.postOnce(job, summaryOf(keys), silentLogger)).toBe(true);
      expect(findSettled).toHaveBeenCalledWith(
        expect.objectContaining({ id: `audit-${job.id}`, kind: 'message', channel: CHANNEL }),
      );
      expect(slack.posts).toHaveLength(posts);
      expect(job.audit).toBe('done');
    },
  );
});
