import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import type { OnceStore } from '../store/once.js';
import { Answers, type ReplyChannel } from './answers.js';
import type { RecallAudit } from './audit.js';
import type { Authorization, RecallAuthorizer } from './authorize.js';
import { createRetryConfirmation, type PendingRecall, type RecallOrigin } from './confirmations.js';
import { RecallHolds } from './holds.js';
import type { JobState, RecallJob, RecallJobs } from './jobs.js';
import { outcomeOf, progressNotes } from './report.js';
import { RESUME_EVERY_MS, RecallResumer } from './resume.js';
import { type KeyResult, type RecallDeps, recallMessages } from './send.js';

export type { ReplyChannel, SlackMessage } from './answers.js';

export interface RecallServiceOptions {
  /** Confirmations (Retry failed) and the leases of running jobs. */
  once: OnceStore;
  /** Recall jobs and the state of their keys (the same the audit keeps its progress in). */
  jobs: RecallJobs;
  authorizer: Pick<RecallAuthorizer, 'check'>;
  /** For the answers to the person who recalled. */
  slack: WebClient;
  /** Posts each finished recall's audit line in the moderation channel, once. */
  audit: Pick<RecallAudit, 'postOnce'>;
  sender: Omit<RecallDeps, 'onProgress' | 'known' | 'uncertain' | 'onSending' | 'onResults'>;
  metrics: Metrics;
  logger: Logger;
  /** Where a resumed recall answers: the reply channel of its origin (and its progress note). */
  replyFor: (
    origin: RecallOrigin,
    userId: string,
    progress?: { channel: string; ts: string },
  ) => ReplyChannel;
  /** Another process may run the same jobs (Redis): a job is leased while it runs. */
  shared?: boolean;
}

/** How often a long recall may update its progress message (Slack rate limits updates). */
const PROGRESS_EVERY_MS = 2_000;
/** Tries to tell the person (a resumed job tries again) before the job is given up. */
const MAX_ANSWER_TRIES = 10;

/**
 * The recall, from a confirmed request to its answers: authorize the person who confirmed,
 * store it as a durable job, send through the limiter, report every key, have it audited (see
 * `RecallAudit`). A job interrupted by a crash or a stop resumes where it was.
 */
export class RecallService {
  private readonly jobs: RecallJobs;
  private readonly answers: Answers;
  private readonly holds: RecallHolds;
  private stopping = false;
  private readonly resumer: RecallResumer;

  constructor(private readonly options: RecallServiceOptions) {
    this.jobs = options.jobs;
    this.answers = new Answers(options.slack);
    this.holds = new RecallHolds(options.once, Boolean(options.shared), options.logger);
    this.resumer = new RecallResumer(this.jobs, this.holds, options.logger, (state) => {
      const { job } = state;
      const log = this.logFor(job.pending, job.confirmedBy);
      log.info('resuming an interrupted recall', { job: job.id, known: state.known.size });
      return this.execute(
        state,
        options.replyFor(job.pending.origin, job.confirmedBy, job.progress),
        log,
      );
    });
  }

  /**
   * Whether `userId` may recall; when not, tells them so through `reply`. Callers that take a
   * lock or use up something ask this first, so a refused click changes nothing.
   */
  async authorize(
    userId: string,
    reply: ReplyChannel,
    pending: Pick<PendingRecall, 'account' | 'msgKeys' | 'origin'>,
  ): Promise<Authorization> {
    const { authorizer, logger, metrics } = this.options;
    const authorization = await authorizer.check(userId);
    if (!authorization.allowed) {
      const log = logger.child({ user: userId, account: pending.account });
      log.info('recall refused', { origin: pending.origin.kind, keys: pending.msgKeys.length });
      metrics.recalls.inc({ outcome: 'refused' }, pending.msgKeys.length);
      await this.answers.tell(reply, { text: `:no_entry: ${authorization.reason}` }, userId, log);
    }
    return authorization;
  }

  /**
   * Runs a confirmed recall. Never throws: every failure is told to the person. Resolves
   * `false` when nothing was started (refused, or it could not be stored).
   */
  async run(pending: PendingRecall, confirmedBy: string, reply: ReplyChannel): Promise<boolean> {
    const log = this.logFor(pending, confirmedBy);
    if (!(await this.authorize(confirmedBy, reply, pending)).allowed) return false;
    const id = randomUUID();
    let state: JobState;
    try {
      // Held before the job is visible: no resume, here or on another replica, can start it too.
      await this.holds.take(id);
      const job = await this.jobs.create(pending, confirmedBy, id);
      state = { job, known: new Map(), sent: new Set(pending.uncertain ?? []) };
    } catch (error) {
      await this.holds.release(id);
      log.error('could not store the recall before sending it', { error });
      const text = ':x: The recall could not be stored, so nothing was sent; try again.';
      await this.answers.tell(reply, { text }, confirmedBy, log);
      return false;
    }
    await this.holds.run(id, () => this.execute(state, reply, log));
    return true;
  }

  /** Resumes the jobs no live run holds: at start (a crash), then now and then. */
  start(): void {
    this.resumer.start();
  }

  /**
   * Stops taking recalls; what is being sent is waited for up to `timeoutMs` (the limiter must
   * be closed meanwhile), and what is left stays stored, to resume after the restart.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.resumer.stop();
    await Promise.race([Promise.allSettled(this.holds.runs()), sleep(timeoutMs)]);
    // What still runs is cut with the process: another replica may take it at once.
    await this.holds.releaseAll();
  }

  private logFor(pending: PendingRecall, user: string): Logger {
    return this.options.logger.child({
      user,
      account: pending.account,
      keys: pending.msgKeys.length,
    });
  }

  /** Sends what is not answered yet, then answers the person and audits, once. */
  private async execute(state: JobState, reply: ReplyChannel, log: Logger): Promise<void> {
    const { job } = state;
    const { pending, confirmedBy } = job;
    const total = pending.msgKeys.length;
    // The note goes out while the recall starts: the limiter, not Slack, sets the pace.
    const resumed = Boolean(job.progress) || state.known.size > 0;
    // After a pause the person already knows: the answer comes when it is done.
    let progressSent = job.pausedTold
      ? Promise.resolve()
      : this.progress(reply, progressNotes.starting(total, pending.account, resumed), log).then(
          () => this.rememberProgress(state, reply, log),
        );
    let lastProgress = Date.now();
    let results: KeyResult[];
    try {
      results = await recallMessages(
        { account: pending.account, msgKeys: pending.msgKeys, reason: pending.reason },
        {
          ...this.options.sender,
          known: state.known,
          uncertain: state.sent,
          onSending: async (keys) => {
            await this.holds.confirm(job.id);
            await this.jobs.markSent(job, keys);
          },
          onResults: (answered) => this.jobs.saveResults(job, answered),
          onProgress: (done, all) => {
            if (job.pausedTold) return;
            if (done === all || Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
            lastProgress = Date.now();
            progressSent = progressSent.then(() =>
              this.progress(reply, progressNotes.step(done, all), log),
            );
          },
        },
      );
    } catch (error) {
      await progressSent;
      log.error('recall failed', { error });
      const text = `:x: The recall could not be sent: ${error instanceof Error ? error.message : 'unknown error'}. Nothing more was recalled; try again.`;
      await this.answers.tell(reply, { text }, confirmedBy, log);
      await this.jobs.finish(job.id).catch(() => undefined);
      return;
    }
    await progressSent;
    if (results.some((r) => r.interrupted)) {
      await this.pause(job, results, reply, log);
      return;
    }
    await this.answer(state, results, reply, log);
  }

  private async answer(
    state: JobState,
    results: KeyResult[],
    reply: ReplyChannel,
    log: Logger,
  ): Promise<void> {
    const { job } = state;
    const { pending, confirmedBy } = job;
    for (const r of results) this.options.metrics.recalls.inc({ outcome: outcomeOf(r) });
    log.info('recall done', {
      recalled: results.filter((r) => r.ok).length,
      origin: pending.origin.kind,
    });
    const summary = { account: pending.account, reason: pending.reason, results };
    const retryConfirmationId = await createRetryConfirmation(
      this.options.once,
      pending,
      results,
      confirmedBy,
    );
    const audited = await this.options.audit.postOnce(job, summary, log);
    if (!job.answered) {
      job.answered = await this.answers.results(
        reply,
        summary,
        confirmedBy,
        retryConfirmationId,
        log,
      );
      if (!job.answered) job.answerTries = (job.answerTries ?? 0) + 1;
    }
    // Kept while the person is not told or the audit line not posted: tried again later.
    const giveUp = (job.answerTries ?? 0) >= MAX_ANSWER_TRIES;
    if ((job.answered && audited) || giveUp) {
      await this.jobs
        .finish(job.id)
        .catch((error: unknown) => log.warn('could not forget a finished recall', { error }));
    } else {
      await this.jobs.save(job).catch(() => undefined);
    }
  }

  /**
   * Our side could not send some keys (stopping, the limiter or the store unavailable): the job
   * stays stored and resumes (after a restart, or within `RESUME_EVERY_MS` here or on another
   * replica); meanwhile the person is told what is known.
   */
  private async pause(
    job: RecallJob,
    results: KeyResult[],
    reply: ReplyChannel,
    log: Logger,
  ): Promise<void> {
    if (this.stopping) {
      log.info('recall interrupted by a stop; it resumes after the restart', { job: job.id });
      return;
    }
    const waiting = results.filter((r) => r.interrupted);
    const takenOver =
      waiting.some((r) => r.interrupted === 'taken-over') ||
      !(await this.holds.holds(job.id).catch(() => true));
    if (takenOver) {
      log.warn('another replica took this recall over', { job: job.id });
      return;
    }
    log.warn('recall paused: some requests could not be sent; it resumes by itself', {
      job: job.id,
      keys: waiting.length,
      why: waiting[0]?.interrupted,
    });
    // Told once (a direct message if the reply cannot be posted): later tries stay silent, so
    // a long outage neither floods the person nor uses up the reply's uses.
    if (job.pausedTold) return;
    const text = progressNotes.paused(results, RESUME_EVERY_MS);
    if (await this.answers.tell(reply, { text }, job.confirmedBy, log)) {
      job.pausedTold = true;
      await this.jobs.save(job).catch(() => undefined);
    }
  }

  /** Keeps where the progress note is, so that a resumed recall finishes that note. */
  private async rememberProgress(state: JobState, reply: ReplyChannel, log: Logger) {
    const where = reply.where?.();
    if (!where || state.job.progress?.ts === where.ts) return;
    state.job.progress = where;
    await this.jobs
      .save(state.job)
      .catch((error: unknown) => log.warn('could not remember the progress note', { error }));
  }

  private async progress(reply: ReplyChannel, text: string, log: Logger): Promise<void> {
    try {
      await reply.progress({ text });
    } catch (error) {
      log.warn('could not update the recall message', { error });
    }
  }
}
