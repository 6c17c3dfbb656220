import type { StoreFactory } from './events.js';
import { describeOnceContract } from './once.js';
import { describePostLinksContract } from './post-links.js';
import { describeQueueContract } from './queue.js';
import { describeRecallJobsContract } from './recall-jobs.js';

/** Every role's contract suite against one implementation of the store. */
export function describeStoreContracts(name: string, factory: StoreFactory): void {
  describeQueueContract(name, factory);
  describePostLinksContract(name, factory);
  describeOnceContract(name, factory);
  describeRecallJobsContract(name, factory);
}
