import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  /**
   * No answer, or Slack broke (network, timeout, HTTP 5xx, `internal_error`): the call may or may
   * not have taken effect, and waiting may help.
   */
  | { kind: 'unreachable'; reason: string }
  /** Waiting will not help: a person must fix the token, scopes or channel. */
  | { kind: 'refused'; reason: string }
  /** Slack refused this payload; a simpler one may pass. */
  | { kind: 'payload'; reason: string }
  /** The message or thread the call is about is gone or will not change any more. */
  | { kind: 'gone'; reason: string }
  /** Slack answered an error about this call in particular; the call did not take effect. */
  | { kind: 'own'; reason: string };

/** Whether the call posts into the feed's own channel, or acts on a post made earlier. */
export type SlackTarget = 'channel' | 'existing_post';

/** The channel is closed to the app: gone, archived, read-only, or not shared with it. */
const CHANNEL_CLOSED = [
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
] as const;

const REFUSED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  ...CHANNEL_CLOSED,
  'org_login_required',
  'access_denied',
  'team_not_found',
]);

/** About an earlier post, these mean it (or its channel) is gone or frozen: not the feed's fault. */
const GONE = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'thread_not_found',
  'invalid_thread_ts',
  ...CHANNEL_CLOSED,
]);

const PAYLOAD = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_arguments',
  'invalid_attachments',
  'markdown_text_conflict',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
]);

/** Slack's own documented failures: the call may have been lost on the way. */
const SLACK_BROKE = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Sorts a Slack failure into what to do about it. */
export function classifySlackError(error: unknown, target: SlackTarget = 'channel'): SlackFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === ErrorCode.RateLimitedError) {
    const seconds = (error as WebAPIRateLimitedError).retryAfter;
    return {
      kind: 'rate_limited',
      retryAfterMs: Math.max(1, Number.isFinite(seconds) ? seconds : 1) * 1000,
      reason: 'ratelimited',
    };
  }
  if (code === ErrorCode.PlatformError) {
    const reason = String((error as WebAPIPlatformError).data.error);
    if (target === 'existing_post' && GONE.has(reason)) return { kind: 'gone', reason };
    if (REFUSED.has(reason)) return { kind: 'refused', reason };
    if (PAYLOAD.has(reason)) return { kind: 'payload', reason };
    if (reason === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000, reason };
    if (SLACK_BROKE.has(reason)) return { kind: 'unreachable', reason };
    return { kind: 'own', reason };
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as WebAPIHTTPError).statusCode;
    return { kind: 'unreachable', reason: `http_${status}` };
  }
  if (code === ErrorCode.RequestError) {
    const cause = (error as { original?: { name?: unknown } }).original?.name;
    return { kind: 'unreachable', reason: cause === 'TimeoutError' ? 'timeout' : 'network' };
  }
  // Not a Web API error (a bug, an aborted call): its message goes to the log, not a label.
  return { kind: 'unreachable', reason: 'unexpected' };
}
