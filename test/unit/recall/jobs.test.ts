import type { UUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingRecall } from '../../../src/recall/confirmations.js';
import { RecallJobs } from '../../../src/recall/jobs.js';
import { recalledResult } from '../../helpers/recall.js';
import { openTestStore, type TestStore } from '../../helpers/store.js';

/** A job ID as `randomUUID()` types it, readable in a failure. */
const jobId = (name: string): UUID => `${name}-0000-4000-8000-000000000000`;

const pending: PendingRecall = {
  account: 'official_1',
  msgKeys: ['1_1_1', '2_2_2', '3_3_3', '1_1_1'],
  reason: 'spam',
  requestedBy: 'UADMIN',
  origin: { kind: 'feed', channel: 'CMOD', threadTs: '1.000001' },
};

describe('RecallJobs', () => {
  let stores: TestStore;
  let jobs: RecallJobs;
  beforeAll(() => {
    stores = openTestStore();
    jobs = new RecallJobs(stores.recallJobs);
  });
  afterAll(async () => {
    await stores.close();
  });

  it('stores a new job, every key not sent yet, and lists it to resume', async () => {
    const job = await jobs.create(pending, 'UADMIN', jobId('new'));
    expect(job).toMatchObject({ id: jobId('new'), pending, confirmedBy: 'UADMIN', audit: 'none' });
    const state = await jobs.load(jobId('new'));
    expect(state?.job).toEqual(job);
    expect(state?.known.size).toBe(0);
    expect([...(state?.sent ?? [])]).toEqual([]);
    expect(await jobs.ids()).toContain(jobId('new'));
  });

  it('starts the keys an earlier recall sent without an answer as sent', async () => {
    await jobs.create({ ...pending, uncertain: ['2_2_2'] }, 'UADMIN', jobId('retry'));
    const state = await jobs.load(jobId('retry'));
    expect([...(state?.sent ?? [])]).toEqual(['2_2_2']);
  });

  it('keeps each key as it goes: sent, then answered', async () => {
    const job = await jobs.create(pending, 'UADMIN', jobId('progress'));
    await jobs.markSent(job, ['1_1_1', '2_2_2']);
    let state = await jobs.load(job.id);
    expect([...(state?.sent ?? [])].sort()).toEqual(['1_1_1', '2_2_2']);
    await jobs.saveResults(job, [{ ...recalledResult('1_1_1'), notSent: false }]);
    state = await jobs.load(job.id);
    expect([...(state?.sent ?? [])]).toEqual(['2_2_2']);
    // `notSent` is about one run; the stored result does not carry it.
    expect(state?.known.get('1_1_1')).toEqual(recalledResult('1_1_1'));
  });

  it('saves what the job has done (its audit line, the person told)', async () => {
    const job = await jobs.create(pending, 'UADMIN', jobId('save'));
    await jobs.save({
      ...job,
      audit: 'done',
      answered: true,
      progress: { channel: 'D1', ts: '2.0' },
    });
    expect((await jobs.load(job.id))?.job).toMatchObject({
      audit: 'done',
      answered: true,
      progress: { channel: 'D1', ts: '2.0' },
    });
  });

  it('forgets a finished job', async () => {
    await jobs.create(pending, 'UADMIN', jobId('done'));
    await jobs.finish(jobId('done'));
    expect(await jobs.load(jobId('done'))).toBeUndefined();
    expect(await jobs.ids()).not.toContain(jobId('done'));
  });

  it('says a stored job cannot be read (null), so that it is dropped instead of resumed', async () => {
    await stores.recallJobs.saveRecallJob(jobId('broken'), '{"id":"job-broken"');
    expect(await jobs.load(jobId('broken'))).toBeNull();
    await stores.recallJobs.saveRecallJob(jobId('wrong'), JSON.stringify({ id: jobId('wrong') }));
    expect(await jobs.load(jobId('wrong'))).toBeNull();
  });

  it('treats a key whose state cannot be read as not sent', async () => {
    const job = await jobs.create(pending, 'UADMIN', jobId('odd-key'));
    await stores.recallJobs.saveRecallKeys(job.id, [
      ['1_1_1', 'garbage'],
      ['2_2_2', JSON.stringify({ state: 'done', result: { msgKey: '2_2_2' } })],
    ]);
    const state = await jobs.load(job.id);
    expect(state?.known.size).toBe(0);
    expect(state?.sent.size).toBe(0);
  });

  it('knows nothing of a job never stored', async () => {
    expect(await jobs.load('no-such-job')).toBeUndefined();
  });
});
