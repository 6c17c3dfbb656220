import { describe, expect, it } from 'vitest';
import { Health, type HealthProbes } from '../../../src/observability/health.js';

const storeFine = async () => {};
const storeDown = async () => {
  throw new Error('disk gone');
};

function health(probes: Partial<HealthProbes> = {}): Health {
  return new Health({ checkStore: storeFine, ...probes });
}

describe('Health', () => {
  it('is ok with nothing wrong', async () => {
    expect(await health().status()).toEqual({ status: 'ok', reasons: [] });
    expect(await health({ feedProblems: async () => [] }).status()).toEqual({
      status: 'ok',
      reasons: [],
    });
  });

  it('is unavailable when the store cannot be used, saying why', async () => {
    expect(await health({ checkStore: storeDown }).status()).toEqual({
      status: 'unavailable',
      reasons: ['store unusable: disk gone'],
    });
    const thrownString = health({
      checkStore: async () => {
        throw 'locked';
      },
    });
    expect(await thrownString.status()).toEqual({
      status: 'unavailable',
      reasons: ['store unusable: locked'],
    });
  });

  it('is unavailable once stopping', async () => {
    const h = health();
    h.markStopping();
    expect(await h.status()).toEqual({ status: 'unavailable', reasons: ['shutting down'] });
  });

  it('is degraded by a named problem until it is cleared', async () => {
    const h = health();
    h.setProblem('slack', 'Slack refuses the feed: not_in_channel');
    h.setProblem('history', 'history unreadable');
    expect(await h.status()).toEqual({
      status: 'degraded',
      reasons: ['Slack refuses the feed: not_in_channel', 'history unreadable'],
    });
    h.setProblem('slack', 'Slack refuses the feed: channel_not_found');
    h.setProblem('history', undefined);
    expect(await h.status()).toEqual({
      status: 'degraded',
      reasons: ['Slack refuses the feed: channel_not_found'],
    });
    h.setProblem('slack', undefined);
    expect(await h.status()).toEqual({ status: 'ok', reasons: [] });
  });

  it('is degraded by what the feed reports, asked on every request', async () => {
    let problems: string[] = ['3 dead letters'];
    const h = health({ feedProblems: async () => problems });
    expect(await h.status()).toEqual({ status: 'degraded', reasons: ['3 dead letters'] });
    problems = [];
    expect(await h.status()).toEqual({ status: 'ok', reasons: [] });
  });

  it('is degraded, not unavailable, when the feed cannot be read', async () => {
    const h = health({
      feedProblems: async () => {
        throw new Error('timeout');
      },
    });
    expect(await h.status()).toEqual({
      status: 'degraded',
      reasons: ['feed state unknown: timeout'],
    });
  });

  it('lists why it is unavailable first, then what degrades it', async () => {
    const h = health({ checkStore: storeDown, feedProblems: async () => ['events waiting'] });
    h.setProblem('slack', 'Slack refuses the feed');
    h.markStopping();
    expect(await h.status()).toEqual({
      status: 'unavailable',
      reasons: [
        'shutting down',
        'store unusable: disk gone',
        'Slack refuses the feed',
        'events waiting',
      ],
    });
  });
});
