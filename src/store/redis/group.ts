import type { RedisConnection } from './connection.js';

/** The consumer group every replica reads the stream through. */
export const GROUP = 'feed';

function isNoGroupError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

/** The stream's consumer group: made at start, made again should it vanish. */
export class ConsumerGroup {
  constructor(private readonly connection: RedisConnection) {}

  async create(): Promise<void> {
    try {
      // From 0, not $: should the group ever be lost, entries already waiting are still delivered
      // (delivered ones are deleted on ack, so nothing goes out twice).
      await this.connection.redis.xgroup(
        'CREATE',
        this.connection.keys.stream,
        GROUP,
        '0',
        'MKSTREAM',
      );
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  /** Runs a group command; re-creates the group once if it vanished (key deleted, db flushed). */
  async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (!isNoGroupError(error)) throw error;
      await this.create();
      return command();
    }
  }

  /** Forgets consumers of earlier runs that hold nothing and were idle at least `minIdleMs`. */
  async forgetIdleConsumers(minIdleMs: number): Promise<void> {
    await this.connection.redis.forgetIdleConsumers(this.connection.keys.stream, GROUP, minIdleMs);
  }
}
