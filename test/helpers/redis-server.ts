import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './app.js';

/**
 * A `redis-server` of a test's own, on a free loopback port, persisting every write to an
 * append-only file in a temporary directory: it can be stopped and started again on the same
 * port and directory, as a Redis restart. Never the machine's shared Redis.
 */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>/0`. */
  readonly url: string;
  readonly port: number;
  /** The data directory (the AOF lives in it). */
  readonly dir: string;
  /** Whether the server process is up. */
  running(): boolean;
  /** What the server printed, for failure messages. */
  output(): string;
  /** SIGTERM, and waits for the process to exit (Redis fsyncs the AOF on the way out). */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** `stop()` then `start()`. */
  restart(): Promise<void>;
  /** Stops the server (SIGKILL if SIGTERM is not enough) and deletes its directory. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** One `PING` on a fresh connection: true only for `+PONG` (not `-LOADING`, not refused). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'recall-bot-redis-'));
  let child: ChildProcess | undefined;
  let log = '';

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      throw new Error('redis-server is already running');
    }
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
        '--maxmemory-policy',
        'noeviction',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    const collect = (data: Buffer) => {
      log += data.toString();
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const spawnError = new Promise<never>((_, reject) => proc.once('error', reject));
    spawnError.catch(() => undefined);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`redis-server exited at start:\n${log}`);
      }
      const ready = await Promise.race([ping(port), spawnError]);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not get ready:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = exitOf(proc);
    proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      proc.kill('SIGKILL');
      await exited;
      throw new Error(`redis-server did not stop on SIGTERM within ${STOP_TIMEOUT_MS} ms`);
    }
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    dir,
    running: () => Boolean(child && child.exitCode === null && child.signalCode === null),
    output: () => log,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      try {
        await stop();
      } catch {
        // Killed by stop() already; the directory goes anyway.
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
