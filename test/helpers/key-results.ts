import type { KeyResult } from '../../src/recall/send.js';

/** A key's result: recalled at the first try, unless `over` says otherwise. */
export const keyResult = (msgKey: string, over: Partial<KeyResult> = {}): KeyResult => ({
  msgKey,
  ok: true,
  unknown: false,
  retCode: 0,
  meaning: 'recalled',
  transient: false,
  attempts: 1,
  ...over,
});
