import { describe, expect, it } from 'vitest';
import { renderResults, resultsCsv } from '../../../src/recall/report.js';
import type { KeyResult } from '../../../src/recall/send.js';
import { textsOfBlock } from '../../helpers/blocks.js';

const result = (msgKey: string, over: Partial<KeyResult> = {}): KeyResult => ({
  msgKey,
  ok: true,
  unknown: false,
  retCode: 0,
  meaning: 'recalled',
  transient: false,
  attempts: 1,
  ...over,
});

const keys = (n: number) => Array.from({ length: n }, (_, i) => `${1000 + i}_1_1698741698`);

function withinSlackLimits(blocks: ReturnType<typeof renderResults>['blocks']): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  let total = 0;
  for (const block of blocks) {
    for (const text of textsOfBlock(block)) {
      expect(text.length).toBeLessThanOrEqual(3000);
      total += text.length;
    }
  }
  expect(total).toBeLessThanOrEqual(12_000);
}

describe('renderResults', () => {
  it('shows every key of 200 in the reply, keys sharing a result on one line, failures first', () => {
    const results = keys(200).map((k, i) =>
      i % 50 === 7
        ? result(k, { ok: false, retCode: 10030, meaning: 'the message does not exist' })
        : result(k),
    );
    const rendered = renderResults({ account: 'acc', results }, {});
    expect(rendered.complete).toBe(true);
    const text = JSON.stringify(rendered.blocks);
    for (const k of keys(200)) expect(text).toContain(`\`${k}\``);
    expect(text.indexOf('10030')).toBeLessThan(text.indexOf(':white_check_mark: recalled:'));
    withinSlackLimits(rendered.blocks);
  });

  it('names the file with every result when 1,000 do not fit, within Slack limits', () => {
    const results = keys(1000).map((k) => result(k));
    const incomplete = renderResults({ account: 'acc', results }, {});
    expect(incomplete.complete).toBe(false);
    expect(JSON.stringify(incomplete.blocks)).toContain('could not be sent to you');
    const named = renderResults({ account: 'acc', results }, { fileName: 'recall-results-x.csv' });
    expect(JSON.stringify(named.blocks)).toContain(
      '`recall-results-x.csv`, sent to you in a direct message',
    );
    withinSlackLimits(named.blocks);
  });

  it('tells unknown results apart from failures', () => {
    const rendered = renderResults(
      {
        account: 'acc',
        results: [
          result('a'),
          result('b', {
            ok: false,
            unknown: true,
            retCode: -1,
            meaning: 'no result',
            transient: true,
          }),
        ],
      },
      {},
    );
    const text = JSON.stringify(rendered.blocks);
    expect(text).toContain(':grey_question: unknown — no result');
    expect(rendered.text).toContain('Recalled 1 of 2');
    expect(rendered.text).toContain('1 unknown');
    expect(
      resultsCsv({ account: 'acc', results: [result('b', { ok: false, unknown: true })] }),
    ).toContain(',b,unknown,');
  });
});
