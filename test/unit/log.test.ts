import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../src/log.js';

describe('redact', () => {
  it('hides usersig in URLs, Slack tokens and known secrets', () => {
    const text =
      'POST https://x/v4/a?sdkappid=1&identifier=admin&usersig=eJyrVgpNTs5ILCrJzEtXsqpWSs7IzEvVUSrJzM9R&random=5 token xoxb-123-abc xapp-1-A-2 Bearer abc.def my-secret-key';
    const out = redact(text, ['my-secret-key']);
    expect(out).not.toContain('eJyrVgpN');
    expect(out).toContain('usersig=[redacted]&random=5');
    expect(out).not.toContain('xoxb-123-abc');
    expect(out).not.toContain('xapp-1-A-2');
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('my-secret-key');
  });

  it('applies to every log line, including error messages', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      secrets: ['s3cr3t-value'],
      write: (l) => lines.push(l),
    });
    logger.error('failed', { error: new Error('call with s3cr3t-value failed ?usersig=abc') });
    logger.debug('dbg', { url: 'http://h/?UserSig=zzz' });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/s3cr3t-value|usersig=abc|UserSig=zzz/);
    expect(JSON.parse(lines[0] ?? '{}').level).toBe('error');
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('no');
    logger.warn('yes');
    expect(lines).toHaveLength(1);
  });
});
