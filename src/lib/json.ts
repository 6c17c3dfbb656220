import type { z } from 'zod';

/**
 * A stored JSON value, if it parses as JSON and then as `schema` (else undefined: the caller
 * skips or reports it; never thrown, so one unreadable record cannot fail a whole read).
 */
export function readJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
