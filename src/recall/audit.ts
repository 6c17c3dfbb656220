import type { WebClient } from '@slack/web-api';
import { postMark, type Reconciler } from '../feed/reconcile.js';
import type { Logger } from '../log.js';
import type { RecallJob, RecallJobs } from './jobs.js';
import {
  LIST_ALL_UP_TO,
  type RecallSummary,
  renderAudit,
  resultsCsv,
  resultsFileTitle,
} from './report.js';

export interface AuditOptions {
  slack: WebClient;
  moderationChannel: string;
  /** Where each job's audit state (`started`, `done`) is kept, to post its line once. */
  jobs: RecallJobs;
  /** Finds an audit post made before a crash (marked like the feed's posts). */
  reconciler?: Reconciler | undefined;
}

/**
 * The audit line of every recall in the moderation channel. The recall service is given one
 * and calls `postOnce` when a recall is done: it orchestrates, this posts.
 */
export class RecallAudit {
  constructor(private readonly options: AuditOptions) {}

  /**
   * The audit line of a recall, posted once: recorded as started with its mark before it is
   * posted, and after a crash looked for in the channel before it is posted again. With many
   * keys the CSV of every result is attached. True once it is posted (now or before); never
   * throws (a failure is logged, and the job tries again later).
   */
  async postOnce(job: RecallJob, summary: RecallSummary, log: Logger): Promise<boolean> {
    try {
      await postOnce(this.options, job, summary, log);
      return job.audit === 'done';
    } catch (error) {
      log.error('could not post the audit line; it is tried again', { error });
      return false;
    }
  }
}

async function postOnce(
  options: AuditOptions,
  job: RecallJob,
  summary: RecallSummary,
  log: Logger,
): Promise<void> {
  const { slack, moderationChannel, jobs, reconciler } = options;
  if (job.audit === 'done') return;
  const withCsv = summary.results.length > LIST_ALL_UP_TO;
  const mark = `audit-${job.id}`;
  const fileName = `recall-audit-${job.id}.csv`;
  if (job.audit === 'started' && reconciler) {
    let lookup: Awaited<ReturnType<Reconciler['findSettled']>> | undefined;
    try {
      lookup = await reconciler.findSettled({
        id: mark,
        eventIds: [],
        kind: withCsv ? 'file' : 'message',
        channel: moderationChannel,
        ...(withCsv ? { fileName } : {}),
        delivers: false,
        state: 'started',
        startedAt: job.createdAt,
      });
    } catch (error) {
      log.warn('could not look for the audit line made before a restart; posting it', { error });
    }
    if (lookup?.outcome === 'found') {
      job.audit = 'done';
      await jobs.save(job);
      return;
    }
  }
  job.audit = 'started';
  job.auditMark = mark;
  await jobs.save(job);
  const audit = renderAudit(summary, job.confirmedBy, job.pending.origin.kind);
  if (withCsv) {
    await slack.filesUploadV2({
      channel_id: moderationChannel,
      blocks: audit.blocks,
      filename: fileName,
      title: resultsFileTitle(summary),
      content: resultsCsv(summary),
    });
  } else {
    await slack.chat.postMessage({
      channel: moderationChannel,
      text: audit.text,
      blocks: audit.blocks,
      metadata: postMark(mark),
    });
  }
  job.audit = 'done';
  await jobs
    .save(job)
    .catch((error: unknown) => log.warn('could not record the audit line as posted', { error }));
}
