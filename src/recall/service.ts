import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { inlineCode } from '../feed/escape.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { Authorization, RecallAuthorizer } from './authorize.js';
import { createConfirmation, type PendingRecall } from './confirmations.js';
import {
  headline,
  LIST_ALL_UP_TO,
  type RecallSummary,
  renderAudit,
  renderResults,
  resultsCsv,
} from './report.js';
import { type KeyResult, type RecallDeps, recallMessages } from './send.js';

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** Where the answers of one recall go; built by the listener from the flow's origin. */
export interface ReplyChannel {
  /** Shows how far the recall is (replacing the last progress note where Slack allows). */
  progress(message: SlackMessage): Promise<void>;
  /** The answer: replaces the progress note where Slack allows. */
  final(message: SlackMessage): Promise<void>;
}

export interface RecallServiceOptions {
  store: Store;
  authorizer: RecallAuthorizer;
  slack: WebClient;
  moderationChannel: string;
  sender: Omit<RecallDeps, 'onProgress'>;
  metrics: Metrics;
  logger: Logger;
}

/** How often a long recall may update its progress message (Slack rate limits updates). */
const PROGRESS_EVERY_MS = 2_000;

/**
 * The recall, from a confirmed request to its answers: authorize the person who confirmed,
 * send through the limiter, report every key, audit in the moderation channel.
 */
export class RecallService {
  constructor(private readonly options: RecallServiceOptions) {}

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
      await this.tell(reply, { text: `:no_entry: ${authorization.reason}` }, userId, log);
    }
    return authorization;
  }

  /** Runs a confirmed recall. Never throws: every failure is told to the person. */
  async run(pending: PendingRecall, confirmedBy: string, reply: ReplyChannel): Promise<void> {
    const { logger, metrics } = this.options;
    const log = logger.child({
      user: confirmedBy,
      account: pending.account,
      keys: pending.msgKeys.length,
    });
    const authorization = await this.authorize(confirmedBy, reply, pending);
    if (!authorization.allowed) return;
    const total = pending.msgKeys.length;
    // The note goes out while the recall starts: the limiter, not Slack, sets the pace.
    let progressSent = this.safely(
      reply.progress({
        text: `:hourglass_flowing_sand: Recalling ${total} message${total === 1 ? '' : 's'} of ${inlineCode(pending.account, 200)}…`,
      }),
      log,
    );

    let lastProgress = Date.now();
    let results: KeyResult[];
    try {
      results = await recallMessages(
        { account: pending.account, msgKeys: pending.msgKeys, reason: pending.reason },
        {
          ...this.options.sender,
          onProgress: (done, all) => {
            if (done === all || Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
            lastProgress = Date.now();
            progressSent = progressSent.then(() =>
              this.safely(
                reply.progress({
                  text: `:hourglass_flowing_sand: Recalling… ${done} of ${all} requests answered`,
                }),
                log,
              ),
            );
          },
        },
      );
    } catch (error) {
      await progressSent;
      log.error('recall failed', { error });
      await this.tell(
        reply,
        {
          text: `:x: The recall could not be sent: ${error instanceof Error ? error.message : 'unknown error'}. Nothing more was recalled; try again.`,
        },
        confirmedBy,
        log,
      );
      return;
    }
    for (const r of results)
      metrics.recalls.inc({
        outcome: r.ok
          ? 'recalled'
          : r.unknown
            ? 'unknown'
            : r.transient
              ? 'failed_transient'
              : 'failed',
      });
    log.info('recall done', {
      recalled: results.filter((r) => r.ok).length,
      origin: pending.origin.kind,
      because: authorization.because,
    });

    const summary = { account: pending.account, reason: pending.reason, results };
    const retryable = results.filter((r) => !r.ok && r.transient).map((r) => r.msgKey);
    const retryConfirmationId = retryable.length
      ? await createConfirmation(this.options.store, {
          ...pending,
          msgKeys: retryable,
          requestedBy: confirmedBy,
        }).catch(() => undefined)
      : undefined;
    await this.audit(summary, confirmedBy, pending, log);
    await progressSent;
    let answer = renderResults(summary, { retryConfirmationId });
    if (!answer.complete) {
      const fileName = await this.sendResultsFile(summary, confirmedBy, log);
      answer = renderResults(summary, { retryConfirmationId, fileName });
    }
    await this.tell(reply, answer, confirmedBy, log);
  }

  /**
   * Tells the person through the flow's reply; when that cannot be posted (a channel the bot is
   * not in, a used-up response_url), in a direct message instead.
   */
  private async tell(
    reply: ReplyChannel,
    message: SlackMessage,
    userId: string,
    log: Logger,
  ): Promise<void> {
    try {
      await reply.final(message);
      return;
    } catch (error) {
      log.warn('could not answer where the recall started; answering in a direct message', {
        error,
      });
    }
    try {
      const channel = await this.directMessageChannel(userId);
      await this.options.slack.chat.postMessage({ channel, ...message });
    } catch (error) {
      log.error('could not tell the person the result of their recall', { error });
    }
  }

  private async directMessageChannel(userId: string): Promise<string> {
    const opened = await this.options.slack.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('Slack opened no direct message');
    return channel;
  }

  /** Every key's result as a CSV file in a direct message to the person; its name, if sent. */
  private async sendResultsFile(
    summary: RecallSummary,
    userId: string,
    log: Logger,
  ): Promise<string | undefined> {
    const safeAccount = summary.account.replace(/[^\w.-]/g, '_').slice(0, 60);
    const fileName = `recall-results-${safeAccount}-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
    try {
      await this.options.slack.filesUploadV2({
        channel_id: await this.directMessageChannel(userId),
        filename: fileName,
        title: `Recall results: ${summary.account}`,
        content: resultsCsv(summary),
        initial_comment: headline(summary).replace(/[*`]/g, ''),
      });
      return fileName;
    } catch (error) {
      log.error('could not send the results file in a direct message', { error });
      return undefined;
    }
  }

  /** The audit line; with many keys the full CSV is attached to it. */
  private async audit(
    summary: RecallSummary,
    userId: string,
    pending: PendingRecall,
    log: Logger,
  ): Promise<void> {
    const { slack, moderationChannel } = this.options;
    const audit = renderAudit(summary, userId, pending.origin.kind);
    const withCsv = summary.results.length > LIST_ALL_UP_TO;
    try {
      if (withCsv) {
        await slack.filesUploadV2({
          channel_id: moderationChannel,
          blocks: audit.blocks,
          filename: `recall-${Date.now()}.csv`,
          title: `Recall results: ${summary.account}`,
          content: resultsCsv(summary),
        });
      } else {
        await slack.chat.postMessage({
          channel: moderationChannel,
          text: audit.text,
          blocks: audit.blocks,
        });
      }
    } catch (error) {
      log.error('could not post the audit line', { error });
    }
  }

  private async safely(promise: Promise<void>, log: Logger): Promise<void> {
    try {
      await promise;
    } catch (error) {
      log.warn('could not update the recall message', { error });
    }
  }
}
