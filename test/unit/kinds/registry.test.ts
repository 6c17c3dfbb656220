import { describe, expect, it } from 'vitest';
import {
  isHandledCommand,
  KINDS,
  kindByCommand,
  kindOf,
  webhookBodySchema,
} from '../../../src/kinds/registry.js';
import { samples } from '../../helpers/tencent-samples.js';

const COMMANDS = [
  'C2C.CallbackAfterMsgWithDraw',
  'Group.CallbackAfterRecallMsg',
  'OfficialAccount.CallbackAfterMsgWithDraw',
  'OfficialAccount.CallbackAfterSendMsg',
] as const;

describe('the registry of kinds', () => {
  it('maps every handled command to the kind whose command it is', () => {
    expect(KINDS.map((kind) => kind.command)).toEqual(COMMANDS);
    for (const command of COMMANDS) {
      expect(isHandledCommand(command)).toBe(true);
      expect(kindByCommand(command).command).toBe(command);
    }
  });

  it('handles no other command, nor what Object inherits', () => {
    for (const command of [
      '',
      'Group.CallbackAfterSendMsg',
      'C2C.CallbackBeforeSendMsg',
      'c2c.callbackaftermsgwithdraw',
      'constructor',
      '__proto__',
      'toString',
    ]) {
      expect(isHandledCommand(command), command).toBe(false);
    }
  });

  it('finds the kind of a body by its command', () => {
    for (const body of Object.values(samples)) {
      const parsed = webhookBodySchema.parse(body);
      expect(kindOf(parsed).command).toBe(body.CallbackCommand);
    }
  });

  it("parses each sample with its kind's schema, and refuses a command no kind has", () => {
    expect(webhookBodySchema.parse(samples.group)).toEqual(
      kindByCommand('Group.CallbackAfterRecallMsg').schema.parse(samples.group),
    );
    expect(
      webhookBodySchema.safeParse({ ...samples.c2c, CallbackCommand: 'C2C.Other' }).success,
    ).toBe(false);
  });
});
