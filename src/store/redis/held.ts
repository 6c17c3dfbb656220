import type { RedisConnection } from './connection.js';
import { forChunks } from './entries.js';
import { GROUP } from './group.js';

/** Entries released get this idle time, so any replica's next claim takes them at once. */
const RELEASED_IDLE_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The entries this instance was handed and has not acked: never handed out twice, and kept from
 * other replicas by a heartbeat every third of the lease. An entry another replica took over
 * (this one was silent for a lease) is forgotten at the next beat.
 */
export class HeldEntries {
  private readonly ids = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  private heartbeatInFlight = false;

  constructor(
    private readonly connection: RedisConnection,
    private readonly consumer: string,
    leaseMs: number,
    private readonly onError?: (error: unknown, during: string) => void,
  ) {
    this.heartbeat = setInterval(() => void this.renew(), Math.max(10, leaseMs / 3));
    this.heartbeat.unref();
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.ids.delete(id);
  }

  /** Resets the idle time of held entries; forgets those another replica has taken over. */
  private async renew(): Promise<void> {
    if (this.heartbeatInFlight || this.ids.size === 0 || this.connection.closed) return;
    this.heartbeatInFlight = true;
    try {
      await this.setIdle(0);
    } catch (error) {
      // A missed beat is retried on the next tick; only a lease's worth of misses loses entries.
      this.onError?.(error, 'heartbeat');
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  private async setIdle(idleMs: number, ids: readonly string[] = [...this.ids]): Promise<void> {
    const { redis, keys } = this.connection;
    await forChunks(ids, async (part) => {
      const owned = new Set(
        await redis.renewHeld(keys.stream, GROUP, this.consumer, idleMs, ...part),
      );
      for (const id of part) if (!owned.has(id)) this.ids.delete(id);
    });
  }

  /** Whether these entries are all still this instance's, renewing its hold on them. */
  async confirm(ids: readonly string[]): Promise<boolean> {
    if (this.connection.closed || ids.some((id) => !this.ids.has(id))) return false;
    await this.setIdle(0, ids);
    return ids.every((id) => this.ids.has(id));
  }

  /** Hands entries back: the next claim of any replica takes them, not one after a lease. */
  async release(ids: readonly string[], during = 'release'): Promise<void> {
    const mine = ids.filter((id) => this.ids.has(id));
    this.forget(mine);
    if (mine.length === 0) return;
    try {
      await this.setIdle(RELEASED_IDLE_MS, mine);
    } catch (error) {
      // No longer renewed, they are taken over once the lease runs out.
      this.onError?.(error, during);
    }
  }

  /** Stops the heartbeat and hands back everything held (on close). */
  async releaseAll(): Promise<void> {
    clearInterval(this.heartbeat);
    // With Redis away there is no one to hand them to: the lease covers them.
    if (this.connection.redis.status === 'ready')
      await this.release([...this.ids], 'release on close');
    this.ids.clear();
  }
}
