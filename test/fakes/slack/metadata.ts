/** The `metadata` argument of `chat.postMessage` and `chat.update`. */
import type { FakeMessageMetadata } from './types.js';
import { fail, isRecord, type Json } from './wire.js';

export type MetadataArg =
  | { metadata: FakeMessageMetadata | undefined; failure?: undefined }
  | { metadata?: undefined; failure: Json };

/**
 * `{ event_type, event_payload }`, already parsed from a form's JSON string. `undefined` when
 * absent, and for `chat.update` also when `{}` (Slack's way to remove a message's metadata).
 */
export function readMetadata(value: unknown, allowEmpty: boolean): MetadataArg {
  if (value === undefined) return { metadata: undefined };
  if (allowEmpty && isRecord(value) && Object.keys(value).length === 0) {
    return { metadata: undefined };
  }
  if (
    !isRecord(value) ||
    typeof value.event_type !== 'string' ||
    value.event_type.length === 0 ||
    !isRecord(value.event_payload)
  ) {
    return { failure: fail('invalid_metadata_format') };
  }
  return { metadata: { event_type: value.event_type, event_payload: value.event_payload } };
}
