import { describe, expect, it } from 'vitest';
import { renderConfirmation } from '../../../src/recall/messages.js';
import { parseRecallCommand, validateRecall } from '../../../src/recall/parse.js';
import { BACKTICK_STAND_IN, BROADCAST_AT } from '../../../src/slack/text.js';
import { textsOfBlock } from '../../helpers/blocks.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';

describe('parseRecallCommand: problems repeat what was typed safely', () => {
  it('shows a bad key as inline code, escaped: it pings nobody', () => {
    const parsed = parseRecallCommand(`${ACCOUNT} 1_1_1698741698 <!channel>`);
    expect(parsed).toEqual({
      kind: 'invalid',
      problems: ['`&lt;!channel&gt;` is not a MsgKey like 71_1_1698741698'],
    });
  });

  it('keeps backticks, @here and long input from breaking the reply', () => {
    const parsed = parseRecallCommand(`${ACCOUNT} a\`@here\`${'x'.repeat(500)}`);
    expect(parsed.kind).toBe('invalid');
    const [problem = ''] = parsed.kind === 'invalid' ? parsed.problems : [];
    expect(problem.match(/`/g)).toHaveLength(2);
    expect(problem).toContain(`a${BACKTICK_STAND_IN}${BROADCAST_AT}here${BACKTICK_STAND_IN}x`);
    expect(problem.length).toBeLessThan(120);
  });

  it('names the key it found wrong, after duplicates are removed', () => {
    const parsed = parseRecallCommand(`${ACCOUNT} 1_1_1 1_1_1 bad`);
    expect(parsed).toEqual({
      kind: 'invalid',
      problems: ['`bad` is not a MsgKey like 71_1_1698741698'],
    });
  });
});

describe('validateRecall: problems for a modal (plain text)', () => {
  it('quotes what was typed on one line, unescaped and short', () => {
    const result = validateRecall({ account: ACCOUNT, msgKeys: ['<!here>\u202E\nx'] });
    expect(result).toEqual({
      ok: false,
      problems: { msgKeys: '"<!here> x" is not a MsgKey like 71_1_1698741698' },
    });
  });
});

describe('renderConfirmation: hostile account and reason', () => {
  it('keeps the account in its code span and the reason on its line', () => {
    const { text, blocks } = renderConfirmation(
      {
        account: 'x` <!channel> `y',
        msgKeys: ['71_1_1698741698'],
        reason: 'r <@U1> @everyone\n*A recall was approved.*',
      },
      'c1',
    );
    const [section = ''] = blocks.flatMap(textsOfBlock);
    expect(section.split('\n')).toEqual([
      `:warning: You are about to recall *1 message* of \`x${BACKTICK_STAND_IN} &lt;!channel&gt; ${BACKTICK_STAND_IN}y\`: \`71_1_1698741698\`.`,
      `Reason: r &lt;@U1&gt; ${BROADCAST_AT}everyone *A recall was approved.*`,
      '*A recall cannot be undone.* This confirmation expires in 30 minutes.',
    ]);
    expect(text).not.toContain('<!channel>');
    expect(blocks[0]).toMatchObject({ text: { verbatim: true } });
  });
});
