import { WebhookError } from '../../src/tencent/webhook/errors.js';

/** The `WebhookError` that `fn` throws; fails the test when it throws nothing or something else. */
export function refusalOf(fn: () => unknown): WebhookError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
