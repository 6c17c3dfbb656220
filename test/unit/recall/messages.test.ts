import type { ActionsBlock, Button, InputBlock, PlainTextInput } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { HELP_TEXT, renderConfirmation, renderRecallModal } from '../../../src/recall/messages.js';
import { MAX_REASON_BYTES } from '../../../src/recall/parse.js';
import {
  CANCEL_RECALL_ACTION_ID,
  CONFIRM_RECALL_ACTION_ID,
  RECALL_MODAL_ID,
} from '../../../src/slack/ids.js';
import { BROADCAST_AT } from '../../../src/slack/text.js';
import { textsOfBlock } from '../../helpers/blocks.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';
const keys = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}_1_1698741698`);

function buttonsOf(blocks: ReturnType<typeof renderConfirmation>['blocks']): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements)
    .filter((e): e is Button => e.type === 'button');
}

function inputOf(view: ReturnType<typeof renderRecallModal>, blockId: string): InputBlock {
  const block = view.blocks.find(
    (b): b is InputBlock => b.type === 'input' && b.block_id === blockId,
  );
  if (!block) throw new Error(`no input block ${blockId}`);
  return block;
}

const elementOf = (block: InputBlock) => block.element as PlainTextInput;

describe('HELP_TEXT', () => {
  it('tells every way to recall, that it cannot be undone, and the reason limit', () => {
    expect(HELP_TEXT.split('\n')[0]).toBe(
      '*Recall Official Account messages* (a recall cannot be undone)',
    );
    expect(HELP_TEXT).toContain('`/recall` — open a form');
    expect(HELP_TEXT).toContain('`/recall <Official_Account> <MsgKey> [MsgKey…] [reason: text]`');
    expect(HELP_TEXT).toContain('*Recall messages*');
    expect(HELP_TEXT).toContain('*Recall* button');
    expect(HELP_TEXT).toContain(`at most ${MAX_REASON_BYTES} bytes`);
  });
});

describe('renderConfirmation', () => {
  it('asks once, with a danger Recall button and a Cancel button carrying the confirmation', () => {
    const { text, blocks } = renderConfirmation(
      { account: ACCOUNT, msgKeys: keys(2), reason: 'sent by mistake' },
      'conf-1',
    );
    expect(text).toBe(`Recall 2 messages of \`${ACCOUNT}\`? This cannot be undone.`);
    expect(buttonsOf(blocks)).toEqual([
      {
        type: 'button',
        action_id: CONFIRM_RECALL_ACTION_ID,
        style: 'danger',
        text: { type: 'plain_text', text: 'Recall 2 messages' },
        value: 'conf-1',
      },
      {
        type: 'button',
        action_id: CANCEL_RECALL_ACTION_ID,
        text: { type: 'plain_text', text: 'Cancel' },
        value: 'conf-1',
      },
    ]);
    const [section = ''] = blocks.flatMap(textsOfBlock);
    expect(section.split('\n')).toEqual([
      `:warning: You are about to recall *2 messages* of \`${ACCOUNT}\`: \`1_1_1698741698\`, \`2_1_1698741698\`.`,
      'Reason: sent by mistake',
      '*A recall cannot be undone.* This confirmation expires in 30 minutes.',
    ]);
  });

  it('counts one message in the singular, and says when no reason was given', () => {
    const { text, blocks } = renderConfirmation({ account: ACCOUNT, msgKeys: keys(1) }, 'c');
    expect(text).toBe(`Recall 1 message of \`${ACCOUNT}\`? This cannot be undone.`);
    expect(buttonsOf(blocks)[0]?.text.text).toBe('Recall 1 message');
    expect(blocks.flatMap(textsOfBlock)[0]).toContain('\nNo reason given.\n');
  });

  it('lists the first 20 keys and counts the rest', () => {
    const { text, blocks } = renderConfirmation({ account: ACCOUNT, msgKeys: keys(25) }, 'c');
    const [section = ''] = blocks.flatMap(textsOfBlock);
    expect(text).toContain('Recall 25 messages');
    expect(section).toContain('`20_1_1698741698` and 5 more.');
    expect(section).not.toContain('21_1_1698741698');
    expect(section.match(/_1_1698741698/g)).toHaveLength(20);
  });

  it('escapes what was typed: no mention, no broadcast, no code span broken', () => {
    const { text, blocks } = renderConfirmation(
      { account: '<!here>', msgKeys: ['<@U1>'], reason: '@channel & <b>' },
      'c',
    );
    const all = [text, ...blocks.flatMap(textsOfBlock)].join('\n');
    expect(all).not.toMatch(/<[!@]/);
    expect(all).toContain('`&lt;!here&gt;`');
    expect(all).toContain('`&lt;@U1&gt;`');
    expect(all).toContain(`Reason: ${BROADCAST_AT}channel &amp; &lt;b&gt;`);
  });
});

describe('renderRecallModal', () => {
  it('is the recall form, whose submit button is the confirmation', () => {
    const view = renderRecallModal({ privateMetadata: '{"channel":"C1"}' });
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: RECALL_MODAL_ID,
      title: { type: 'plain_text', text: 'Recall messages' },
      submit: { type: 'plain_text', text: 'Recall' },
      close: { type: 'plain_text', text: 'Cancel' },
      private_metadata: '{"channel":"C1"}',
    });
    expect(view.blocks.map((b) => b.type)).toEqual(['input', 'input', 'input', 'context']);
    expect(JSON.stringify(view.blocks.at(-1))).toContain('A recall cannot be undone.');
  });

  it('starts empty, with the reason optional and bounded', () => {
    const view = renderRecallModal({ privateMetadata: '' });
    for (const id of ['account', 'keys', 'reason']) {
      expect(elementOf(inputOf(view, id))).not.toHaveProperty('initial_value');
      expect(elementOf(inputOf(view, id)).action_id).toBe('value');
    }
    expect(inputOf(view, 'account').optional).toBeUndefined();
    expect(inputOf(view, 'keys').optional).toBeUndefined();
    expect(inputOf(view, 'reason').optional).toBe(true);
    expect(elementOf(inputOf(view, 'reason')).max_length).toBe(MAX_REASON_BYTES);
    expect(elementOf(inputOf(view, 'keys')).multiline).toBe(true);
  });

  it('fills in what it is given: one key a line, and a note above', () => {
    const view = renderRecallModal({
      account: ACCOUNT,
      msgKeys: keys(2),
      reason: 'spam',
      privateMetadata: 'm',
      note: 'Found 2 MsgKeys in the message.',
    });
    expect(view.blocks[0]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Found 2 MsgKeys in the message.' }],
    });
    expect(elementOf(inputOf(view, 'account')).initial_value).toBe(ACCOUNT);
    expect(elementOf(inputOf(view, 'keys')).initial_value).toBe('1_1_1698741698\n2_1_1698741698');
    expect(elementOf(inputOf(view, 'reason')).initial_value).toBe('spam');
  });

  it('leaves the keys empty for an empty list', () => {
    const view = renderRecallModal({ msgKeys: [], privateMetadata: '' });
    expect(elementOf(inputOf(view, 'keys'))).not.toHaveProperty('initial_value');
  });
});
