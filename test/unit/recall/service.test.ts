import type { WebClient } from '@slack/web-api';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { ReplyChannel } from '../../../src/recall/answers.js';
import type { Authorization } from '../../../src/recall/authorize.js';
import type { PendingRecall } from '../../../src/recall/confirmations.js';
import { RecallJobs } from '../../../src/recall/jobs.js';
import type { RecallSummary } from '../../../src/recall/report.js';
import { RecallService } from '../../../src/recall/service.js';
import type { RecallApiAnswer, RecallApiRequest } from '../../../src/tencent/rest/client.js';
import { recalledResult } from '../../helpers/recall.js';
import { type TestStore, useTestStore } from '../../helpers/store.js';

const ACCOUNT = '@TOA#_service';
const MODERATOR = 'U0MODERATOR';

const pendingOf = (msgKeys: string[], reason?: string): PendingRecall => ({
  account: ACCOUNT,
  msgKeys,
  ...(reason === undefined ? {} : { reason }),
  requestedBy: MODERATOR,
  origin: { kind: 'feed', channel: 'C0FEED', threadTs: '1.0' },
});

const fakeReply = () => ({
  progress: vi.fn(async (_message: { text: string }) => {}),
  final: vi.fn(async (_message: { text: string }) => {}),
});

/** Tencent recalling every key it is sent. */
function fakeTencent() {
  const calls: RecallApiRequest[] = [];
  return {
    calls,
    recallOfficialAccountMessages: vi.fn(async (request: RecallApiRequest) => {
      calls.push(request);
      const answer: RecallApiAnswer = {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        RecallRetList: request.msgKeys.map((MsgKey) => ({ MsgKey, RetCode: 0 })),
      };
      return answer;
    }),
  };
}

/** A recall service on fakes of everything but its store; `allowed` says who may recall. */
function serviceOn(
  store: TestStore,
  options: { allowed?: readonly string[]; audited?: boolean } = {},
) {
  const tencent = fakeTencent();
  const reply = fakeReply();
  const audit = {
    postOnce: vi.fn(async (_job: unknown, _summary: RecallSummary) => options.audited ?? true),
  };
  const slack = {
    chat: { postMessage: vi.fn(async () => ({ ok: true, ts: '2.0' })) },
    conversations: { open: vi.fn(async () => ({ ok: true, channel: { id: 'D0DM' } })) },
    filesUploadV2: vi.fn(async () => ({ ok: true })),
  };
  const metrics = createMetrics();
  const replyFor = vi.fn((): ReplyChannel => reply);
  const service = new RecallService({
    once: store.once,
    jobs: new RecallJobs(store.recallJobs),
    authorizer: {
      check: async (userId: string): Promise<Authorization> =>
        (options.allowed ?? [MODERATOR]).includes(userId)
          ? { allowed: true, because: 'a moderator' }
          : { allowed: false, reason: 'Only moderators may recall.' },
    },
    slack: slack as unknown as WebClient,
    audit,
    sender: {
      client: tencent,
      limiter: { schedule: (fn) => fn() },
      logger: silentLogger,
    },
    metrics,
    logger: silentLogger,
    replyFor,
  });
  const recalled = async (outcome: string) =>
    (await metrics.recalls.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { service, tencent, reply, audit, slack, replyFor, recalled };
}

const texts = (mock: { mock: { calls: [{ text: string }][] } }) =>
  mock.mock.calls.map(([message]) => message.text);

describe('RecallService', () => {
  const store = useTestStore();
  const jobs = new RecallJobs(store.recallJobs);

  it('refuses someone who may not recall: nothing is sent, stored or audited', async () => {
    const { service, tencent, reply, audit, recalled } = serviceOn(store);
    const before = await jobs.ids();
    expect(await service.run(pendingOf(['1_1_1', '1_1_2']), 'U0STRANGER', reply)).toBe(false);
    expect(texts(reply.final)).toEqual([':no_entry: Only moderators may recall.']);
    expect(tencent.calls).toHaveLength(0);
    expect(audit.postOnce).not.toHaveBeenCalled();
    expect(await jobs.ids()).toEqual(before);
    expect(await recalled('refused')).toBe(2);
  });

  it('sends, answers the person, has the recall audited once, and forgets the job', async () => {
    const { service, tencent, reply, audit, recalled } = serviceOn(store);
    expect(await service.run(pendingOf(['2_2_1', '2_2_2'], 'spam'), MODERATOR, reply)).toBe(true);
    expect(tencent.calls).toEqual([
      { account: ACCOUNT, msgKeys: ['2_2_1', '2_2_2'], reason: 'spam' },
    ]);
    expect(texts(reply.progress)[0]).toContain('Recalling 2 messages of');
    expect(texts(reply.final)).toHaveLength(1);
    expect(texts(reply.final)[0]).toContain('Recalled 2 of 2 messages');
    expect(audit.postOnce).toHaveBeenCalledTimes(1);
    const [job, summary] = audit.postOnce.mock.calls[0] ?? [];
    expect(job).toMatchObject({ confirmedBy: MODERATOR, pending: { account: ACCOUNT } });
    expect(summary).toMatchObject({
      account: ACCOUNT,
      reason: 'spam',
      results: [
        { msgKey: '2_2_1', ok: true },
        { msgKey: '2_2_2', ok: true },
      ],
    });
    expect(await jobs.ids()).not.toContain((job as { id: string }).id);
    expect(await recalled('recalled')).toBe(2);
  });

  it('keeps the job while its audit line is not posted, to try again', async () => {
    const { service, reply, audit } = serviceOn(store, { audited: false });
    expect(await service.run(pendingOf(['3_3_1']), MODERATOR, reply)).toBe(true);
    const [job] = audit.postOnce.mock.calls[0] ?? [];
    const id = (job as { id: string }).id;
    expect(await jobs.ids()).toContain(id);
    expect((await jobs.load(id))?.job.answered).toBe(true);
    await jobs.finish(id);
  });

  it('tells the person when the recall cannot be sent at all, and forgets it', async () => {
    const { service, tencent, reply, audit } = serviceOn(store);
    const before = await jobs.ids();
    expect(await service.run(pendingOf(['4_4_1'], 'x'.repeat(101)), MODERATOR, reply)).toBe(true);
    expect(tencent.calls).toHaveLength(0);
    expect(texts(reply.final)).toEqual([
      ':x: The recall could not be sent: The reason may be at most 100 bytes of UTF-8. Nothing more was recalled; try again.',
    ]);
    expect(audit.postOnce).not.toHaveBeenCalled();
    expect(await jobs.ids()).toEqual(before);
  });

  it('resumes a stored job no run holds, answering where it started', async () => {
    const { service, tencent, audit, replyFor, reply } = serviceOn(store);
    const job = await jobs.create(pendingOf(['5_5_1', '5_5_2']), MODERATOR);
    await jobs.saveResults(job, [recalledResult('5_5_1')]);
    service.start();
    await vi.waitFor(() => expect(audit.postOnce).toHaveBeenCalledTimes(1));
    await service.stop(1000);
    // Only the key without a result is sent again.
    expect(tencent.calls).toEqual([{ account: ACCOUNT, msgKeys: ['5_5_2'], reason: undefined }]);
    expect(replyFor).toHaveBeenCalledWith(job.pending.origin, MODERATOR, undefined);
    expect(texts(reply.final)[0]).toContain('Recalled 2 of 2 messages');
    expect(await jobs.ids()).not.toContain(job.id);
  });
});
