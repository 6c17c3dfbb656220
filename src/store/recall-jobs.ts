/** A recall job as stored: its record and the state of each of its keys (opaque values). */
export interface StoredRecallJob {
  record: string;
  /** State by MsgKey. */
  keys: Map<string, string>;
}

/**
 * Recall jobs: a confirmed recall (an opaque record) and the state of each of its keys, kept
 * from before its first request until it is answered, so that it resumes after a crash.
 */
export interface RecallJobStore {
  saveRecallJob(id: string, record: string): Promise<void>;
  /** Sets the state of some keys of a job (each an opaque value), in one commit. */
  saveRecallKeys(
    id: string,
    states: readonly (readonly [msgKey: string, state: string])[],
  ): Promise<void>;
  loadRecallJob(id: string): Promise<StoredRecallJob | undefined>;
  /** The jobs not yet deleted: unfinished, to resume. */
  recallJobIds(): Promise<string[]>;
  deleteRecallJob(id: string): Promise<void>;
}
