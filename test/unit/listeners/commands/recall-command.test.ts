import { beforeEach, describe, expect, it, vi } from 'vitest';
import { recallCommand } from '../../../../src/listeners/commands/recall-command.js';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import {
  modalConfirmationId,
  peekConfirmation,
  peekModalConfirmation,
} from '../../../../src/recall/confirmations.js';
import { HELP_TEXT } from '../../../../src/recall/messages.js';
import { RECALL_MODAL_ID } from '../../../../src/slack/ids.js';
import { commandArgs } from '../../../helpers/listener-args.js';
import { useListenerWorld } from '../../../helpers/listener-world.js';

const ACCOUNT = '@TOA#_2J4SZEAEL';

describe('/recall', () => {
  const world = useListenerWorld();
  let listener: ReturnType<typeof recallCommand>;
  beforeEach(() => {
    listener = recallCommand(world.deps);
  });

  const run = (text: string, fields: Parameters<typeof commandArgs>[1] = {}) =>
    listener(
      commandArgs(world.fakes, { text, response_url: world.slack.responseUrl(), ...fields }),
    );

  it('answers `help` with the help, and does nothing else', async () => {
    await run('help');
    expect(world.fakes.steps).toEqual([
      { kind: 'ack', response: { response_type: 'ephemeral', text: HELP_TEXT } },
    ]);
  });

  it('answers a request it cannot take with its problems, and stores nothing', async () => {
    const putOnce = vi.spyOn(world.stores.once, 'putOnce');
    await run(`${ACCOUNT} not-a-key`);
    const [answer] = world.fakes.acks() as { text: string }[];
    expect(world.fakes.acks()).toHaveLength(1);
    expect(answer?.text).toMatch(/^:x: .*not-a-key.*is not a MsgKey/);
    expect(answer?.text).toMatch(/See `\/recall help`\.$/);
    expect(putOnce).not.toHaveBeenCalled();
  });

  it('refuses a command too long to be one recall without reading it', async () => {
    await run(`${ACCOUNT} ${'71_1_1698741698 '.repeat(2_600)}`);
    const [answer] = world.fakes.acks() as { text: string }[];
    expect(answer?.text).toMatch(/more than one recall takes: at most 1,000 MsgKeys/);
    expect(world.fakes.steps).toHaveLength(1);
  });

  it('answers a payload it cannot read, once', async () => {
    await run('help', { response_url: 'not a url' });
    expect(world.fakes.acks()).toEqual([
      { response_type: 'ephemeral', text: 'That command payload could not be read.' },
    ]);
  });

  it('answers a recall with its one confirmation, stored for the confirm button', async () => {
    const responseUrl = world.slack.responseUrl();
    await run(`${ACCOUNT} 71_1_1698741698, 72_1_1698741698 reason: by mistake`, {
      response_url: responseUrl,
      user_id: 'UMOD',
    });
    expect(world.fakes.steps.map((s) => s.kind)).toEqual(['ack']);
    const [answer] = world.fakes.acks() as {
      response_type: string;
      text: string;
      blocks: unknown;
    }[];
    expect(answer?.response_type).toBe('ephemeral');
    expect(answer?.text).toContain('Recall 2 messages of');
    const id = JSON.stringify(answer?.blocks).match(/"value":"([0-9a-f-]{36})"/)?.[1] ?? '';
    expect(await peekConfirmation(world.stores.once, id)).toEqual({
      account: ACCOUNT,
      msgKeys: ['71_1_1698741698', '72_1_1698741698'],
      reason: 'by mistake',
      requestedBy: 'UMOD',
      origin: { kind: 'command', channel: 'CWORK000001', responseUrl },
    });
  });

  it('answers that something failed when the confirmation cannot be stored', async () => {
    vi.spyOn(world.stores.once, 'putOnce').mockRejectedValueOnce(new Error('disk full'));
    await run(`${ACCOUNT} 71_1_1698741698`);
    expect(world.fakes.acks()).toEqual([{ response_type: 'ephemeral', text: SOMETHING_FAILED }]);
    expect(world.lines.map((l) => l.message)).toEqual(['/recall could not store its confirmation']);
  });

  it('opens the form on a bare /recall, after its ack, tied to a stored confirmation', async () => {
    await run('', { trigger_id: 'trigger-1', user_id: 'UMOD' });
    expect(world.fakes.steps.map((s) => (s.kind === 'call' ? s.method : s.kind))).toEqual([
      'ack',
      'views.open',
    ]);
    expect(world.fakes.acks()).toEqual([undefined]);
    const [open] = world.fakes.calls('views.open') as {
      trigger_id: string;
      view: Record<string, unknown>;
    }[];
    expect(open?.trigger_id).toBe('trigger-1');
    expect(open?.view.callback_id).toBe(RECALL_MODAL_ID);
    const id = modalConfirmationId(open?.view.private_metadata) ?? '';
    expect(await peekModalConfirmation(world.stores.once, id)).toMatchObject({
      requestedBy: 'UMOD',
      origin: { kind: 'command' },
    });
  });

  it('tells the person through the response URL when the form cannot be opened', async () => {
    world.fakes.failing.add('views.open');
    const responseUrl = world.slack.responseUrl('form');
    await run('', { response_url: responseUrl });
    expect(world.fakes.acks()).toEqual([undefined]);
    expect(world.slack.responses).toEqual([
      {
        id: 'form',
        body: { response_type: 'ephemeral', replace_original: true, text: SOMETHING_FAILED },
      },
    ]);
    expect(world.lines.map((l) => l.message)).toEqual(['/recall could not open its modal']);
  });
});
