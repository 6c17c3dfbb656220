import { describe, expect, it } from 'vitest';
import {
  renderAudit,
  renderResults,
  resultsCsv,
  resultsFileTitle,
} from '../../../src/recall/report.js';
import type { KeyResult } from '../../../src/recall/send.js';
import { BACKTICK_STAND_IN, BROADCAST_AT } from '../../../src/slack/text.js';
import { textsOfBlock } from '../../helpers/blocks.js';
import { recalledResult } from '../../helpers/recall.js';

const result = (msgKey: string, over: Partial<KeyResult> = {}): KeyResult => ({
  ...recalledResult(msgKey),
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

describe('renderAudit: hostile account and reason', () => {
  it('stays one line, with the account in an intact code span and nobody pinged', () => {
    const { text, blocks } = renderAudit(
      {
        account: '@TOA#_x` <!channel> `*y*',
        reason: 'oops\n:white_check_mark: 0 failed · reason: “ok” <@U999> @here\u2028more',
        results: [result('1_1_1'), result('2_1_1', { ok: false, retCode: 10030 })],
      },
      'U0ADMIN',
      'command',
    );
    expect(text.split('\n')).toHaveLength(1);
    expect(text).not.toMatch(/[\r\u2028\u2029]/);
    expect(text.match(/`/g)).toHaveLength(2);
    expect(text).toContain(
      `\`@TOA#_x${BACKTICK_STAND_IN} &lt;!channel&gt; ${BACKTICK_STAND_IN}*y*\` via /recall`,
    );
    expect(text).toContain(
      `reason: “oops :white_check_mark: 0 failed · reason: “ok” &lt;@U999&gt; ${BROADCAST_AT}here more”`,
    );
    expect(text.startsWith(':scroll: <@U0ADMIN> recalled 2 messages of ')).toBe(true);
    // The only mention is the person who recalled.
    expect(text.match(/<[@!#]/g)).toEqual(['<@']);
    expect(blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }]);
  });

  it('never mentions something that is not a Slack user ID', () => {
    const { text } = renderAudit({ account: 'a', results: [result('k')] }, 'U1> <!here', 'feed');
    expect(text).not.toContain('<!here');
    expect(text).toContain('`U1&gt; &lt;!here`');
  });
});

describe('renderResults: hostile meanings', () => {
  it('keeps Tencent’s error text on one line, escaped and short', () => {
    const meaning = `bad\n:white_check_mark: recalled: <!channel> ${'x'.repeat(5000)}`;
    const rendered = renderResults(
      { account: 'acc', results: [result('1_1_1', { ok: false, retCode: 70001, meaning })] },
      {},
    );
    const texts = rendered.blocks.flatMap(textsOfBlock);
    const failure = texts.find((t) => t.includes('70001')) ?? '';
    expect(failure).not.toContain('\n');
    expect(failure).not.toContain('<!channel>');
    expect(failure).toContain('bad :white_check_mark: recalled: &lt;!channel&gt; xxx');
    expect(failure.length).toBeLessThan(500);
  });
});

describe('resultsCsv: spreadsheet-safe', () => {
  it('prefixes every cell a spreadsheet could read as a formula with a quote', () => {
    const csv = resultsCsv({
      account: '=HYPERLINK("http://evil.example","x")',
      results: [
        result("+1+cmd|' /C calc'!A0", { ok: false, retCode: 10030, meaning: '-1+1' }),
        result('@SUM(1+1)', { ok: false, retCode: -1, meaning: '\t=1+1' }),
        result('3_1_1698741698', { ok: false, retCode: 10004, meaning: '\r=2+2' }),
      ],
    });
    expect(csv).toBe(
      [
        'official_account,msg_key,result,ret_code,meaning,attempts',
        `"'=HYPERLINK(""http://evil.example"",""x"")",'+1+cmd|' /C calc'!A0,failed,10030,'-1+1,1`,
        `"'=HYPERLINK(""http://evil.example"",""x"")",'@SUM(1+1),failed,-1,'\\u0009=1+1,1`,
        `"'=HYPERLINK(""http://evil.example"",""x"")",3_1_1698741698,failed,10004,'\\u000d=2+2,1`,
        '',
      ].join('\r\n'),
    );
    // No cell of any row starts with a formula character, numbers aside (`-1`: no result).
    for (const row of csv.trim().split('\r\n')) {
      for (const cell of row.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
        if (!/^-?\d+$/.test(cell)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
  });

  it('titles the results file on one line', () => {
    expect(resultsFileTitle({ account: 'a\nb\u202Ec', results: [] })).toBe('Recall results: a bc');
  });
});
