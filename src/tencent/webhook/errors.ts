import { CodedError } from '../../lib/errors.js';

/** Why a webhook call was refused; also the metrics label of the outcome. */
export type WebhookRefusal =
  | 'forbidden'
  | 'unauthorized'
  | 'too_large'
  | 'bad_request'
  | 'unavailable';

export type WebhookStatus = 400 | 401 | 403 | 408 | 413 | 415 | 503;

/** A refusal of a webhook call: the HTTP status, and the reason given in `ErrorInfo`. */
export class WebhookError extends CodedError<WebhookRefusal> {
  declare readonly status: WebhookStatus;

  constructor(status: WebhookStatus, reason: string, code: WebhookRefusal) {
    super(code, reason, { status });
  }

  /** The reason given in `ErrorInfo` (the message). */
  get reason(): string {
    return this.message;
  }
}
