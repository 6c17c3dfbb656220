import type { Store } from '../store.js';
import { RedisConnection, type RedisStoreOptions } from './connection.js';
import { RedisOnceStore } from './once.js';
import { RedisPostLinks } from './post-links.js';
import { RedisEventQueue } from './queue.js';
import { RedisRecallJobStore } from './recall-jobs.js';

/**
 * The store for many replicas sharing one Redis: every role over one connection (and one more
 * for the queue's blocking reads). Durability is Redis's: an answered enqueue survives a Redis
 * crash only with AOF persistence (`appendonly yes`, `appendfsync always`), and keys must never
 * be evicted (`noeviction`).
 */
export class RedisStore implements Store {
  readonly queue: RedisEventQueue;
  readonly links: RedisPostLinks;
  readonly once: RedisOnceStore;
  readonly recallJobs: RedisRecallJobStore;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly connection: RedisConnection,
    options: RedisStoreOptions,
  ) {
    this.queue = new RedisEventQueue(connection, options);
    this.links = new RedisPostLinks(connection, options);
    this.once = new RedisOnceStore(connection);
    this.recallJobs = new RedisRecallJobStore(connection);
  }

  /** A store whose connections are ready and whose consumer group exists. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const store = new RedisStore(new RedisConnection(options), options);
    try {
      await store.connection.ready();
      await store.queue.start();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  check(): Promise<void> {
    return this.connection.check();
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.connection.beginClose();
    await this.queue.stop();
    await this.connection.quit();
  }
}
