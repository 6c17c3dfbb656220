import type { PostAttempt } from '../queue.js';

/**
 * The writes recorded and not yet settled, kept in memory beside their table (one process owns
 * the file): few at a time, and indexing them by event in SQLite cost two row writes per event
 * delivered.
 */
export class AttemptIndex {
  private readonly records = new Map<string, PostAttempt>();
  private readonly byEvent = new Map<string, Set<string>>();

  put(attempt: PostAttempt): void {
    this.remove(attempt.id);
    this.records.set(attempt.id, attempt);
    for (const eventId of attempt.eventIds) {
      const ids = this.byEvent.get(eventId) ?? new Set<string>();
      ids.add(attempt.id);
      this.byEvent.set(eventId, ids);
    }
  }

  remove(id: string): void {
    const attempt = this.records.get(id);
    if (!attempt) return;
    this.records.delete(id);
    for (const eventId of attempt.eventIds) {
      const ids = this.byEvent.get(eventId);
      ids?.delete(id);
      if (ids?.size === 0) this.byEvent.delete(eventId);
    }
  }

  /** The IDs of the attempts that cover any of these events. */
  covering(eventIds: readonly string[]): string[] {
    const found = new Set<string>();
    for (const eventId of eventIds) for (const id of this.byEvent.get(eventId) ?? []) found.add(id);
    return [...found];
  }

  /** The attempts that cover any of these events, as recorded. */
  of(eventIds: readonly string[]): PostAttempt[] {
    return this.covering(eventIds).flatMap((id) => this.records.get(id) ?? []);
  }
}
