/**
 * The one shape of the app's errors, as bolt-js's `CodedError`: a string `code` that callers
 * branch on (never the message, which is for people and logs), the HTTP `status` where the
 * error becomes an answer to a request, and the `cause` it wraps.
 *
 * Each part of the app subclasses it (`WebhookError`, `TencentRestError`, …), so `instanceof`
 * still says whose error it is, and a route turns any of them into its answer in one place.
 */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  /** The HTTP status of the answer this error becomes, where it becomes one. */
  readonly status: number | undefined;

  constructor(code: Code, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
  }
}

export interface CodedErrorOptions {
  status?: number | undefined;
  cause?: unknown;
}
