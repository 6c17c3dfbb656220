import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OnceStore } from '../store/once.js';

/** A recall cannot be undone: an unconfirmed one lapses after this long. */
export const CONFIRMATION_TTL_MS = 30 * 60 * 1000;

/** Where a recall started, so its results go back there (SPEC: Recall). */
export const recallOriginSchema = z.discriminatedUnion('kind', [
  /** `/recall …` (or its modal): results to the command's response_url. */
  z.object({ kind: z.literal('command'), channel: z.string(), responseUrl: z.string().url() }),
  /** The message shortcut: ephemeral in its channel, or a direct message. */
  z.object({ kind: z.literal('shortcut'), channel: z.string().optional() }),
  /** A feed post's Recall button: in the post's thread. */
  z.object({ kind: z.literal('feed'), channel: z.string(), threadTs: z.string() }),
]);

export const pendingRecallSchema = z.object({
  account: z.string(),
  msgKeys: z.array(z.string()).min(1),
  reason: z.string().optional(),
  requestedBy: z.string(),
  origin: recallOriginSchema,
  /** Keys an earlier recall sent without an answer (Retry failed): a 10030 is told so. */
  uncertain: z.array(z.string()).optional(),
});

export type RecallOrigin = z.infer<typeof recallOriginSchema>;
export type PendingRecall = z.infer<typeof pendingRecallSchema>;

const keyOf = (id: string) => `confirm:${id}`;
const modalKeyOf = (id: string) => `confirm-modal:${id}`;
/** What `randomUUID()` makes; anything else is no confirmation of ours, and is not looked up. */
const isConfirmationId = (id: string) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(id);

/** Stores what a confirmation button will do; the button carries only the returned ID. */
export async function createConfirmation(once: OnceStore, pending: PendingRecall): Promise<string> {
  const id = randomUUID();
  await once.putOnce(keyOf(id), JSON.stringify(pending), CONFIRMATION_TTL_MS);
  return id;
}

function readStored<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stored confirmation read through `read` (a peek, or a take that uses it up); undefined when
 * `id` is none we could have made, or nothing readable is stored under it.
 */
async function readConfirmation<T>(
  read: (key: string) => Promise<string | undefined>,
  key: string,
  id: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  if (!isConfirmationId(id)) return undefined;
  return readStored(schema, await read(key));
}

/** Reads a confirmation without using it up (to authorize the clicker first). */
export function peekConfirmation(once: OnceStore, id: string): Promise<PendingRecall | undefined> {
  return readConfirmation((key) => once.peekOnce(key), keyOf(id), id, pendingRecallSchema);
}

/** Takes a confirmation; a second click (or one after 30 minutes) gets `undefined`. */
export function takeConfirmation(once: OnceStore, id: string): Promise<PendingRecall | undefined> {
  return readConfirmation((key) => once.takeOnce(key), keyOf(id), id, pendingRecallSchema);
}

/**
 * The confirmation behind "Retry failed": the keys that failed transiently, with those whose
 * result is unknown marked as such. Undefined when none can be retried or it cannot be stored.
 */
export async function createRetryConfirmation(
  once: OnceStore,
  pending: PendingRecall,
  results: readonly { msgKey: string; ok: boolean; transient: boolean; unknown: boolean }[],
  requestedBy: string,
): Promise<string | undefined> {
  const retryable = results.filter((r) => !r.ok && r.transient).map((r) => r.msgKey);
  if (retryable.length === 0) return undefined;
  return createConfirmation(once, {
    ...pending,
    msgKeys: retryable,
    uncertain: results.filter((r) => r.unknown).map((r) => r.msgKey),
    requestedBy,
  }).catch(() => undefined);
}

/**
 * A modal's submit button is its confirmation: stored when the modal opens (who opened it, where
 * the answers go), named in the modal's `private_metadata`, taken once by its submission.
 */
export const modalConfirmationSchema = z.object({
  requestedBy: z.string(),
  origin: recallOriginSchema,
});

export type ModalConfirmation = z.infer<typeof modalConfirmationSchema>;

const modalMetadataSchema = z.object({ confirmation: z.string().max(64) });

/** Stores a modal's confirmation; the result goes in the modal's `private_metadata`. */
export async function createModalConfirmation(
  once: OnceStore,
  modal: ModalConfirmation,
): Promise<string> {
  const id = randomUUID();
  await once.putOnce(modalKeyOf(id), JSON.stringify(modal), CONFIRMATION_TTL_MS);
  return JSON.stringify({ confirmation: id });
}

/** The confirmation ID a modal's `private_metadata` names; undefined when it names none. */
export function modalConfirmationId(privateMetadata: unknown): string | undefined {
  if (typeof privateMetadata !== 'string') return undefined;
  const parsed = readStored(modalMetadataSchema, privateMetadata);
  return parsed && isConfirmationId(parsed.confirmation) ? parsed.confirmation : undefined;
}

/** Reads a modal's confirmation without using it up (to authorize the submitter first). */
export function peekModalConfirmation(
  once: OnceStore,
  id: string,
): Promise<ModalConfirmation | undefined> {
  return readConfirmation((key) => once.peekOnce(key), modalKeyOf(id), id, modalConfirmationSchema);
}

/** Takes a modal's confirmation: its first submission gets it, a replay `undefined`. */
export function takeModalConfirmation(
  once: OnceStore,
  id: string,
): Promise<ModalConfirmation | undefined> {
  return readConfirmation((key) => once.takeOnce(key), modalKeyOf(id), id, modalConfirmationSchema);
}
