import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { freePort, postWebhook, startTestApp, testEnv } from '../helpers/app.js';
import { c2cOf, showing } from '../helpers/feed.js';
import { runEntryPoint } from '../helpers/process.js';
import { c2cEvent } from '../helpers/store-contract/events.js';

/** A small file system of its own (tmpfs), so the disk can really be filled. Needs root. */
function smallDisk(sizeKb: number, options = ''): { dir: string; release: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'recall-bot-disk-'));
  execFileSync('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${sizeKb}k${options ? `,${options}` : ''}`,
    'tmpfs',
    dir,
  ]);
  return {
    dir,
    release: () => {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes zeros until the file system is full; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full.
  }
  for (const size of [4096, 512, 1]) {
    try {
      for (;;) writeSync(fd, chunk.subarray(0, size));
    } catch {
      // full at this size too
    }
  }
  closeSync(fd);
  return path;
}

/** The app as a process that is expected to refuse to start: its exit code and output. */
async function startFailing(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return runEntryPoint('src/main.ts', [], { ...env, PORT: String(await freePort()) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('storage faults: disk full and an unwritable DATA_DIR', () => {
  let slack: FakeSlack;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('answers 500 (never OK) while the disk is full, says so on /healthz, and recovers by itself', async () => {
    const disk = smallDisk(2048);
    cleanups.push(disk.release);
    const app = await startTestApp(testEnv(slack.apiUrl, { DATA_DIR: join(disk.dir, 'data') }));
    try {
      const filler = fill(disk.dir);
      const answered: { key: string; status: number }[] = [];
      for (let i = 0; i < 300 && !answered.some((a) => a.status === 500); i++) {
        const key = `full-${i}_1_1`;
        const res = await postWebhook(app.url, { ...c2cOf(key), From_Account: 'x'.repeat(200) });
        answered.push({ key, status: res.status });
        expect([200, 500]).toContain(res.status);
      }
      expect(answered.some((a) => a.status === 500)).toBe(true);
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.text()).toMatch(/cannot write to DATA_DIR: the disk is full/);

      rmSync(filler);
      await slack.waitFor(async () => (await fetch(`${app.url}/healthz`)).status === 200, 10_000);
      const after = await postWebhook(app.url, c2cOf('after-full_1_1'));
      expect(after.status).toBe(200);
      answered.push({ key: 'after-full_1_1', status: 200 });
      await slack.waitFor(async () => (await app.store.queue.pendingCount()) === 0, 10_000);
      await sleep(300);
      // Everything answered OK is in Slack, once; nothing answered 500 is.
      for (const { key, status } of answered) {
        expect(showing(slack, key), key).toHaveLength(status === 200 ? 1 : 0);
      }
    } finally {
      await app.stop();
    }
  });

  it.each([
    [
      'under a file',
      (dir: string) => {
        writeFileSync(join(dir, 'file'), 'x');
        return join(dir, 'file', 'data');
      },
      /DATA_DIR \S+ cannot be used: a part of the path is a file, not a folder/,
    ],
    [
      'on a full disk',
      (dir: string) => {
        fill(dir);
        return join(dir, 'data');
      },
      /DATA_DIR \S+ cannot be used: (the disk is full|no space left on the device)/,
    ],
    [
      'on a read-only file system',
      (dir: string) => {
        mkdirSync(join(dir, 'data'));
        execFileSync('mount', ['-o', 'remount,ro', dir]);
        return join(dir, 'data');
      },
      /DATA_DIR \S+ cannot be used: (the file system is read-only|the database file cannot be opened or created there|the database file is read-only)/,
    ],
    [
      // Node's recursive mkdir spins for ever there (mkdir answers ENOENT under /proc).
      'under /proc, where no folder can be made',
      () => '/proc/recall-bot-test/data',
      /DATA_DIR \/proc\/recall-bot-test\/data cannot be used: a folder on the path does not exist or cannot be created/,
    ],
  ])(
    'refuses to start with DATA_DIR %s, naming the variable and the cause',
    async (_how, prepare, message) => {
      const disk = smallDisk(1024);
      cleanups.push(disk.release);
      const dataDir = prepare(disk.dir);
      const { code, output } = await startFailing(testEnv(slack.apiUrl, { DATA_DIR: dataDir }));
      expect(code).toBe(1);
      expect(output).toMatch(message);
      expect(output.trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('storage faults: SQLite locked by another process', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function lockedStore() {
    const dir = mkdtempSync(join(tmpdir(), 'recall-bot-lock-'));
    dirs.push(dir);
    const errors: unknown[] = [];
    const store = new SqliteStore({ dataDir: dir, onError: (error) => errors.push(error) });
    const lock = new Database(join(dir, 'recall-bot.sqlite'));
    lock.exec('BEGIN EXCLUSIVE');
    const unlock = () => {
      lock.exec('ROLLBACK');
      lock.close();
    };
    return { store, errors, unlock };
  }

  it('prunes on the writer thread: a lock is reported, never thrown', async () => {
    const { store, errors, unlock } = lockedStore();
    await expect(store.prune()).resolves.toBeUndefined();
    expect(String(errors[0])).toContain('database is locked');
    unlock();
    await store.close();
  });

  it('answers a duplicate only once the first copy is committed; a failed first copy leaves room for the next', async () => {
    const { store, unlock } = lockedStore();
    const results = await Promise.allSettled([
      store.queue.enqueue('same', c2cEvent('a')),
      store.queue.enqueue('same', c2cEvent('a')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    unlock();
    expect(await store.queue.enqueue('same', c2cEvent('a'))).toBe(true);
    expect(await store.queue.enqueue('same', c2cEvent('a'))).toBe(false);
    expect(await store.queue.pendingCount()).toBe(1);
    await store.close();
  });

  it('keeps no dedupe key of an event it could not serialize', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recall-bot-lock-'));
    dirs.push(dir);
    const store = new SqliteStore({ dataDir: dir });
    let nested: unknown = [];
    for (let i = 0; i < 20_000; i++) nested = [nested];
    const hostile = { ...c2cEvent('deep'), extra: nested } as unknown as ReturnType<
      typeof c2cEvent
    >;
    await expect(store.queue.enqueue('deep', hostile)).rejects.toThrow();
    expect(await store.queue.enqueue('deep', c2cEvent('deep'))).toBe(true);
    await store.close();
  });
});
