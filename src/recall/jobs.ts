import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RecallJobStore } from '../store/recall-jobs.js';
import { type PendingRecall, pendingRecallSchema } from './confirmations.js';
import type { KeyResult } from './send.js';

const keyResultSchema = z.object({
  msgKey: z.string(),
  ok: z.boolean(),
  unknown: z.boolean(),
  retCode: z.number(),
  meaning: z.string(),
  transient: z.boolean(),
  attempts: z.number(),
});

/** A key of a job: not sent yet, sent without an answer yet, or answered. */
const keyStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending') }),
  z.object({ state: z.literal('sent') }),
  z.object({ state: z.literal('done'), result: keyResultSchema }),
]);

export const recallJobSchema = z.object({
  id: z.string(),
  pending: pendingRecallSchema,
  confirmedBy: z.string(),
  createdAt: z.number(),
  /** Where the progress note of a thread or direct-message reply is, to finish it later. */
  progress: z.object({ channel: z.string(), ts: z.string() }).optional(),
  /** The audit line: `started` once its post is being made (marked with `auditMark`). */
  audit: z.enum(['none', 'started', 'done']),
  auditMark: z.string().optional(),
  /** The person has been told the results (a resumed job does not tell them twice). */
  answered: z.boolean().optional(),
  /** The person was told the recall paused (our side could not send): not told again. */
  pausedTold: z.boolean().optional(),
  /** Tries to tell the person that failed (Slack away): the job is kept and tried again. */
  answerTries: z.number().optional(),
});

export type RecallJob = z.infer<typeof recallJobSchema>;

/** A job as it stands: results known, keys sent without an answer. */
export interface JobState {
  job: RecallJob;
  known: Map<string, KeyResult>;
  sent: Set<string>;
}

function parse<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Confirmed recalls as durable jobs: stored with each key's state before the first request,
 * every key marked before it is sent and when it is answered, deleted once the person is told
 * and the audit line is posted. After a crash a job resumes where it was.
 */
export class RecallJobs {
  constructor(private readonly store: RecallJobStore) {}

  async create(pending: PendingRecall, confirmedBy: string, id = randomUUID()): Promise<RecallJob> {
    const job: RecallJob = {
      id,
      pending,
      confirmedBy,
      createdAt: Date.now(),
      audit: 'none',
    };
    // Keys first: a job is only listed once all of its keys are.
    const keys = [...new Set(pending.msgKeys)];
    // Keys an earlier recall sent without an answer (Retry failed) start as sent: told honestly.
    const uncertain = new Set(pending.uncertain ?? []);
    await this.store.saveRecallKeys(
      job.id,
      keys.map(
        (key) => [key, JSON.stringify({ state: uncertain.has(key) ? 'sent' : 'pending' })] as const,
      ),
    );
    await this.save(job);
    return job;
  }

  save(job: RecallJob): Promise<void> {
    return this.store.saveRecallJob(job.id, JSON.stringify(job));
  }

  markSent(job: RecallJob, msgKeys: readonly string[]): Promise<void> {
    const state = JSON.stringify({ state: 'sent' });
    return this.store.saveRecallKeys(
      job.id,
      msgKeys.map((key) => [key, state] as const),
    );
  }

  saveResults(job: RecallJob, results: readonly KeyResult[]): Promise<void> {
    return this.store.saveRecallKeys(
      job.id,
      results.map((r) => {
        const { notSent: _never, ...result } = r;
        return [r.msgKey, JSON.stringify({ state: 'done', result })] as const;
      }),
    );
  }

  /** The job as it stands; `null` when it is stored but cannot be read (it cannot resume). */
  async load(id: string): Promise<JobState | undefined | null> {
    const stored = await this.store.loadRecallJob(id);
    if (!stored) return undefined;
    const job = parse(recallJobSchema, stored.record);
    if (!job) return null;
    const known = new Map<string, KeyResult>();
    const sent = new Set<string>();
    for (const [key, text] of stored.keys) {
      const state = parse(keyStateSchema, text);
      if (state?.state === 'done') known.set(key, state.result);
      else if (state?.state === 'sent') sent.add(key);
    }
    return { job, known, sent };
  }

  ids(): Promise<string[]> {
    return this.store.recallJobIds();
  }

  finish(id: string): Promise<void> {
    return this.store.deleteRecallJob(id);
  }
}
