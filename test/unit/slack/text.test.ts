import { describe, expect, it } from 'vitest';
import {
  BROADCAST_AT as AT,
  BACKTICK_STAND_IN as BT,
  CONTROL_STAND_IN as CTRL,
  csvCell,
  csvText,
  escapeLine,
  escapeText,
  fileValue,
  inlineCode,
  mrkdwn,
  singleLine,
  truncate,
  userMention,
} from '../../../src/slack/text.js';

/** An `&` that does not start one of the three escapes: a cut entity. */
const BROKEN_ENTITY = /&(?!amp;|lt;|gt;)/;
/** A surrogate without its partner. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What must never reach Slack raw from outside. */
const RAW_HAZARD =
  /<[!@#]|<https?:|(?!\n)[\p{Cc}\u2028\u2029\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF\u061C]|(?<![\p{L}\p{N}_])@(channel|here|everyone)\b/iu;

const EMOJI = '👍🏽 😀 👩‍💻 ❤️‍🔥 👨‍👩‍👧 🏳️‍🌈 🏴󠁧󠁢󠁳󠁣󠁴󠁿 🇯🇵 1️⃣';
const CJK = '撤回消息 ｜ 公式アカウント · 공지 · مرحبا · Привет';

/**
 * Hostile (and innocent) text: the mrkdwn of it on several lines (`escapeText`), on one line
 * (`escapeLine`, defaults to the first) and as inline code (defaults to the line in backticks).
 */
const MRKDWN: readonly [name: string, input: string, text: string, line?: string, code?: string][] =
  [
    // Mentions, broadcasts and links: shown as typed, never parsed.
    ['<!channel>', '<!channel>', '&lt;!channel&gt;'],
    ['<!here|x>', '<!here|x>', '&lt;!here|x&gt;'],
    ['<!everyone>', '<!everyone>', '&lt;!everyone&gt;'],
    ['user group', '<!subteam^S012|@ops>', '&lt;!subteam^S012|@ops&gt;'],
    ['<@U123>', '<@U123>', '&lt;@U123&gt;'],
    ['<@U123|boss>', 'hi <@U123|boss>', 'hi &lt;@U123|boss&gt;'],
    ['<#C1|x>', '<#C1|x>', '&lt;#C1|x&gt;'],
    ['link', '<http://evil|click>', '&lt;http://evil|click&gt;'],
    ['mailto link', '<mailto:a@b.example|mail>', '&lt;mailto:a@b.example|mail&gt;'],
    ['date token', '<!date^0^{date}|x>', '&lt;!date^0^{date}|x&gt;'],
    ['plain @channel', '@channel', `${AT}channel`],
    ['plain @here', 'look @here!', `look ${AT}here!`],
    ['plain @everyone', '(@everyone)', `(${AT}everyone)`],
    ['capitalised broadcast', '@Channel @HERE', `${AT}Channel ${AT}HERE`],
    ['doubled at', '@@here', `@${AT}here`],
    ['e-mail address', 'ops@here.example', 'ops@here.example'],
    ['longer word', '@channels @hereby', '@channels @hereby'],
    ['other mention', '@jared', '@jared'],
    ['pre-escaped', '&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
    ['ampersand', 'Tom & Jerry', 'Tom &amp; Jerry'],
    ['comparison', 'a > b < c', 'a &gt; b &lt; c'],
    // Formatting: left as it is (it cannot ping, link or add a line).
    ['bold', '*bold* _it_ ~s~', '*bold* _it_ ~s~'],
    ['one backtick', 'a`b', 'a`b', undefined, `\`a${BT}b\``],
    ['two backticks', '``', '``', undefined, `\`${BT}${BT}\``],
    ['three backticks', '```', '```', undefined, `\`${BT}${BT}${BT}\``],
    ['four backticks', 'x````y', 'x````y', undefined, `\`x${BT}${BT}${BT}${BT}y\``],
    [
      'code block',
      '```\n<!here>\n```',
      '```\n&lt;!here&gt;\n```',
      '``` &lt;!here&gt; ```',
      `\`${BT}${BT}${BT} &lt;!here&gt; ${BT}${BT}${BT}\``,
    ],
    [
      'breaking out of code',
      'a` <!channel> `b',
      'a` &lt;!channel&gt; `b',
      undefined,
      `\`a${BT} &lt;!channel&gt; ${BT}b\``,
    ],
    // Line breaks: kept on several lines, one space on one line.
    ['newline', 'a\nb', 'a\nb', 'a b'],
    ['CRLF', 'a\r\nb', 'a\nb', 'a b'],
    ['CR', 'a\rb', 'a\nb', 'a b'],
    ['U+2028', 'a\u2028b', 'a\nb', 'a b'],
    ['U+2029', 'a\u2029b', 'a\nb', 'a b'],
    ['NEL U+0085', 'a\u0085b', 'a\nb', 'a b'],
    ['VT and FF', 'a\u000Bb\u000Cc', 'a\nb\nc', 'a b c'],
    [
      'forged line',
      'x\n:white_check_mark: all recalled',
      'x\n:white_check_mark: all recalled',
      'x :white_check_mark: all recalled',
    ],
    ['run of breaks', 'a\n\r\n\u2028b', 'a\n\n\nb', 'a b'],
    ['tab', 'a\tb', 'a b'],
    // Bidi and zero-width characters: removed.
    ['RLO U+202E', 'abc\u202Etxt.exe', 'abctxt.exe'],
    ['embeddings U+202A–U+202D', '\u202Aa\u202Bb\u202Cc\u202Dd', 'abcd'],
    ['isolates U+2066–U+2069', '\u2066x\u2067y\u2068z\u2069', 'xyz'],
    ['LRM, RLM, ALM', 'a\u200Eb\u200Fc\u061Cd', 'abcd'],
    ['ZWSP', '@ch\u200Bannel', '@channel'.replace('@', AT)],
    ['ZWNJ and ZWJ in text', 'a\u200Cb\u200Dc', 'abc'],
    ['word joiner', 'a\u2060b', 'ab'],
    ['BOM', '\uFEFFhello', 'hello'],
    ['soft hyphen', 'ad\u00ADmin', 'admin'],
    ['hidden in a mention', '<\u200B!channel>', '&lt;!channel&gt;'],
    // Control characters: shown as the replacement character.
    ['NUL', 'a\u0000b', `a${CTRL}b`],
    ['ESC', '\u001B[31mred', `${CTRL}[31mred`],
    ['BEL and BS', 'a\u0007\u0008b', `a${CTRL}${CTRL}b`],
    ['DEL', 'a\u007Fb', `a${CTRL}b`],
    ['C1 U+0080 and U+009F', 'a\u0080b\u009Fc', `a${CTRL}b${CTRL}c`],
    ['lone surrogate', 'a\uD800b\uDC00', `a${CTRL}b${CTRL}`],
    // What must survive untouched.
    ['emoji', EMOJI, EMOJI],
    ['CJK, Hangul, Arabic, Cyrillic', CJK, CJK],
    ['Official Account', '@TOA#_2J4SZEAEL', '@TOA#_2J4SZEAEL'],
    ['MsgKey', '71_1_1698741698', '71_1_1698741698'],
    ['emoji shortcode', ':tada:', ':tada:'],
    ['formula', '=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'],
    ['empty', '', '', '', '` `'],
  ];

describe('escapeText, escapeLine and inlineCode: a table of hostile text', () => {
  it('has a long table, whose raw inputs the hazard check catches', () => {
    expect(MRKDWN.length).toBeGreaterThanOrEqual(60);
    for (const raw of ['<!channel>', '<@U1>', '<#C1>', '<http://x|y>', '@here', 'a\u202Eb']) {
      expect(raw).toMatch(RAW_HAZARD);
    }
    for (const raw of ['a\u2028b', 'a\u0000b', '\uFEFF', 'a\u200Bb', 'a\rb']) {
      expect(raw).toMatch(RAW_HAZARD);
    }
  });

  it.each(MRKDWN)('%s', (_name, input, text, line = text, code = `\`${line}\``) => {
    expect(escapeText(input)).toBe(text);
    expect(escapeLine(input)).toBe(line);
    expect(inlineCode(input)).toBe(code);
    for (const out of [escapeText(input), escapeLine(input), inlineCode(input)]) {
      expect(out).not.toMatch(RAW_HAZARD);
    }
    expect(escapeLine(input)).not.toContain('\n');
    expect(inlineCode(input).match(/`/g)).toHaveLength(2);
  });
});

describe('singleLine', () => {
  it.each([
    ['a\r\nb\u2028c\u2029d\ne', 'a b c d e'],
    ['x\u202Ey\u200Bz', 'xyz'],
    ['<!channel> & @here', '<!channel> & @here'],
    [`${EMOJI} ${CJK}`, `${EMOJI} ${CJK}`],
    ['a\u0000b', `a${CTRL}b`],
  ])('cleans %j for plain text on one line', (input, expected) => {
    expect(singleLine(input)).toBe(expected);
  });
});

describe('inlineCode: long values', () => {
  it('shortens long values without breaking an escape', () => {
    expect(inlineCode('&'.repeat(100), 12)).toBe('`&amp;&amp;…`');
  });

  it('shortens a very long value to the limit', () => {
    expect(inlineCode('x'.repeat(100_000), 200)).toBe(`\`${'x'.repeat(199)}…\``);
    expect(inlineCode(`${'\n'.repeat(5000)}x`, 10)).toBe('` x`');
  });

  it('keeps a value made only of control characters visible', () => {
    expect(inlineCode('\u0001\u0002')).toBe(`\`${CTRL}${CTRL}\``);
    expect(inlineCode('\u200B\u202E')).toBe('` `');
  });
});

describe('truncate', () => {
  it('returns short text unchanged', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('', 0)).toBe('');
  });

  it('ends shortened text with an ellipsis, within the limit', () => {
    expect(truncate('hello world', 6)).toBe('hello…');
  });

  it('never cuts an escape entity in half', () => {
    // 'a&amp;b' cut at 4 would keep 'a&a'.
    expect(truncate('a&amp;b', 5)).toBe('a…');
    expect(truncate('a&amp;b', 7)).toBe('a&amp;b');
    expect(truncate('a&amp;bc', 7)).toBe('a&amp;…');
    expect(truncate('x&lt;y&gt;z', 6)).toBe('x&lt;…');
    expect(truncate('x&lt;y&gt;z', 5)).toBe('x…');
    expect(truncate(escapeLine('<'.repeat(1000)), 10)).toBe('&lt;&lt;…');
  });

  it('never cuts a surrogate pair in half', () => {
    expect(truncate('😀😀😀', 4)).toBe('😀…');
    expect(truncate('😀😀😀', 3)).toBe('😀…');
    expect(truncate('😀😀😀', 2)).toBe('…');
  });

  it('cuts only at safe places, whatever the limit', () => {
    const text = escapeText('<@U1> & 😀 <!channel> && >> 中文😀&');
    for (let max = 0; max <= text.length + 1; max++) {
      const cut = truncate(text, max);
      expect(cut.length, `max ${max}`).toBeLessThanOrEqual(max);
      expect(cut, `max ${max}`).not.toMatch(BROKEN_ENTITY);
      expect(cut, `max ${max}`).not.toMatch(LONE_SURROGATE);
      if (max >= text.length) expect(cut).toBe(text);
      else if (max > 0) expect(cut.endsWith('…')).toBe(true);
    }
  });

  it('does not mistake a literal ampersand for an entity', () => {
    expect(truncate('a&ampersand', 5)).toBe('a&am…');
  });
});

describe('userMention and mrkdwn', () => {
  it('mentions a Slack user ID, and shows anything else as code', () => {
    expect(userMention('U012ABCDEF')).toBe('<@U012ABCDEF>');
    expect(userMention('W0123ABCD')).toBe('<@W0123ABCD>');
    expect(userMention('U1> <!channel')).toBe('`U1&gt; &lt;!channel`');
    expect(userMention('u123')).toBe('`u123`');
  });

  it('builds a verbatim mrkdwn text object', () => {
    expect(mrkdwn('*x*')).toEqual({ type: 'mrkdwn', text: '*x*', verbatim: true });
  });
});

describe('fileValue', () => {
  it.each([
    ['a<b>&c @here', 'a<b>&c @here'],
    [`${EMOJI} ${CJK}`, `${EMOJI} ${CJK}`],
    ['x\nMsgKey: forged', '"x\\nMsgKey: forged"'],
    ['a\r\nb', '"a\\r\\nb"'],
    ['abc\u202Etxt.exe', '"abc\\u202etxt.exe"'],
    ['a\u2028b\u2029c', '"a\\u2028b\\u2029c"'],
    ['\uFEFFa\u200Bb', '"\\ufeffa\\u200bb"'],
    ['a\u0000b\u007Fc\u0085d', '"a\\u0000b\\u007fc\\u0085d"'],
    ['tab\there', '"tab\\there"'],
    ['say "hi" \u001B', '"say \\"hi\\" \\u001b"'],
    ['lone \uD800', '"lone \\ud800"'],
  ])('writes %j on one line as %s', (input, expected) => {
    expect(fileValue(input)).toBe(expected);
    expect(fileValue(input)).not.toMatch(/[\n\r\u2028\u2029\u202E\u200B]/);
  });
});

describe('csvCell: spreadsheet-safe CSV', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"],
    ['-1+1', "'-1+1"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['=1+1', "'=1+1"],
    ['\t=1+1', "'\\u0009=1+1"],
    ['\r=1+1', "'\\u000d=1+1"],
    ['\tplain', "'\\u0009plain"],
    ['  =1+1', "'  =1+1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF201', "'\uFF201"],
    ['=1,2', `"'=1,2"`],
    ['@TOA#_2J4SZEAEL', "'@TOA#_2J4SZEAEL"],
    ['a=1', 'a=1'],
    ['71_1_1698741698', '71_1_1698741698'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['a\nb', 'a\\u000ab'],
    ['a\r\n=1', 'a\\u000d\\u000a=1'],
    ['x\u202Ey', 'x\\u202ey'],
    [`${EMOJI} ${CJK}`, `${EMOJI} ${CJK}`],
    ['', ''],
  ])('writes %j as %s', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes numbers the app computed as numbers', () => {
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(10030)).toBe('10030');
  });

  it('writes rows with CRLF after each', () => {
    expect(
      csvText([
        ['a', 'b'],
        ['=1', -1],
      ]),
    ).toBe("a,b\r\n'=1,-1\r\n");
  });
});

describe('cost', () => {
  it('handles a megabyte of hostile characters in linear time', () => {
    const inputs = [
      '\u0001'.repeat(1_000_000),
      '\r\n'.repeat(500_000),
      `🏴${'\u{E0067}'.repeat(250_000)}`,
      '👩\u200D'.repeat(150_000),
      '@here '.repeat(150_000),
      '&<>`'.repeat(250_000),
    ];
    const started = performance.now();
    for (const input of inputs) {
      escapeText(input);
      escapeLine(input);
      inlineCode(input, 200);
      fileValue(input);
      csvCell(input);
    }
    // About 1.5 s in all on a laptop; quadratic work would take minutes.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
