import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, secretsOf } from '../../src/config.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-secret-bot-token',
  SLACK_SIGNING_SECRET: 'signing-secret-value',
  SLACK_MODERATION_CHANNEL: 'C0123456789',
  TENCENT_SDKAPPID: '1400000001',
  TENCENT_SECRET_KEY: 'tencent-secret-key-value',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(valid);
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.tencent.sdkAppId).toBe(1400000001);
    expect(config.tencent.adminUserId).toBe('administrator');
    expect(config.tencent.region).toBe('china');
    expect(config.tencent.apiOrigin).toBe('https://console.tim.qq.com');
    expect(config.recall.ratePerSecond).toBe(200);
    expect(config.recall.allowedUsers).toEqual([]);
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('./data');
    expect(config.logLevel).toBe('info');
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads regions, overrides and lists', () => {
    const config = parseConfig({
      ...valid,
      TENCENT_REGION: 'frankfurt',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      RECALL_ALLOWED_USERS: 'U111, U222\nW333',
      RECALL_ALLOWED_USERGROUPS: 'S1AB',
      RECALL_RATE_PER_SECOND: '50',
      PORT: '0',
    });
    expect(config.tencent.apiOrigin).toBe('https://adminapiger.im.qcloud.com');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(config.recall.allowedUsers).toEqual(['U111', 'U222', 'W333']);
    expect(config.recall.allowedUsergroups).toEqual(['S1AB']);
    expect(config.recall.ratePerSecond).toBe(50);
    expect(config.port).toBe(0);
    const base = parseConfig({ ...valid, TENCENT_API_BASE: 'http://127.0.0.1:9000/' });
    expect(base.tencent.apiOrigin).toBe('http://127.0.0.1:9000');
  });

  it('allows Socket Mode without a signing secret', () => {
    const { SLACK_SIGNING_SECRET: _, ...rest } = valid;
    const config = parseConfig({ ...rest, SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(config.slack.appToken).toBe('xapp-1-abc');
  });

  it('names every bad variable at once and never echoes a value', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      SLACK_MODERATION_CHANNEL: '#moderation',
      TENCENT_SDKAPPID: 'abc',
      TENCENT_REGION: 'mars',
      RECALL_RATE_PER_SECOND: '0',
      PORT: '70000',
      REDIS_URL: 'http://nope',
      LOG_LEVEL: 'loud',
      RECALL_ALLOWED_USERS: 'bob',
    });
    const text = problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_MODERATION_CHANNEL',
      'TENCENT_SDKAPPID',
      'TENCENT_SECRET_KEY',
      'TENCENT_REGION',
      'RECALL_RATE_PER_SECOND',
      'PORT',
      'REDIS_URL',
      'LOG_LEVEL',
      'RECALL_ALLOWED_USERS',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('xoxp-user-token-secret');
    expect(text).toMatch(/TENCENT_SECRET_KEY is required/);
  });

  it('lists the secrets to redact', () => {
    const config = parseConfig({ ...valid, REDIS_URL: 'redis://:redispass@127.0.0.1:6379/0' });
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining([
        'xoxb-1-secret-bot-token',
        'signing-secret-value',
        'tencent-secret-key-value',
        'redispass',
      ]),
    );
  });
});
