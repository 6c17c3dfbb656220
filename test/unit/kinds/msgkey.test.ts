import { describe, expect, it } from 'vitest';
import { isMsgKey, MSGKEYS_IN_TEXT } from '../../../src/kinds/msgkey.js';

describe('isMsgKey', () => {
  it('takes three numbers joined by underscores, and nothing around them', () => {
    expect(isMsgKey('71_1_1698741698')).toBe(true);
    for (const value of ['71_1', 'x71_1_1698741698', '71_1_1698741698 ', '1_2_3_4', '']) {
      expect(isMsgKey(value), value).toBe(false);
    }
  });

  it('finds MsgKeys in a text', () => {
    expect('keys 71_1_1, 72_1_2 and 7_1'.match(MSGKEYS_IN_TEXT)).toEqual(['71_1_1', '72_1_2']);
  });
});
