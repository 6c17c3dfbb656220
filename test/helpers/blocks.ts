import type { KnownBlock } from '@slack/types';

/** Every piece of mrkdwn or plain text a block shows (section text and fields, header, context). */
export function textsOfBlock(block: KnownBlock): string[] {
  switch (block.type) {
    case 'section':
      return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
    case 'header':
      return [block.text.text];
    case 'context':
      return block.elements.flatMap((e) => ('text' in e ? [e.text] : []));
    default:
      return [];
  }
}
