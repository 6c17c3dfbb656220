import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { toBoltLogger } from '../../../src/slack/bolt-logger.js';
import { recordingLogger } from '../../helpers/logger.js';

describe('toBoltLogger', () => {
  it('writes each Bolt line through our logger at its level, named by its component', () => {
    const { logger, lines } = recordingLogger();
    const bolt = toBoltLogger(logger);
    bolt.debug('a');
    bolt.info('b');
    bolt.warn('c');
    bolt.error('d');
    expect(lines).toEqual([
      { level: 'debug', message: 'a', fields: { component: 'bolt' } },
      { level: 'info', message: 'b', fields: { component: 'bolt' } },
      { level: 'warn', message: 'c', fields: { component: 'bolt' } },
      { level: 'error', message: 'd', fields: { component: 'bolt' } },
    ]);
  });

  it('joins what Bolt passes into one line: errors by message, objects as JSON', () => {
    const { logger, lines } = recordingLogger();
    toBoltLogger(logger).error('failed:', new Error('socket closed'), { code: 7 }, 3);
    expect(lines[0]?.message).toBe('failed: socket closed {"code":7} 3');
  });

  it('keeps the level and name Bolt sets', () => {
    const { logger, lines } = recordingLogger();
    const bolt = toBoltLogger(logger, LogLevel.WARN);
    expect(bolt.getLevel()).toBe(LogLevel.WARN);
    bolt.setLevel(LogLevel.DEBUG);
    expect(bolt.getLevel()).toBe(LogLevel.DEBUG);
    bolt.setName('bolt-app');
    bolt.info('started');
    expect(lines).toEqual([
      { level: 'info', message: 'started', fields: { component: 'bolt-app' } },
    ]);
  });

  it('starts at INFO unless told otherwise', () => {
    expect(toBoltLogger(recordingLogger().logger).getLevel()).toBe(LogLevel.INFO);
  });
});
