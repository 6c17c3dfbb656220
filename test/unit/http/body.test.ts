import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyBudget, BodyError, type BodyRefusal, readBody } from '../../../src/http/body.js';

describe('BodyBudget', () => {
  it('counts what it gives out, and refuses (counting nothing) what would go over', () => {
    const budget = new BodyBudget(10);
    expect(budget.take(6)).toBe(true);
    expect(budget.take(5)).toBe(false);
    expect(budget.inUse()).toBe(6);
    expect(budget.take(4)).toBe(true);
    expect(budget.inUse()).toBe(10);
    budget.give(10);
    expect(budget.inUse()).toBe(0);
  });

  it('never counts below nothing', () => {
    const budget = new BodyBudget(10);
    budget.give(3);
    expect(budget.inUse()).toBe(0);
    expect(budget.take(10)).toBe(true);
  });
});

/** Why `readBody` refused: the one place that reads a `BodyError`'s reason. */
function refusalOf(error: unknown): BodyRefusal | undefined {
  return error instanceof BodyError ? error.code : undefined;
}

type Outcome =
  | { body: Buffer; release: () => void; refusal?: undefined }
  | { refusal: BodyRefusal | undefined; message: string };

describe('readBody', () => {
  /** Reads each request's body with `reader` and hands the outcome to the waiting test. */
  let server: Server;
  let port: number;
  let reader: (req: IncomingMessage) => Promise<{ body: Buffer; release: () => void }>;
  const outcomes: ((outcome: Outcome) => void)[] = [];

  const nextOutcome = () =>
    new Promise<Outcome>((resolve) => {
      outcomes.push(resolve);
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const settle = outcomes.shift();
      reader(req).then(
        (read) => {
          settle?.(read);
          res.end('read');
        },
        (error: unknown) => {
          settle?.({ refusal: refusalOf(error), message: String(error) });
          if (!res.destroyed) res.end('refused');
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A POST whose body is written as `chunks`, `gapMs` apart; no content-length unless given. */
  function post(chunks: string[], options: { length?: number; gapMs?: number } = {}) {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      headers: options.length === undefined ? {} : { 'content-length': options.length },
    });
    req.on('error', () => {});
    req.on('response', (res) => res.resume());
    void (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        req.write(chunk);
        if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
      }
      if (!req.destroyed) req.end();
    })();
    return req;
  }

  it('reads a body whole, counted in the budget until it is released (once)', async () => {
    const budget = new BodyBudget(1_000);
    reader = (req) => readBody(req, 100, budget);
    const outcome = nextOutcome();
    post(['hello ', 'world']);
    const read = await outcome;
    if (read.refusal !== undefined || !('body' in read)) throw new Error('refused');
    expect(read.body.toString()).toBe('hello world');
    expect(budget.inUse()).toBe(11);
    read.release();
    read.release();
    expect(budget.inUse()).toBe(0);
  });

  it('refuses a declared length over the limit before reading a byte', async () => {
    const budget = new BodyBudget(1_000);
    reader = (req) => readBody(req, 10, budget);
    const outcome = nextOutcome();
    post(['x'.repeat(20)], { length: 20 });
    expect(await outcome).toMatchObject({ refusal: 'too_large' });
    expect(budget.inUse()).toBe(0);
  });

  it('refuses a body that grows over the limit as it arrives, and gives its bytes back', async () => {
    const budget = new BodyBudget(1_000);
    reader = (req) => readBody(req, 10, budget);
    const outcome = nextOutcome();
    post(['12345', '67890', 'more'], { gapMs: 5 });
    expect(await outcome).toMatchObject({ refusal: 'too_large' });
    expect(budget.inUse()).toBe(0);
  });

  it('refuses a body the shared budget has no room for', async () => {
    const budget = new BodyBudget(8);
    expect(budget.take(5)).toBe(true);
    reader = (req) => readBody(req, 100, budget);
    const outcome = nextOutcome();
    post(['1234567890']);
    expect(await outcome).toMatchObject({ refusal: 'busy' });
    expect(budget.inUse()).toBe(5);
  });

  it('refuses a body trickled in too slowly, and gives back what it held', async () => {
    const budget = new BodyBudget(1_000);
    reader = (req) => readBody(req, 100, budget, 100);
    const outcome = nextOutcome();
    const req = post(['a', 'b', 'c', 'd', 'e', 'f'], { gapMs: 60 });
    const refused = await outcome;
    expect(refused).toMatchObject({ refusal: 'slow' });
    expect(budget.inUse()).toBe(0);
    req.destroy();
  });

  it('says a body was cut off when the client goes away half-way', async () => {
    const budget = new BodyBudget(1_000);
    reader = (req) => readBody(req, 100, budget);
    const outcome = nextOutcome();
    const req = post(['half a bo'], { length: 50 });
    setTimeout(() => req.destroy(), 50);
    expect(await outcome).toMatchObject({ refusal: 'cut_off' });
    expect(budget.inUse()).toBe(0);
  });
});
