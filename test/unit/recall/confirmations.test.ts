import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConfirmation,
  createModalConfirmation,
  modalConfirmationId,
  peekConfirmation,
  peekModalConfirmation,
  takeConfirmation,
  takeModalConfirmation,
} from '../../../src/recall/confirmations.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';

describe('confirmations', () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'recall-bot-confirm-'));
    store = new SqliteStore({ dataDir: dir });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const origin = {
    kind: 'command' as const,
    channel: 'C1',
    responseUrl: 'https://hooks.slack.com/x',
  };

  it("takes a modal's confirmation once, after any number of reads", async () => {
    const metadata = await createModalConfirmation(store.once, { requestedBy: 'U1', origin });
    const id = modalConfirmationId(metadata) ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await peekModalConfirmation(store.once, id)).toEqual({ requestedBy: 'U1', origin });
    expect(await peekModalConfirmation(store.once, id)).toBeDefined();
    const taken = await Promise.all([
      takeModalConfirmation(store.once, id),
      takeModalConfirmation(store.once, id),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await peekModalConfirmation(store.once, id)).toBeUndefined();
  });

  it('keeps modal and button confirmations apart: one ID is never the other', async () => {
    const buttonId = await createConfirmation(store.once, {
      account: '@TOA#_A',
      msgKeys: ['1_1_1'],
      requestedBy: 'U1',
      origin,
    });
    expect(await peekModalConfirmation(store.once, buttonId)).toBeUndefined();
    expect(await takeModalConfirmation(store.once, buttonId)).toBeUndefined();
    const modalId = modalConfirmationId(
      await createModalConfirmation(store.once, { requestedBy: 'U1', origin }),
    );
    expect(await peekConfirmation(store.once, modalId ?? '')).toBeUndefined();
    expect(await takeConfirmation(store.once, buttonId)).toBeDefined();
  });

  it.each<[string, unknown]>([
    ['not JSON', 'nope'],
    ['empty', ''],
    ['JSON null', 'null'],
    ['an origin instead', JSON.stringify(origin)],
    ['an ID that is not a UUID', JSON.stringify({ confirmation: '../x' })],
    ['an uppercase UUID', JSON.stringify({ confirmation: crypto.randomUUID().toUpperCase() })],
    ['a number', 5],
    ['an object', { confirmation: crypto.randomUUID() }],
    ['too long', JSON.stringify({ confirmation: 'a'.repeat(10_000) })],
  ])('names no confirmation when private_metadata is %s', (_what, metadata) => {
    expect(modalConfirmationId(metadata)).toBeUndefined();
  });
});
