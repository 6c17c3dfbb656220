/**
 * Every kind of Tencent callback the app handles, by `CallbackCommand`. Adding a kind: its
 * module in `kinds/`, and a line in {@link KINDS}.
 */
import { z } from 'zod';
import { c2cRecall } from './c2c-recall.js';
import { groupRecall } from './group-recall.js';
import type { Kind } from './kind.js';
import { officialRecall } from './official-recall.js';
import { officialSend } from './official-send.js';

export const KINDS = [c2cRecall, groupRecall, officialRecall, officialSend] as const;

/** The schemas of a tuple of kinds, as a tuple (`map` gives an array; the union wants the tuple). */
type Schemas<T extends readonly { schema: unknown }[]> = { [I in keyof T]: T[I]['schema'] };

/** Any accepted webhook body, told apart by its `CallbackCommand`. */
export const webhookBodySchema = z.discriminatedUnion(
  'CallbackCommand',
  KINDS.map((kind) => kind.schema) as unknown as Schemas<typeof KINDS>,
);

export type WebhookBody = z.infer<typeof webhookBodySchema>;
export type HandledCommand = WebhookBody['CallbackCommand'];

// Each kind is only ever given bodies of its own command (looked up by the body's), so it may
// stand as a kind of any body.
const byCommand: ReadonlyMap<string, Kind<WebhookBody>> = new Map(
  KINDS.map((kind): [string, Kind<WebhookBody>] => [kind.command, kind]),
);

export function isHandledCommand(command: string): command is HandledCommand {
  return byCommand.has(command);
}

/** The kind of a command the app handles. */
export function kindByCommand(command: HandledCommand): Kind<WebhookBody> {
  // A handled command is the command of one of KINDS: it has its entry.
  return byCommand.get(command)!;
}

/** The kind of an accepted body: what generic code asks about it. */
export function kindOf(body: WebhookBody): Kind<WebhookBody> {
  return kindByCommand(body.CallbackCommand);
}
