import { chunk } from '../lib/lists.js';
import { backoffMs, sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import {
  type RecallApiAnswer,
  type TencentRestClient,
  TencentRestError,
} from '../tencent/rest/client.js';
import { isUserSigExpired } from '../tencent/rest/error-codes.js';
import { type RecallLimiter, RecallQueueFullError } from './limiter.js';
import { validateReason } from './parse.js';
import {
  failure,
  interruptionOf,
  isStopped,
  type KeyResult,
  mayHaveTakenEffect,
  NO_RESULT,
  unknownResult,
  type Verdict,
  verdictOfError,
  verdictOfRetCode,
} from './verdicts.js';

export { type KeyResult, NO_RESULT } from './verdicts.js';

/** Tencent's limit on `MsgKeyList`. */
export const MAX_KEYS_PER_REQUEST = 10;
export interface RecallInput {
  account: string;
  msgKeys: readonly string[];
  reason?: string | undefined;
}

export interface RecallDeps {
  client: Pick<TencentRestClient, 'recallOfficialAccountMessages'>;
  limiter: Pick<RecallLimiter, 'schedule'>;
  logger: Logger;
  /** Requests per group of ≤10 keys before a transient failure becomes the answer. */
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Called after each group of ≤10 keys has its final answer. */
  onProgress?: (done: number, total: number) => void;
  /** Results known from before (a resumed recall): those keys are never sent again. */
  known?: ReadonlyMap<string, KeyResult>;
  /** Keys an earlier, interrupted run sent without hearing back: a 10030 for them is told so. */
  uncertain?: ReadonlySet<string>;
  /** Called right before a request goes to Tencent (to record its keys as sent); may throw. */
  onSending?: (msgKeys: readonly string[]) => Promise<void>;
  /** Called with keys' final results as soon as they are known (never-sent keys are not). */
  onResults?: (results: readonly KeyResult[]) => Promise<void>;
}

/**
 * Recalls every key, ≤10 per request, every request through the limiter, and answers for
 * every key in input order (duplicates removed). A key whose result is known is never sent
 * again; transient failures are retried with backoff until `maxAttempts`.
 */
export async function recallMessages(input: RecallInput, deps: RecallDeps): Promise<KeyResult[]> {
  const problem = validateReason(input.reason);
  if (problem) throw new RangeError(problem);
  const keys = [...new Set(input.msgKeys)];
  const known = deps.known ?? new Map<string, KeyResult>();
  const groups = chunk(
    keys.filter((key) => !known.has(key)),
    MAX_KEYS_PER_REQUEST,
  );
  let done = 0;
  const settled = await Promise.allSettled(
    groups.map(async (group) => {
      const results = await recallGroup(input, group, deps);
      done += 1;
      try {
        deps.onProgress?.(done, groups.length);
      } catch (error) {
        deps.logger.warn('recall progress callback failed', { error });
      }
      return results;
    }),
  );
  // Every group has finished before an unexpected error surfaces: nothing keeps sending.
  const byKey = new Map<string, KeyResult>(known);
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    for (const result of outcome.value) byKey.set(result.msgKey, result);
  }
  return keys.map((key) => byKey.get(key)!);
}

/** One group of ≤10 keys, from its first request to a final answer for each key. */
async function recallGroup(
  input: RecallInput,
  group: readonly string[],
  deps: RecallDeps,
): Promise<KeyResult[]> {
  const { client, limiter } = deps;
  const maxAttempts = deps.maxAttempts ?? 6;
  const backoff = deps.backoff ?? { baseMs: 500, maxMs: 8000 };
  const log = deps.logger.child({ account: input.account });
  const attempts = new Map(group.map((key) => [key, 0]));
  /** Keys an earlier request may have recalled without telling (see `mayHaveTakenEffect`). */
  const uncertain = new Set<string>(group.filter((key) => deps.uncertain?.has(key)));
  const results = new Map<string, KeyResult>();
  /** Settled since the last `record()`: each key's result is stored as soon as it is known. */
  let settled: KeyResult[] = [];
  const settle = (key: string, given: Verdict) => {
    // A failure after a try that got no answer says nothing of that try: it may have recalled it.
    const verdict =
      uncertain.has(key) && !given.ok && !given.unknown
        ? {
            ...unknownResult(
              given.retCode,
              `an earlier try got no answer and may have recalled it; then: ${given.meaning}`,
            ),
            ...(given.notSent ? { notSent: true } : {}),
            ...(given.interrupted ? { interrupted: given.interrupted } : {}),
          }
        : given;
    const result = { msgKey: key, attempts: attempts.get(key) ?? 0, ...verdict };
    results.set(key, result);
    settled.push(result);
  };
  const record = async () => {
    const known = settled.filter((r) => !r.notSent);
    settled = [];
    if (known.length === 0 || !deps.onResults) return;
    try {
      await deps.onResults(known);
    } catch (error) {
      // The person is still told; only a crash before the end would ask again.
      log.warn('could not record recall results', { error, keys: known.length });
    }
  };

  let pending = [...group];
  let attempt = 0;
  let waitFirst = false;
  let userSigRenewed = false;
  while (pending.length > 0) {
    if (waitFirst) await sleep(backoffMs(attempt - 1, backoff.baseMs, backoff.maxMs));
    attempt += 1;
    const lastTry = attempt >= maxAttempts;
    const sent = pending;
    for (const key of sent) attempts.set(key, (attempts.get(key) ?? 0) + 1);

    let answer: RecallApiAnswer;
    let reached = false;
    try {
      answer = await limiter.schedule(async () => {
        await deps.onSending?.(sent);
        reached = true;
        return client.recallOfficialAccountMessages({
          account: input.account,
          msgKeys: sent,
          reason: input.reason,
        });
      });
    } catch (error) {
      if (error instanceof RecallQueueFullError) {
        for (const key of sent)
          settle(key, { ...failure(NO_RESULT, error.message, true), notSent: true });
        await record();
        break;
      }
      if (!(error instanceof TencentRestError)) {
        // Not Tencent's answer (the limiter stopped or lost Redis, a bug): only this request has
        // no result, and the other requests' results stand.
        const message = error instanceof Error ? error.message : String(error);
        log.warn('recall request failed before Tencent answered', { error, reached, attempt });
        if (reached) for (const key of sent) uncertain.add(key);
        if (!lastTry && !isStopped(error)) {
          waitFirst = true;
          continue;
        }
        const verdict: Verdict = reached
          ? unknownResult(NO_RESULT, `no result (${message}): it may have been recalled`)
          : {
              ...failure(NO_RESULT, `not sent (${message})`, true),
              notSent: true,
              interrupted: interruptionOf(error),
            };
        for (const key of sent) settle(key, verdict);
        await record();
        break;
      }
      const expiredSig = error.errorCode !== undefined && isUserSigExpired(error.errorCode);
      // The client has already dropped the UserSig; the next request signs a fresh one.
      if (expiredSig && !userSigRenewed && !lastTry) {
        userSigRenewed = true;
        waitFirst = false;
        log.warn('tencent says the UserSig expired; retrying with a fresh one');
        continue;
      }
      if (mayHaveTakenEffect(error)) for (const key of sent) uncertain.add(key);
      if (error.transient && !lastTry) {
        waitFirst = true;
        log.warn('recall request failed; will retry', {
          attempt,
          keys: sent.length,
          kind: error.kind,
          errorCode: error.errorCode,
          status: error.status,
        });
        continue;
      }
      for (const key of sent) settle(key, verdictOfError(error));
      await record();
      break;
    }

    const retCodes = new Map(answer.RecallRetList?.map((r) => [r.MsgKey, r.RetCode]));
    pending = [];
    for (const key of sent) {
      const retCode = retCodes.get(key);
      // An OK without this key's result says nothing of it: asked again, it answers for itself.
      if (retCode === undefined) {
        uncertain.add(key);
        if (lastTry) {
          settle(
            key,
            unknownResult(
              NO_RESULT,
              'Tencent answered without a result for this message: it may have been recalled',
            ),
          );
        } else {
          pending.push(key);
        }
        continue;
      }
      const verdict = verdictOfRetCode(retCode, lastTry, uncertain.has(key));
      if (verdict) settle(key, verdict);
      else pending.push(key);
    }
    await record();
    waitFirst = true;
    if (pending.length > 0) log.warn('some keys failed transiently; will retry', { attempt });
  }
  return group.map((key) => results.get(key)!);
}
