import { createHash } from 'node:crypto';
import { kindOf, type WebhookBody } from './registry.js';

/**
 * The identity of an event: its command and message identifiers (its kind's `dedupeParts`).
 * The same recall delivered twice (Tencent retries, two replicas, a replay) has the same key
 * and is posted once.
 */
export function dedupeKeyOf(body: WebhookBody): string {
  const parts = [body.CallbackCommand, ...kindOf(body).dedupeParts(body)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
