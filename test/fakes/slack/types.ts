/** The fake Slack's public types: its options, what it records, and the controls a test has. */
import type { MethodFault } from './faults.js';
import type { HeldAnswers } from './holds.js';

export interface RateLimit {
  /** Calls of the method accepted in any one-second window; more are answered 429. */
  perSecond: number;
  /** The `Retry-After` header, in seconds. Default 1. */
  retryAfter?: number;
}

export interface FakeUser {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  deleted?: boolean;
  name?: string;
  /** The user's own team (a partner's, through Slack Connect); default the fake's workspace. */
  teamId?: string;
}

export interface FakeSlackOptions {
  /** The bot token the fake accepts. Default `xoxb-test-token`. */
  token?: string;
  /** Per method, e.g. `{ 'chat.postMessage': { perSecond: 1, retryAfter: 1 } }`. */
  rateLimits?: Partial<Record<string, RateLimit>>;
  /** The workspace's users by ID; `users.info` knows only these (and the bot). */
  users?: Record<string, FakeUser>;
  /** User group ID → member user IDs, for `usergroups.users.list`. */
  usergroups?: Record<string, string[]>;
  /** How many times one response URL may be used. Default 5, as on Slack. */
  responseUrlUses?: number;
  /**
   * Scopes the bot token lacks, e.g. `['channels:history']`; methods that need one answer
   * `missing_scope` with `needed` and `provided`, as Slack does.
   */
  missingScopes?: string[];
  /**
   * New messages accepted per channel in any one-second window, whichever method posts them
   * (`chat.postMessage`, thread replies included, and file shares); more are answered 429.
   */
  channelPostLimit?: RateLimit;
}

export interface RecordedCall {
  method: string;
  /** The arguments as received; JSON-valued ones (blocks, view, files…) already parsed. */
  args: Record<string, unknown>;
  /** `Date.now()` when answered. */
  at: number;
  /** HTTP status of the answer; 0 when the connection was reset instead. */
  status: number;
  ok: boolean;
  error?: string;
  /** Slack's explanation of a refusal (`response_metadata.messages`), e.g. which block is bad. */
  messages?: string[];
}

export interface FakeMessageFile {
  id: string;
  filename: string;
  title: string;
  /** The uploaded bytes as UTF-8. */
  content: string;
}

/** Message metadata (`chat.postMessage` / `chat.update` `metadata`). */
export interface FakeMessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  attachments?: unknown[];
  thread_ts?: string;
  files?: FakeMessageFile[];
  /** How many times `chat.update` changed the message; absent when never. */
  updated?: number;
  /** A `chat.postEphemeral` message, seen only by `user`. */
  ephemeral?: boolean;
  user?: string;
  metadata?: FakeMessageMetadata;
}

export interface RecordedResponse {
  /** The id in the response URL (`responseUrl(id)` ends with it). */
  id: string;
  body: Record<string, unknown>;
}

export interface RefusedResponse extends RecordedResponse {
  status: number;
  reason: string;
}

export type ViewMethod = 'views.open' | 'views.update' | 'views.push';

export interface RecordedView {
  /** The view's ID (`V…`), the same across `views.update`s of it. */
  id: string;
  method: ViewMethod;
  /** The view as the app sent it. */
  view: Record<string, unknown>;
  trigger_id?: string;
  at: number;
}

export type OutageMode = 'none' | 'http503' | 'reset' | { error: string };

export interface FakeSlack {
  /** Origin, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `${url}/api/`, for `slackApiUrl` / `SLACK_API_URL`. */
  readonly apiUrl: string;
  /** Every Web API call in order of answer, rejected ones included. */
  readonly calls: RecordedCall[];
  /** What the channels hold: posts, thread replies, file shares and ephemeral messages. */
  readonly messages: FakeMessage[];
  /** Messages a person deleted (`deleteMessage`), no longer in `messages`. */
  readonly deletedMessages: FakeMessage[];
  /** Accepted POSTs to response URLs. */
  readonly responses: RecordedResponse[];
  /** POSTs to response URLs that Slack would refuse (used too often, no text, bad blocks). */
  readonly refusedResponses: RefusedResponse[];
  /** Successful `views.open` / `views.update` / `views.push`. */
  readonly views: RecordedView[];
  /** A response URL served by this fake; a fresh id unless one is given. */
  responseUrl(id?: string): string;
  /**
   * `http503`: every request is answered 503. `reset`: the connection is destroyed.
   * `{error}`: Web API calls are answered 200 `{ok:false,error}`. Uploads and response URLs
   * are down only in the first two modes.
   */
  setOutage(mode: OutageMode): void;
  setRateLimit(method: string, limit: RateLimit | undefined): void;
  /**
   * From now on every post, update or file share whose arguments contain `text` is refused with
   * `error` (as a content rule of a workspace would), until `reset()`.
   */
  refuseContaining(text: string, error: string): void;
  /**
   * From now on a file share appears in the channel `ms` after `files.completeUploadExternal`
   * answers (as on Slack, which shares in the background); 0: at once (the default).
   */
  setFileShareDelay(ms: number): void;
  /** The per-channel limit on new messages (see `FakeSlackOptions.channelPostLimit`). */
  setChannelPostLimit(limit: RateLimit | undefined): void;
  /** The scopes the bot token lacks from now on (see `FakeSlackOptions.missingScopes`). */
  setMissingScopes(scopes: string[]): void;
  /**
   * From now on `users.info` describes `id` so (an admin demoted, a user added), or knows no
   * such user (`undefined`), until `reset()` restores the options' users.
   */
  setUser(id: string, user: FakeUser | undefined): void;
  /**
   * From now on `usergroups.users.list` lists these members of `id` (`undefined`: no such
   * group), until `reset()` restores the options' groups.
   */
  setUsergroup(id: string, members: string[] | undefined): void;
  /**
   * The next `times` calls of `method` (once their token is accepted) fail as `fault` says
   * and do nothing else. Faults queued for one method are used in order.
   */
  failNext(method: string, fault: MethodFault, times?: number): void;
  /**
   * From now on calls of `method` take effect as usual but their answers are withheld until
   * `release()`, as when the app is killed before Slack's answer arrives.
   */
  hold(method: string): HeldAnswers;
  /** A person deletes a message; false when the channel has no such message. */
  deleteMessage(channel: string, ts: string): boolean;
  /** Posting into an archived channel answers `is_archived`; its history stays readable. */
  archiveChannel(channel: string): void;
  unarchiveChannel(channel: string): void;
  /** Polls `predicate` until it holds; rejects after `timeoutMs` (default 5000) saying why. */
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /**
   * Back to the state `startFakeSlack` left: nothing recorded, no outage, the rate limits and
   * missing scopes of the options, no archived channels, no pending faults, holds released.
   * Timestamps and IDs keep increasing across resets.
   */
  reset(): void;
  close(): Promise<void>;
}
