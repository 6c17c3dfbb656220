import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';

/** Bolt logs through ours, so its lines are redacted and leveled like the rest. */
export function toBoltLogger(logger: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  let name = 'bolt';
  const line = (msgs: unknown[]) =>
    msgs
      .map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
  return {
    debug: (...msgs) => logger.debug(line(msgs), { component: name }),
    info: (...msgs) => logger.info(line(msgs), { component: name }),
    warn: (...msgs) => logger.warn(line(msgs), { component: name }),
    error: (...msgs) => logger.error(line(msgs), { component: name }),
    setLevel: (next) => {
      current = next;
    },
    getLevel: () => current,
    setName: (next) => {
      name = next;
    },
  };
}
