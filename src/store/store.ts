import type { OnceStore } from './once.js';
import type { PostLinks } from './post-links.js';
import type { EventQueue } from './queue.js';
import type { RecallJobStore } from './recall-jobs.js';

/**
 * Everything the app keeps, by role: the app opens it, hands each part the roles it needs, and
 * closes it. SQLite (one process) and Redis (many replicas) implement every role over one
 * connection; one contract test suite per role runs against both.
 */
export interface Store {
  queue: EventQueue;
  links: PostLinks;
  once: OnceStore;
  recallJobs: RecallJobStore;
  /** Throws when the store cannot take work: it cannot be read or written (health). */
  check(): Promise<void>;
  /** Stops waiting claims, flushes, and releases the store. */
  close(): Promise<void>;
}
