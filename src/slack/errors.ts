import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  | { kind: 'transient'; reason: string }
  /** Waiting will not help: a person must fix the token, scopes or channel. */
  | { kind: 'permanent'; reason: string }
  /** Slack refused this payload; a simpler one may pass. */
  | { kind: 'payload'; reason: string };

const PERMANENT = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'org_login_required',
  'access_denied',
  'team_not_found',
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
]);

/** Sorts a Slack failure into what to do about it. Unknown errors are treated as passing. */
export function classifySlackError(error: unknown): SlackFailure {
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
    if (PERMANENT.has(reason)) return { kind: 'permanent', reason };
    if (PAYLOAD.has(reason)) return { kind: 'payload', reason };
    if (reason === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000, reason };
    return { kind: 'transient', reason };
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as WebAPIHTTPError).statusCode;
    return { kind: 'transient', reason: `http_${status}` };
  }
  if (code === ErrorCode.RequestError) return { kind: 'transient', reason: 'network' };
  return {
    kind: 'transient',
    reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
  };
}
