import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJson } from '../../../src/lib/json.js';

describe('readJson', () => {
  const schema = z.object({ n: z.number() });

  it('reads a stored value that matches the schema, and skips one that does not', () => {
    expect(readJson(schema, '{"n":1}')).toEqual({ n: 1 });
    expect(readJson(schema, '{"n":"1"}')).toBeUndefined();
    expect(readJson(schema, 'not json')).toBeUndefined();
  });

  it('reads an empty or truncated text as undefined, never throwing', () => {
    expect(readJson(schema, '')).toBeUndefined();
    expect(readJson(schema, '{"n":')).toBeUndefined();
    expect(readJson(z.array(z.string()), '["a"]')).toEqual(['a']);
  });
});
