import type { UUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../../src/log.js';
import type { PendingRecall } from '../../../src/recall/confirmations.js';
import { RecallHolds } from '../../../src/recall/holds.js';
import { type JobState, RecallJobs } from '../../../src/recall/jobs.js';
import { RESUME_EVERY_MS, RecallResumer } from '../../../src/recall/resume.js';
import { type LoggedLine, recordingLogger } from '../../helpers/logger.js';
import { openTestStore, type TestStore } from '../../helpers/store.js';

/** A job ID as `randomUUID()` types it, readable in a failure. */
const jobId = (name: string): UUID => `${name}-0000-4000-8000-000000000000`;

const pending: PendingRecall = {
  account: 'official_1',
  msgKeys: ['1_1_1'],
  requestedBy: 'UADMIN',
  origin: { kind: 'shortcut' },
};

describe('RecallResumer', () => {
  let stores: TestStore;
  let jobs: RecallJobs;
  let holds: RecallHolds;
  let lines: LoggedLine[];
  let logger: Logger;
  let resumer: RecallResumer | undefined;
  /** The jobs `execute` was given, by ID, in order. */
  let executed: string[];
  let execute: (state: JobState) => Promise<void>;

  beforeEach(() => {
    stores = openTestStore();
    jobs = new RecallJobs(stores.recallJobs);
    const recorded = recordingLogger();
    ({ lines, logger } = recorded);
    holds = new RecallHolds(stores.once, false, logger);
    executed = [];
    execute = async (state) => {
      executed.push(state.job.id);
    };
  });
  afterEach(async () => {
    resumer?.stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
    await stores.close();
  });

  function startResumer(): RecallResumer {
    resumer = new RecallResumer(jobs, holds, logger, (state) => execute(state));
    resumer.start();
    return resumer;
  }

  it('runs each stored job once at start, where it was', async () => {
    const a = await jobs.create(pending, 'UADMIN', jobId('a'));
    await jobs.markSent(a, ['1_1_1']);
    await jobs.create(pending, 'UADMIN', jobId('b'));
    const states: JobState[] = [];
    execute = async (state) => {
      states.push(state);
    };
    startResumer();
    await vi.waitFor(() => expect(states).toHaveLength(2));
    const resumedA = states.find((s) => s.job.id === jobId('a'));
    expect([...(resumedA?.sent ?? [])]).toEqual(['1_1_1']);
  });

  it('leaves alone a job a live run of this process holds', async () => {
    await jobs.create(pending, 'UADMIN', jobId('live'));
    expect(await holds.take(jobId('live'))).toBe(true);
    startResumer();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(executed).toEqual([]);
  });

  it('drops a stored job that cannot be read, saying so, and lets go of it', async () => {
    await stores.recallJobs.saveRecallJob(jobId('broken'), 'not json');
    startResumer();
    await vi.waitFor(async () => expect(await jobs.ids()).not.toContain(jobId('broken')));
    expect(executed).toEqual([]);
    expect(lines).toContainEqual({
      level: 'error',
      message: 'a stored recall cannot be read; it is dropped',
      fields: { job: jobId('broken') },
    });
    expect(await holds.take(jobId('broken'))).toBe(true);
  });

  it('lets go of a job whose run failed, and logs why', async () => {
    await jobs.create(pending, 'UADMIN', jobId('fails'));
    execute = async () => {
      throw new Error('Slack is away');
    };
    startResumer();
    await vi.waitFor(() =>
      expect(lines.map((l) => l.message)).toContain('could not resume a recall'),
    );
    expect(await holds.take(jobId('fails'))).toBe(true);
  });

  it('says so when the jobs cannot be listed, and runs nothing', async () => {
    vi.spyOn(jobs, 'ids').mockRejectedValue(new Error('disk gone'));
    startResumer();
    await vi.waitFor(() =>
      expect(lines.map((l) => l.message)).toEqual(['could not look for recalls to resume']),
    );
    expect(executed).toEqual([]);
  });

  it('looks again every RESUME_EVERY_MS, and no more once stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await jobs.create(pending, 'UADMIN', jobId('again'));
    const running = startResumer();
    await vi.waitFor(() => expect(executed).toEqual([jobId('again')]));
    // The run let go of it without finishing it (a pause): the next look takes it again.
    await vi.advanceTimersByTimeAsync(RESUME_EVERY_MS);
    await vi.waitFor(() => expect(executed).toEqual([jobId('again'), jobId('again')]));
    running.stop();
    await vi.advanceTimersByTimeAsync(RESUME_EVERY_MS * 3);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(executed).toEqual([jobId('again'), jobId('again')]);
  });
});
