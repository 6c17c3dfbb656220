import type { IncomingMessage } from 'node:http';
import { CodedError } from '../lib/errors.js';

/** Bytes of request bodies one budget lets be held in memory at once (the webhook's). */
export const MAX_BODY_BYTES_IN_FLIGHT = 16 * 1024 * 1024;

/** A body not sent whole within this long is refused: Tencent and Slack send small bodies at once. */
export const BODY_TIMEOUT_MS = 10_000;

/** Why a body was not read. */
export type BodyRefusal = 'too_large' | 'busy' | 'slow' | 'cut_off';

/** The answer each refusal is; a body cut off has nobody left to answer. */
const STATUS_OF: Record<BodyRefusal, number | undefined> = {
  too_large: 413,
  busy: 503,
  slow: 408,
  cut_off: undefined,
};

/** A body that was not read: its `code` says why, its `status` how to answer (none: cut off). */
export class BodyError extends CodedError<BodyRefusal> {
  constructor(refusal: BodyRefusal, message: string) {
    super(refusal, message, { status: STATUS_OF[refusal] });
  }
}

/**
 * The memory the request bodies of a route may take (the webhook has one, Slack another, since
 * Slack's callers can only be checked once their bodies are read): a body is counted while it is read
 * and handled, and one that would go over is refused (503) instead of buffered, so many large
 * bodies at once cannot grow the process without bound.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly maxBytes = MAX_BODY_BYTES_IN_FLIGHT) {}

  /** Counts `bytes` more; false (and nothing counted) when that would go over. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  inUse(): number {
    return this.used;
  }
}

/**
 * Reads a request body of at most `limit` bytes within `budget`. A declared `content-length` over
 * the limit is refused before a byte is read; the bytes are counted as they arrive and given back
 * by the returned `release` (call it once the body is no longer needed). Throws `BodyError`; the
 * rest of a refused body is drained, not buffered.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  budget: BodyBudget,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<{ body: Buffer; release: () => void }> {
  return new Promise((resolve, reject) => {
    let counted = 0;
    let settled = false;
    // A body trickled in holds its share of the budget: it gets `timeoutMs` to arrive whole.
    const timer = setTimeout(
      () => fail('slow', `the body did not arrive within ${timeoutMs / 1000} s`),
      timeoutMs,
    );
    const fail = (refusal: BodyRefusal, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      budget.give(counted);
      counted = 0;
      req.removeAllListeners('data');
      req.resume();
      reject(new BodyError(refusal, message));
    };
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return fail('too_large', `body exceeds ${limit} bytes`);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (counted + chunk.length > limit) return fail('too_large', `body exceeds ${limit} bytes`);
      if (!budget.take(chunk.length)) return fail('busy', 'too many request bodies at once');
      counted += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      let released = false;
      const total = counted;
      resolve({
        body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        release: () => {
          if (released) return;
          released = true;
          budget.give(total);
        },
      });
    });
    req.on('error', () => fail('cut_off', 'the request was cut off'));
    // Cut off half-way (client gone, server stopping): nothing to handle, nobody to answer.
    req.on('close', () => {
      if (!req.complete) fail('cut_off', 'the request was cut off');
    });
  });
}
