import { describe, expect, it } from 'vitest';
import {
  BACKTICK_STAND_IN,
  CONTROL_STAND_IN,
  escapeText,
  inlineCode,
  truncate,
} from '../../../src/feed/escape.js';

/** An `&` that does not start one of the three escapes: a cut entity. */
const BROKEN_ENTITY = /&(?!amp;|lt;|gt;)/;
/** A surrogate without its partner. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('escapeText', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<@U1>', '&lt;@U1&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['a > b', 'a &gt; b'],
    ['&amp;', '&amp;amp;'],
  ])('escapes %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('leaves every other character alone', () => {
    const text = `*bold* _it_ ~s~ \`code\` "q" 'a' #TOA#_123 😀 中文`;
    expect(escapeText(text)).toBe(text);
  });
});

describe('inlineCode', () => {
  it('wraps escaped text in backticks', () => {
    expect(inlineCode('<@U1> & co')).toBe('`&lt;@U1&gt; &amp; co`');
  });

  it('keeps a backtick in the value from closing the span', () => {
    const code = inlineCode('a` <!channel> `b');
    expect(code).toBe(`\`a${BACKTICK_STAND_IN} &lt;!channel&gt; ${BACKTICK_STAND_IN}b\``);
    expect(code.match(/`/g)).toHaveLength(2);
  });

  it('keeps a newline from ending the span', () => {
    expect(inlineCode('a\nb\tc')).toBe(`\`a${CONTROL_STAND_IN}b${CONTROL_STAND_IN}c\``);
  });

  it('shows an empty value as a blank span', () => {
    expect(inlineCode('')).toBe('` `');
  });

  it('shortens long values without breaking an escape', () => {
    const code = inlineCode('&'.repeat(100), 12);
    expect(code).toBe('`&amp;&amp;…`');
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
