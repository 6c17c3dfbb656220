/** Answers withheld after the call took effect, as Slack's are when the app is killed mid-call. */
import type { ServerResponse } from 'node:http';
import { canAnswer } from './wire.js';

export interface HeldAnswers {
  /** Calls performed (their effect is done: the message exists) whose answer is withheld. */
  readonly count: number;
  /** Resolves once `n` calls are being held; rejects after timeoutMs (default 5000). */
  waitForHeld(n?: number, timeoutMs?: number): Promise<void>;
  /** Answers every held call now and stops holding further calls. */
  release(): void;
}

interface HeldAnswer {
  res: ServerResponse;
  answer: () => void;
}

class MethodHold implements HeldAnswers {
  private readonly held: HeldAnswer[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly method: string,
    private readonly stop: () => void,
  ) {}

  get count(): number {
    return this.held.length;
  }

  keep(res: ServerResponse, answer: () => void): void {
    this.held.push({ res, answer });
    for (const wake of [...this.waiters]) wake();
  }

  waitForHeld(n = 1, timeoutMs = 5000): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (this.count < n) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `waitForHeld(${n}) timed out after ${timeoutMs} ms: ${this.count} ${this.method} held`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }

  release(): void {
    this.stop();
    // A client that hung up meanwhile (killed) gets nothing; the call's effect stays.
    for (const { res, answer } of this.held.splice(0)) if (canAnswer(res)) answer();
  }

  /** Hangs up on every held call without answering (the server is closing). */
  drop(): void {
    this.stop();
    for (const { res } of this.held.splice(0)) res.destroy();
  }
}

export class AnswerHolds {
  private readonly holds = new Map<string, MethodHold>();

  hold(method: string): HeldAnswers {
    const existing = this.holds.get(method);
    if (existing) return existing;
    const created: MethodHold = new MethodHold(method, () => {
      if (this.holds.get(method) === created) this.holds.delete(method);
    });
    this.holds.set(method, created);
    return created;
  }

  /** Withholds `answer` when `method` is held; false when it is not (answer now). */
  keep(method: string, res: ServerResponse, answer: () => void): boolean {
    const hold = this.holds.get(method);
    if (!hold) return false;
    hold.keep(res, answer);
    return true;
  }

  releaseAll(): void {
    for (const hold of [...this.holds.values()]) hold.release();
  }

  dropAll(): void {
    for (const hold of [...this.holds.values()]) hold.drop();
  }
}
