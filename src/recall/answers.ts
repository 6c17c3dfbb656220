import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import {
  headline,
  type RecallSummary,
  renderResults,
  resultsCsv,
  resultsFileTitle,
} from './report.js';

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** Where the answers of one recall go; built from the flow's origin. */
export interface ReplyChannel {
  /** Shows how far the recall is (replacing the last progress note where Slack allows). */
  progress(message: SlackMessage): Promise<void>;
  /** The answer: replaces the progress note where Slack allows. */
  final(message: SlackMessage): Promise<void>;
  /** Where the progress note is, when it is a message that can be finished later. */
  where?(): { channel: string; ts: string } | undefined;
}

/** Answers to the person who recalled: where the recall started, else in a direct message. */
export class Answers {
  constructor(private readonly slack: WebClient) {}

  /**
   * Tells the person through the flow's reply; when that cannot be posted (a channel the bot is
   * not in, a used-up response_url), in a direct message instead.
   */
  async tell(
    reply: ReplyChannel,
    message: SlackMessage,
    userId: string,
    log: Logger,
  ): Promise<boolean> {
    try {
      await reply.final(message);
      return true;
    } catch (error) {
      log.warn('could not answer where the recall started; answering in a direct message', {
        error,
      });
    }
    try {
      const channel = await this.directMessageChannel(userId);
      await this.slack.chat.postMessage({ channel, ...message });
      return true;
    } catch (error) {
      log.error('could not tell the person the result of their recall', { error });
      return false;
    }
  }

  /**
   * Tells `userId` every key's result: in the reply when it fits, else in a file sent to them in
   * a direct message and named in the reply. True once they are told.
   */
  async results(
    reply: ReplyChannel,
    summary: RecallSummary,
    userId: string,
    retryConfirmationId: string | undefined,
    log: Logger,
  ): Promise<boolean> {
    let answer = renderResults(summary, { retryConfirmationId });
    if (!answer.complete) {
      const fileName = await this.sendResultsFile(summary, userId, log);
      answer = renderResults(summary, { retryConfirmationId, fileName });
    }
    return this.tell(reply, answer, userId, log);
  }

  /** Every key's result as a CSV file in a direct message to the person; its name, if sent. */
  async sendResultsFile(
    summary: RecallSummary,
    userId: string,
    log: Logger,
  ): Promise<string | undefined> {
    const safeAccount = summary.account.replace(/[^\w.-]/g, '_').slice(0, 60);
    const fileName = `recall-results-${safeAccount}-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
    try {
      await this.slack.filesUploadV2({
        channel_id: await this.directMessageChannel(userId),
        filename: fileName,
        title: resultsFileTitle(summary),
        content: resultsCsv(summary),
        initial_comment: headline(summary).replace(/[*`]/g, ''),
      });
      return fileName;
    } catch (error) {
      log.error('could not send the results file in a direct message', { error });
      return undefined;
    }
  }

  private async directMessageChannel(userId: string): Promise<string> {
    const opened = await this.slack.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('Slack opened no direct message');
    return channel;
  }
}
