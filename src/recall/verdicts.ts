import type { TencentRestError } from '../tencent/rest/client.js';
import { isTransient, meaningOf } from '../tencent/rest/error-codes.js';
import { RecallTakenOverError } from './holds.js';
import { RecallLimiterError } from './limiter.js';

/** What becomes of keys: Tencent's answers (or their absence) read as results. */

/** The RetCode reported for a key Tencent gave no result for (network, HTTP error, queue full). */
export const NO_RESULT = -1;

/** The outcome of one MsgKey. */
export interface KeyResult {
  msgKey: string;
  /** Tencent said, for this key, that it is recalled. */
  ok: boolean;
  /**
   * Tencent never said what became of this key (no per-key result, an answer that could not be
   * read, no answer): it may or may not be recalled. Never shown as recalled, nor as failed.
   */
  unknown: boolean;
  /** Tencent's per-key RetCode, its top-level ErrorCode, or `NO_RESULT`. */
  retCode: number;
  meaning: string;
  /** Not recalled, but a later try may succeed ("retry failed"). */
  transient: boolean;
  /** How many requests carried this key. */
  attempts: number;
  /** Never sent (the limiter refused it: the app stopping, Redis lost): nothing is known. */
  notSent?: boolean;
  /**
   * Never sent because our side could not send it, not because of the key: the job keeps it
   * and sends it when it resumes. Why: the app was stopping, the rate limiter could not be
   * reached, or the request could not be recorded before it went.
   */
  interrupted?: Interruption;
}

export type Interruption = 'stopping' | 'limiter' | 'storage' | 'taken-over';

/** Why a request that never reached Tencent was not sent. */
export function interruptionOf(error: unknown): Interruption {
  if (error instanceof RecallTakenOverError) return 'taken-over';
  if (error instanceof RecallLimiterError) {
    return error.code === 'closed' ? 'stopping' : 'limiter';
  }
  return 'storage';
}

export type Verdict = Omit<KeyResult, 'msgKey' | 'attempts'>;

const recalled: Verdict = {
  ok: true,
  unknown: false,
  retCode: 0,
  meaning: 'recalled',
  transient: false,
};

export const failure = (retCode: number, meaning: string, transient: boolean): Verdict => ({
  ok: false,
  unknown: false,
  retCode,
  meaning,
  transient,
});

export const unknownResult = (retCode: number, meaning: string): Verdict => ({
  ok: false,
  unknown: true,
  retCode,
  meaning,
  transient: true,
});

/** Tencent's "no such message": after an unanswered try, most likely that try recalled it. */
const NOT_FOUND = 10030;

/**
 * Whether a request that failed this way may still have reached Tencent and recalled its keys:
 * no answer, or an answer that could not be read. A top-level FAIL was certainly not carried out.
 */
export function mayHaveTakenEffect(error: TencentRestError): boolean {
  return (
    error.kind !== 'api' &&
    !(error.kind === 'http' && error.status !== undefined && error.status < 500)
  );
}

/** The limiter takes no more work (the app is stopping), or the job went to another replica: retrying here cannot help. */
export function isStopped(error: unknown): boolean {
  return (
    (error instanceof RecallLimiterError && error.code === 'closed') ||
    error instanceof RecallTakenOverError
  );
}

/** What a whole-request failure means for each of its keys. */
export function verdictOfError(error: TencentRestError): Verdict {
  if (mayHaveTakenEffect(error)) {
    return unknownResult(
      NO_RESULT,
      `no result from Tencent (${error.message}): it may have been recalled`,
    );
  }
  return error.errorCode === undefined
    ? failure(NO_RESULT, error.message, error.transient)
    : failure(error.errorCode, meaningOf(error.errorCode), error.transient);
}

/**
 * What a per-key RetCode means, or undefined when the key is worth another request. `uncertain`:
 * an earlier request with this key got no result for it.
 */
export function verdictOfRetCode(
  retCode: number,
  lastTry: boolean,
  uncertain: boolean,
): Verdict | undefined {
  if (retCode === 0) return recalled;
  if (retCode === NOT_FOUND && uncertain) {
    return unknownResult(
      NOT_FOUND,
      'not found now — most likely recalled by an earlier try that got no answer',
    );
  }
  if (isTransient(retCode) && !lastTry) return undefined;
  return failure(retCode, meaningOf(retCode), isTransient(retCode));
}
