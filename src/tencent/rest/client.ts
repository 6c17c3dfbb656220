import { randomInt } from 'node:crypto';
import ky from 'ky';
import { z } from 'zod';
import { CodedError } from '../../lib/errors.js';
import { type Logger, redact } from '../../log.js';
import { isTransient, isUserSigExpired, meaningOf } from './error-codes.js';
import type { AdminUserSig } from './usersig.js';

export const RECALL_PATH = '/v4/official_account_open_http_svc/official_account_msg_recall';

/** A code as a number, or as a numeric string (`"0"`), as some gateways send it. */
const code = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,10}$/)
    .transform(Number),
]);

const recallAnswerSchema = z.object({
  ActionStatus: z.enum(['OK', 'FAIL']),
  ErrorCode: code,
  ErrorInfo: z.string().default(''),
  RecallRetList: z.array(z.object({ MsgKey: z.string(), RetCode: code })).optional(),
});

/** Tencent's answer to `official_account_msg_recall`, as it is on the wire. */
export type RecallApiAnswer = z.infer<typeof recallAnswerSchema>;

export interface RecallApiRequest {
  account: string;
  /** At most 10 per request (Tencent's limit; `recall/send.ts` splits). */
  msgKeys: readonly string[];
  /** At most 100 bytes of UTF-8. */
  reason?: string | undefined;
}

export type TencentRestErrorKind = 'http' | 'network' | 'timeout' | 'api' | 'bad_answer';

/** A `TencentRestError`'s code: `tencent_` and its kind. */
export type TencentRestErrorCode = `tencent_${TencentRestErrorKind}`;

/** A request that did not get an OK answer. The message never contains the UserSig. */
export class TencentRestError extends CodedError<TencentRestErrorCode> {
  readonly kind: TencentRestErrorKind;
  /** Tencent's numeric `ErrorCode` (kind `api`); `code` is the string code of every error. */
  readonly errorCode: number | undefined;
  /** Whether the same request may succeed later. */
  readonly transient: boolean;

  /** `status`: the HTTP status of Tencent's answer, when there was one. */
  constructor(
    message: string,
    details: {
      kind: TencentRestErrorKind;
      status?: number;
      errorCode?: number;
      transient: boolean;
    },
  ) {
    super(`tencent_${details.kind}`, redact(message), { status: details.status });
    this.kind = details.kind;
    this.errorCode = details.errorCode;
    this.transient = details.transient;
  }
}

export interface TencentRestClientOptions {
  /** e.g. `https://console.tim.qq.com`, or a fake's `http://127.0.0.1:port`. */
  origin: string;
  sdkAppId: number;
  /** The App admin account; the UserSig must be generated for it. */
  identifier: string;
  userSig: AdminUserSig;
  /** For the whole exchange, answer body included. */
  timeoutMs?: number;
  logger: Logger;
  fetch?: typeof fetch;
}

export interface TencentRestClient {
  /** One request, no retries: the caller retries through the rate limiter. */
  recallOfficialAccountMessages(request: RecallApiRequest): Promise<RecallApiAnswer>;
}

/** Describes a fetch failure without its URL; undici puts the useful part in `cause`. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return [error.message, cause?.message, typeof code === 'string' ? code : undefined]
    .filter(Boolean)
    .join(': ');
}

export function createTencentRestClient(options: TencentRestClientOptions): TencentRestClient {
  const { sdkAppId, identifier, userSig, logger } = options;
  const origin = options.origin.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Retries are ours (through the limiter, per key); ky must neither retry nor throw on status.
  const http = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function exchange(url: string, body: unknown): Promise<{ status: number; text: string }> {
    // One deadline for headers and body: ky's own timeout stops at the headers.
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await http.post(url, { json: body, signal });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (signal.aborted) {
        throw new TencentRestError(`Tencent did not answer within ${timeoutMs} ms`, {
          kind: 'timeout',
          transient: true,
        });
      }
      throw new TencentRestError(`Tencent could not be reached: ${describeFailure(error)}`, {
        kind: 'network',
        transient: true,
      });
    }
  }

  function parseAnswer(status: number, text: string): RecallApiAnswer {
    if (status < 200 || status > 299) {
      // 5xx is a gateway or server in trouble and 429 a rate limit: both may pass. Another 4xx
      // says the request itself is wrong, and it will stay wrong.
      throw new TencentRestError(`Tencent answered HTTP ${status}`, {
        kind: 'http',
        status,
        transient: status >= 500 || status === 429,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Tencent may have done what was asked: the keys are asked about again.
      throw new TencentRestError(`Tencent's answer is not JSON (HTTP ${status})`, {
        kind: 'bad_answer',
        status,
        transient: true,
      });
    }
    const parsed = recallAnswerSchema.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
      throw new TencentRestError(`Tencent's answer is malformed at ${fields.join(', ')}`, {
        kind: 'bad_answer',
        status,
        transient: true,
      });
    }
    return parsed.data;
  }

  function failureOf(answer: RecallApiAnswer, status: number): TencentRestError | undefined {
    // A top-level OK that carries per-key RetCodes is answered key by key, even with a
    // nonzero ErrorCode: those RetCodes say what happened to each message.
    const failed = answer.ActionStatus === 'FAIL' || answer.ErrorCode !== 0;
    if (!failed || (answer.ActionStatus === 'OK' && answer.RecallRetList)) return undefined;
    const code = answer.ErrorCode;
    if (code === 0) {
      return new TencentRestError('Tencent answered FAIL with ErrorCode 0', {
        kind: 'bad_answer',
        status,
        transient: false,
      });
    }
    const info = answer.ErrorInfo ? ` (${answer.ErrorInfo})` : '';
    return new TencentRestError(`Tencent answered ${code}: ${meaningOf(code)}${info}`, {
      kind: 'api',
      status,
      errorCode: code,
      transient: isTransient(code),
    });
  }

  return {
    async recallOfficialAccountMessages({ account, msgKeys, reason }) {
      const random = randomInt(0, 2 ** 32);
      const query = new URLSearchParams({
        sdkappid: String(sdkAppId),
        identifier,
        usersig: userSig.get(),
        random: String(random),
        contenttype: 'json',
      });
      const body = {
        Official_Account: account,
        MsgKeyList: msgKeys,
        ...(reason ? { Reason: reason } : {}),
      };
      const started = performance.now();
      const { status, text } = await exchange(`${origin}${RECALL_PATH}?${query}`, body);
      logger.debug('tencent recall answered', {
        account,
        keys: msgKeys.length,
        random,
        status,
        ms: Math.round(performance.now() - started),
      });
      const answer = parseAnswer(status, text);
      const failure = failureOf(answer, status);
      if (failure) {
        // The next `get()` signs a fresh one; the caller's retry goes through the limiter.
        if (failure.errorCode !== undefined && isUserSigExpired(failure.errorCode))
          userSig.invalidate();
        throw failure;
      }
      return answer;
    },
  };
}
