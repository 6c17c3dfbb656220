/** The record of Web API calls, and `waitFor`'s account of the fake when a wait times out. */
import type { FakeSlack, OutageMode, RecordedCall } from './types.js';
import { isRecord, type Json } from './wire.js';

export class CallLog {
  /** Every Web API call in order of answer, rejected ones included. */
  readonly calls: RecordedCall[] = [];

  record(method: string, args: Json, status: number, result: Json): void {
    const call: RecordedCall = { method, args, at: Date.now(), status, ok: result.ok === true };
    if (typeof result.error === 'string') call.error = result.error;
    const meta = result.response_metadata;
    if (isRecord(meta) && Array.isArray(meta.messages)) call.messages = meta.messages.map(String);
    this.calls.push(call);
  }

  /** The last `n` calls, one line each: method, status, and why it failed. */
  private lastLines(n: number): string[] {
    return this.calls
      .slice(-n)
      .map(
        (c) =>
          `  ${c.method} → ${c.status}${c.ok ? ' ok' : ` ${c.error ?? ''}`}` +
          (c.messages ? ` ${c.messages.join(' ')}` : ''),
      );
  }

  reset(): void {
    this.calls.length = 0;
  }

  /** Why a wait timed out: what `fake` holds, its last calls, what the predicate last threw. */
  explain(
    headline: string,
    lastError: unknown,
    fake: Pick<FakeSlack, 'messages' | 'responses' | 'refusedResponses' | 'views'>,
    outage: OutageMode,
  ): string {
    const last = this.lastLines(8);
    const lines = [
      `${headline}.`,
      `Fake Slack: ${this.calls.length} API calls, ${fake.messages.length} messages, ` +
        `${fake.responses.length} response_url posts, ${fake.views.length} views; ` +
        `outage ${JSON.stringify(outage)}.`,
    ];
    if (last.length > 0) lines.push('Last calls:', ...last);
    if (fake.refusedResponses.length > 0) {
      lines.push(
        `Refused response_url posts: ${fake.refusedResponses.map((r) => `${r.id} ${r.reason}`).join(', ')}`,
      );
    }
    if (lastError !== undefined) lines.push(`The predicate last threw: ${String(lastError)}`);
    return lines.join('\n');
  }
}

/**
 * Polls `predicate` until it holds; rejects after `timeoutMs` with `explain(lastError)`, where
 * `lastError` is what the predicate last threw (undefined when it last answered false).
 */
export async function pollUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  explain: (lastError: unknown) => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error(explain(lastError));
}
