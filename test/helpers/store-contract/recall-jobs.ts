import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecallJobStore } from '../../../src/store/recall-jobs.js';
import type { Store } from '../../../src/store/store.js';
import type { StoreFactory } from './events.js';

/** What every RecallJobStore must do, whatever it keeps its data in. */
export function describeRecallJobsContract(name: string, factory: StoreFactory): void {
  describe(`RecallJobStore contract: ${name}`, () => {
    let store: Store;
    let recallJobs: RecallJobStore;
    beforeEach(async () => {
      store = await factory.open();
      recallJobs = store.recallJobs;
    });
    afterEach(async () => {
      await store.close();
    });
    /** Closes the store and opens the same data again (a restart). */
    async function restart(): Promise<void> {
      await store.close();
      store = await factory.reopen();
      recallJobs = store.recallJobs;
    }

    it("keeps a recall job and its keys' states across a restart until it is deleted", async () => {
      expect(await recallJobs.recallJobIds()).toEqual([]);
      await recallJobs.saveRecallJob('job-1', '{"account":"a"}');
      await recallJobs.saveRecallKeys('job-1', [
        ['1_1_1', 'pending'],
        ['2_1_1', 'pending'],
      ]);
      await recallJobs.saveRecallKeys('job-1', [['1_1_1', '{"ok":true}']]);
      await recallJobs.saveRecallJob('job-1', '{"account":"a","audit":"started"}');
      await restart();
      expect(await recallJobs.recallJobIds()).toEqual(['job-1']);
      const job = await recallJobs.loadRecallJob('job-1');
      expect(job?.record).toBe('{"account":"a","audit":"started"}');
      expect(Object.fromEntries(job?.keys ?? [])).toEqual({
        '1_1_1': '{"ok":true}',
        '2_1_1': 'pending',
      });
      await recallJobs.deleteRecallJob('job-1');
      expect(await recallJobs.recallJobIds()).toEqual([]);
      expect(await recallJobs.loadRecallJob('job-1')).toBeUndefined();
    });
  });
}
