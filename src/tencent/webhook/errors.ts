/** A refusal of a webhook call: the HTTP status, and the reason given in `ErrorInfo`. */
export class WebhookError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 408 | 413 | 415 | 503,
    readonly reason: string,
    /** The metrics label of the outcome. */
    readonly outcome: 'forbidden' | 'unauthorized' | 'too_large' | 'bad_request' | 'unavailable',
  ) {
    super(reason);
    this.name = 'WebhookError';
  }
}
