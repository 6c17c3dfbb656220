import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { RecallHolds, RecallTakenOverError } from '../../../src/recall/holds.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';

describe('RecallHolds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recall-bot-holds-'));
  const store = new SqliteStore({ dataDir: dir });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job once per process, and lets go of it when the run ends', async () => {
    const holds = new RecallHolds(store.once, false, silentLogger);
    expect(await holds.take('j1')).toBe(true);
    expect(await holds.take('j1')).toBe(false);
    let ran = 0;
    await holds.run('j1', async () => {
      ran++;
    });
    expect(ran).toBe(1);
    expect(await holds.take('j1')).toBe(true);
  });

  it('with a shared store, lets one instance hold a job until it lets go', async () => {
    const a = new RecallHolds(store.once, true, silentLogger);
    const b = new RecallHolds(store.once, true, silentLogger);
    expect(await a.take('j2')).toBe(true);
    expect(await b.take('j2')).toBe(false);
    await expect(a.confirm('j2')).resolves.toBeUndefined();
    await expect(b.confirm('j2')).rejects.toThrow(/another replica/);
    await a.release('j2');
    expect(await b.take('j2')).toBe(true);
  });

  it('never takes a job back once it let go of it: another replica may have run it since', async () => {
    const a = new RecallHolds(store.once, true, silentLogger);
    const b = new RecallHolds(store.once, true, silentLogger);
    expect(await a.take('j3')).toBe(true);
    // A's lease went (lapsed, or A let go); B ran the job and finished it.
    await a.release('j3');
    expect(await b.take('j3')).toBe(true);
    await b.release('j3');
    // A, still running its old run, must not get the job back with its next check.
    expect(await a.holds('j3')).toBe(false);
    await expect(a.confirm('j3')).rejects.toThrow(RecallTakenOverError);
  });
});
