import { type Logger as SlackLogger, LogLevel as SlackLogLevel } from '@slack/web-api';
import type { Logger, LogLevel } from '../../src/log.js';

export interface LoggedLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every line (children's too, with their fields), for tests to read. */
export function recordingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const make = (base: Record<string, unknown>): Logger => {
    const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields: { ...base, ...fields } });
    };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return { logger: make({}), lines };
}

/**
 * A logger for Slack's SDKs (WebClient, Bolt) that drops every line: keeps the `[ERROR]` lines
 * Slack's client writes on refusals out of the test output.
 */
export const quietSlackLogger: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => SlackLogLevel.ERROR,
  setName: () => {},
};
