import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import { inlineCode } from '../slack/text.js';
import type { EventQueue, QueuedEvent } from '../store/queue.js';
import { type DeadLetterError, StoreFaultError } from './errors.js';

export interface DeadLettersOptions {
  queue: EventQueue;
  slack: WebClient;
  channel: string;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Whether a failure may be the event's own: not Slack being unreachable or refusing (those are
 * waited out), not the store failing to record (that is retried).
 */
function isOwnFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    !(error instanceof StoreFaultError) && !(typeof code === 'string' && code.startsWith('slack_'))
  );
}

/**
 * Setting events aside, so that the events behind them flow: counted, logged, told in the
 * channel in a short plain note, listed and replayed with `npm run dead-letters`.
 */
export class DeadLetters {
  constructor(private readonly options: DeadLettersOptions) {}

  /** Events whose post Slack keeps refusing. */
  async setAside(eventIds: readonly string[], error: DeadLetterError): Promise<void> {
    const { queue, logger, metrics } = this.options;
    await queue.deadLetter(eventIds, error.message);
    metrics.deadLettered.inc({ kind: error.kind }, eventIds.length);
    logger.error('events set aside as dead letters: Slack keeps refusing their post', {
      reason: error.message,
      events: eventIds.length,
    });
    await this.notice(eventIds.length, error.message);
  }

  /**
   * An event that fails alone, again and again, while the store works, fails for a reason of
   * its own (a bug it triggers): it is set aside. `false` when that cannot be told.
   */
  async setAsideIfOwn(event: QueuedEvent, error: unknown): Promise<boolean> {
    const { queue, logger, metrics } = this.options;
    if (!isOwnFailure(error)) return false;
    try {
      await queue.check();
      const reason = `unexpected: ${error instanceof Error ? error.message : String(error)}`;
      await queue.deadLetter([event.id], reason.slice(0, 300));
      metrics.deadLettered.inc({ kind: 'unexpected' });
      logger.error('an event keeps failing on its own: set aside as a dead letter', {
        error,
        event: event.id,
      });
    } catch {
      return false;
    }
    await this.notice(1, 'an unexpected error');
    return true;
  }

  /** A short plain note in the channel, so that readers know events are missing (best effort). */
  private async notice(count: number, reason: string): Promise<void> {
    const one = count === 1;
    const text = `:warning: ${count} event${one ? '' : 's'} could not be posted (${inlineCode(reason, 100)}) and ${one ? 'was' : 'were'} set aside. An operator can list and replay them with \`npm run dead-letters\`.`;
    try {
      await this.options.slack.chat.postMessage({ channel: this.options.channel, text });
    } catch (error) {
      this.options.logger.warn('could not post the dead-letter notice', { error });
    }
  }
}
