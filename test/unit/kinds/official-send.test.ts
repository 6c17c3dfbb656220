import { describe, expect, it } from 'vitest';
import { messagePreview } from '../../../src/kinds/official-send.js';
import { samples } from '../../helpers/tencent-samples.js';

describe('messagePreview', () => {
  it('names element types by their own names only, never by what Object inherits', () => {
    const body = {
      ...samples.officialSend,
      MsgBody: ['constructor', 'toString', '__proto__', 'TIMImageElem'].map((MsgType) => ({
        MsgType,
      })),
    };
    expect(messagePreview(body)).toBe('[constructor] [toString] [__proto__] [image]');
  });
});
