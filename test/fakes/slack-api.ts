/**
 * A fake Slack that speaks Slack's wire protocol on loopback, for integration tests and benchmarks.
 *
 * Point a WebClient (or Bolt's `clientOptions`) at `apiUrl`. It serves:
 * - the Web API at `POST /api/{method}`: form-encoded, JSON or multipart bodies, the token in
 *   `Authorization: Bearer …` or a `token` argument; answers `{ok:true,…}` or HTTP 200
 *   `{ok:false,error}` as Slack does, HTTP 429 + `Retry-After` when a method is over its limit;
 * - the upload URLs that `files.getUploadURLExternal` hands out (`POST /upload/v1/{file id}`,
 *   raw bytes or multipart, which is what WebClient sends);
 * - response URLs (`POST /response/{id}`), JSON as Bolt's `respond()` sends it.
 *
 * Besides outages and rate limits, a test can make one method fail next (`failNext`), withhold
 * answers after their effect (`hold`, as when the app is killed mid-call), limit posts per
 * channel, take scopes away, archive channels and delete messages as a person would. The parts
 * live in `./slack/`; this file holds the public API and the server that wires them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessageBlocks, viewProblems } from './slack/block-kit.js';
import { ChannelRules } from './slack/channels.js';
import { type MethodFault, MethodFaults } from './slack/faults.js';
import { conversationsHistory, conversationsReplies } from './slack/history.js';
import { AnswerHolds, type HeldAnswers } from './slack/holds.js';
import { fakeSlackIdentity } from './slack/identity.js';
import { readMetadata } from './slack/metadata.js';
import { RateWindows } from './slack/rate-windows.js';
import { fileKind, messageJson } from './slack/render.js';
import {
  bearer,
  mediaType,
  parseArgs,
  parseMultipart,
  parseResponseBody,
  readBody,
  safeDecode,
} from './slack/requests.js';
import { missingScopeFailure } from './slack/scopes.js';
import {
  chars,
  fail,
  HttpAnswer,
  isRecord,
  type Json,
  ok,
  rateLimited,
  send,
  str,
} from './slack/wire.js';

export type { MethodFault } from './slack/faults.js';
export type { HeldAnswers } from './slack/holds.js';
export { fakeSlackIdentity } from './slack/identity.js';

// ---------------------------------------------------------------------------------------------
// Public types

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

export const DEFAULT_FAKE_TOKEN = 'xoxb-test-token';

/** Methods whose content `refuseContaining` looks at. */
const CONTENT_METHODS = new Set([
  'chat.postMessage',
  'chat.update',
  'files.completeUploadExternal',
]);

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const fake = new FakeSlackServer(server, `http://127.0.0.1:${port}`, options);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.serve(req, res));
  return fake;
}

// ---------------------------------------------------------------------------------------------
// The server

/** The longest message text Slack accepts (docs.slack.dev, chat.postMessage). */
const MAX_TEXT = 40_000;

interface StoredFile {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
  completed: boolean;
}

interface OpenView {
  hash: string;
  externalId?: string;
}

type MethodHandler = (args: Json) => Json | HttpAnswer;

type ThreadArg =
  | { ts: string | undefined; failure?: undefined }
  | { ts?: undefined; failure: Json };

type MessageContent =
  | { content: Pick<FakeMessage, 'text' | 'blocks' | 'attachments'>; failure?: undefined }
  | { content?: undefined; failure: Json };

class FakeSlackServer implements FakeSlack {
  readonly apiUrl: string;
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly deletedMessages: FakeMessage[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly refusedResponses: RefusedResponse[] = [];
  readonly views: RecordedView[] = [];

  private readonly token: string;
  private users: Record<string, FakeUser> = {};
  private usergroups: Record<string, string[]> = {};
  private readonly responseUrlUses: number;
  private outage: OutageMode = 'none';
  private readonly limits = new Map<string, RateLimit>();
  private readonly windows = new RateWindows();
  private readonly channels: ChannelRules;
  private missingScopes = new Set<string>();
  private readonly faults = new MethodFaults();
  private readonly holds = new AnswerHolds();
  private fileShareDelayMs = 0;
  private readonly refusals: { text: string; error: string }[] = [];
  private readonly shareTimers = new Set<NodeJS.Timeout>();
  private readonly usedTriggers = new Set<string>();
  private readonly files = new Map<string, StoredFile>();
  private readonly responseUses = new Map<string, number>();
  private readonly openViews = new Map<string, OpenView>();
  private lastTsMicros = 0;
  private sequence = 0;

  private readonly methods: Record<string, MethodHandler> = {
    'auth.test': () => this.authTest(),
    'chat.postMessage': (args) => this.postMessage(args),
    'chat.update': (args) => this.updateMessage(args),
    'chat.postEphemeral': (args) => this.postEphemeral(args),
    'files.getUploadURLExternal': (args) => this.getUploadUrl(args),
    'files.completeUploadExternal': (args) => this.completeUpload(args),
    'users.info': (args) => this.userInfo(args),
    'usergroups.users.list': (args) => this.usergroupUsers(args),
    'views.open': (args) => this.openView('views.open', args),
    'views.push': (args) => this.openView('views.push', args),
    'views.update': (args) => this.updateView(args),
    'conversations.info': (args) => this.conversationInfo(args),
    'conversations.open': (args) => this.conversationOpen(args),
    'conversations.history': (args) => conversationsHistory(this.messages, args),
    'conversations.replies': (args) => conversationsReplies(this.messages, args),
  };

  constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeSlackOptions,
  ) {
    this.apiUrl = `${url}/api/`;
    this.token = options.token ?? DEFAULT_FAKE_TOKEN;
    this.applyOptionDirectory();
    this.responseUrlUses = options.responseUrlUses ?? 5;
    this.channels = new ChannelRules(options.channelPostLimit);
    this.applyOptionLimits();
  }

  // -- controls -------------------------------------------------------------------------------

  responseUrl(id?: string): string {
    const key = id ?? `R${this.nextId(10)}`;
    return `${this.url}/response/${encodeURIComponent(key)}`;
  }

  setOutage(mode: OutageMode): void {
    this.outage = mode;
  }

  setRateLimit(method: string, limit: RateLimit | undefined): void {
    if (limit) this.limits.set(method, { ...limit });
    else this.limits.delete(method);
    this.windows.forget(method);
  }

  setFileShareDelay(ms: number): void {
    this.fileShareDelayMs = ms;
  }

  refuseContaining(text: string, error: string): void {
    this.refusals.push({ text, error });
  }

  setChannelPostLimit(limit: RateLimit | undefined): void {
    this.channels.setPostLimit(limit);
  }

  setMissingScopes(scopes: string[]): void {
    this.missingScopes = new Set(scopes);
  }

  setUser(id: string, user: FakeUser | undefined): void {
    if (user) this.users[id] = { ...user };
    else delete this.users[id];
  }

  setUsergroup(id: string, members: string[] | undefined): void {
    if (members) this.usergroups[id] = [...members];
    else delete this.usergroups[id];
  }

  failNext(method: string, fault: MethodFault, times = 1): void {
    this.faults.add(method, fault, times);
  }

  hold(method: string): HeldAnswers {
    return this.holds.hold(method);
  }

  deleteMessage(channel: string, ts: string): boolean {
    const i = this.messages.findIndex((m) => m.channel === channel && m.ts === ts && !m.ephemeral);
    const [message] = i < 0 ? [] : this.messages.splice(i, 1);
    if (!message) return false;
    this.deletedMessages.push(message);
    return true;
  }

  archiveChannel(channel: string): void {
    this.channels.archive(channel);
  }

  unarchiveChannel(channel: string): void {
    this.channels.unarchive(channel);
  }

  async waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        if (await predicate()) return;
        lastError = undefined;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    throw new Error(this.describe(`waitFor timed out after ${timeoutMs} ms`, lastError));
  }

  private resetContentRules(): void {
    this.refusals.length = 0;
    for (const timer of this.shareTimers) clearTimeout(timer);
    this.shareTimers.clear();
    this.fileShareDelayMs = 0;
  }

  reset(): void {
    this.resetContentRules();
    this.holds.releaseAll();
    this.faults.clear();
    this.channels.reset();
    this.calls.length = 0;
    this.messages.length = 0;
    this.deletedMessages.length = 0;
    this.responses.length = 0;
    this.refusedResponses.length = 0;
    this.views.length = 0;
    this.outage = 'none';
    this.limits.clear();
    this.windows.forget();
    this.usedTriggers.clear();
    this.files.clear();
    this.responseUses.clear();
    this.openViews.clear();
    this.applyOptionLimits();
    this.applyOptionDirectory();
  }

  async close(): Promise<void> {
    this.resetContentRules();
    // Held and hanging calls would otherwise keep their sockets, and the server, open.
    this.holds.dropAll();
    this.faults.destroyHanging();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -- HTTP -----------------------------------------------------------------------------------

  /** The request listener; never throws, answers 500 `fatal_error` on a bug of its own. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: unknown) => {
      try {
        if (res.headersSent) res.destroy();
        else send(res, 500, { ok: false, error: 'fatal_error', detail: String(error) });
      } catch {
        res.destroy();
      }
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      await this.api(req, res, safeDecode(path.slice('/api/'.length)), url.searchParams);
    } else if (path.startsWith('/upload/v1/')) {
      await this.upload(req, res, safeDecode(path.slice('/upload/v1/'.length)));
    } else if (path.startsWith('/response/')) {
      await this.response(req, res, safeDecode(path.slice('/response/'.length)));
    } else {
      send(res, 404, 'Not Found');
    }
  }

  /** Answers for an outage that takes all of Slack down; true when it answered. */
  private downAnswer(res: ServerResponse, record: (status: number, error: string) => void) {
    if (this.outage === 'reset') {
      record(0, 'connection_reset');
      res.destroy();
      return true;
    }
    if (this.outage === 'http503') {
      record(503, 'service_unavailable');
      send(res, 503, { ok: false, error: 'service_unavailable' }, { 'retry-after': '1' });
      return true;
    }
    return false;
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    query: URLSearchParams,
  ): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      this.record(method, {}, 413, fail('request_too_large'));
      send(res, 413, fail('request_too_large'), { connection: 'close' });
      return;
    }
    const { args, error: parseError } = await parseArgs(req, body, query);
    const answer = (status: number, result: Json, headers?: Record<string, string>) => {
      this.record(method, args, status, result);
      send(res, status, result, headers);
    };
    const down = this.downAnswer(res, (status, error) => {
      this.record(method, args, status, fail(error));
    });
    if (down) return;
    if (typeof this.outage === 'object') return answer(200, fail(this.outage.error));
    if (parseError) return answer(200, fail(parseError));
    const handler = Object.hasOwn(this.methods, method) ? this.methods[method] : undefined;
    if (!handler) return answer(200, fail('unknown_method'));
    const token = bearer(req) ?? str(args.token);
    if (!token) return answer(200, fail('not_authed'));
    if (token !== this.token) return answer(200, fail('invalid_auth'));
    const refusal = CONTENT_METHODS.has(method)
      ? this.refusals.find((r) => JSON.stringify(args).includes(r.text))
      : undefined;
    if (refusal) return answer(200, fail(refusal.error));
    const fault = this.faults.take(method);
    if (fault) {
      return this.faults.apply(res, fault, (status, result) => {
        this.record(method, args, status, result);
      });
    }
    const result = this.perform(method, handler, args);
    this.record(method, args, result.status, result.body);
    const deliver = () => send(res, result.status, result.body, result.headers);
    if (!this.holds.keep(method, res, deliver)) deliver();
  }

  /** A call whose token is good: its scope, its rate limit, then the method itself. */
  private perform(method: string, handler: MethodHandler, args: Json): HttpAnswer {
    const noScope = missingScopeFailure(method, args, this.missingScopes);
    if (noScope) return new HttpAnswer(200, noScope);
    const limit = this.limits.get(method);
    const wait = limit && this.windows.admit([method], limit);
    if (wait !== undefined) return rateLimited(wait);
    try {
      const result = handler(args);
      return result instanceof HttpAnswer ? result : new HttpAnswer(200, result);
    } catch (error) {
      // A bug of the fake's own: answer as Slack does when it breaks, and keep the record.
      return new HttpAnswer(500, { ok: false, error: 'fatal_error', detail: String(error) });
    }
  }

  private async upload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const body = await readBody(req);
    if (this.downAnswer(res, () => {})) return;
    const file = this.files.get(fileId);
    if (req.method !== 'POST' || !file || file.completed || body === undefined) {
      send(res, file ? 400 : 404, file ? 'Bad Request' : 'Not Found');
      return;
    }
    let bytes = body;
    if (mediaType(req) === 'multipart/form-data') {
      const form = await parseMultipart(req, body).catch(() => undefined);
      const part = form ? [...form.values()].find((v) => typeof v !== 'string') : undefined;
      if (!part || typeof part === 'string') {
        send(res, 400, 'Bad Request');
        return;
      }
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.bytes = bytes;
    send(res, 200, `OK - ${bytes.length}`);
  }

  private async response(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    if (this.downAnswer(res, () => {})) return;
    if (req.method !== 'POST' || raw === undefined) {
      send(res, 405, 'method_not_allowed');
      return;
    }
    const body = parseResponseBody(mediaType(req), raw);
    if (!body) {
      send(res, 400, 'invalid_payload');
      return;
    }
    const refuse = (status: number, reason: string) => {
      this.refusedResponses.push({ id, body, status, reason });
      send(res, status, reason);
    };
    const uses = this.responseUses.get(id) ?? 0;
    if (uses >= this.responseUrlUses) return refuse(404, 'used_url');
    const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
    if (body.blocks !== undefined) {
      const check = checkMessageBlocks(body.blocks);
      if (check.failure) return refuse(400, String(check.failure.error));
    }
    if (!str(body.text) && !hasBlocks && body.delete_original !== true) {
      return refuse(400, 'no_text');
    }
    this.responseUses.set(id, uses + 1);
    this.responses.push({ id, body });
    send(res, 200, { ok: true });
  }

  // -- bookkeeping ----------------------------------------------------------------------------

  private record(method: string, args: Json, status: number, result: Json): void {
    const call: RecordedCall = { method, args, at: Date.now(), status, ok: result.ok === true };
    if (typeof result.error === 'string') call.error = result.error;
    const meta = result.response_metadata;
    if (isRecord(meta) && Array.isArray(meta.messages)) call.messages = meta.messages.map(String);
    this.calls.push(call);
  }

  /** The users and user groups of the options, copied so that controls leave the options alone. */
  private applyOptionDirectory(): void {
    this.users = Object.fromEntries(
      Object.entries(this.options.users ?? {}).map(([id, user]) => [id, { ...user }]),
    );
    this.usergroups = Object.fromEntries(
      Object.entries(this.options.usergroups ?? {}).map(([id, members]) => [id, [...members]]),
    );
  }

  private applyOptionLimits(): void {
    for (const [method, limit] of Object.entries(this.options.rateLimits ?? {})) {
      if (limit) this.limits.set(method, { ...limit });
    }
    this.missingScopes = new Set(this.options.missingScopes ?? []);
  }

  /** Strictly increasing `seconds.micros` timestamps, as unique as Slack's. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    const micros = this.lastTsMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  private nextId(width: number): string {
    this.sequence += 1;
    return String(this.sequence).padStart(width, '0');
  }

  private describe(headline: string, lastError: unknown): string {
    const last = this.calls
      .slice(-8)
      .map(
        (c) =>
          `  ${c.method} → ${c.status}${c.ok ? ' ok' : ` ${c.error ?? ''}`}` +
          (c.messages ? ` ${c.messages.join(' ')}` : ''),
      );
    const lines = [
      `${headline}.`,
      `Fake Slack: ${this.calls.length} API calls, ${this.messages.length} messages, ` +
        `${this.responses.length} response_url posts, ${this.views.length} views; ` +
        `outage ${JSON.stringify(this.outage)}.`,
    ];
    if (last.length > 0) lines.push('Last calls:', ...last);
    if (this.refusedResponses.length > 0) {
      lines.push(
        `Refused response_url posts: ${this.refusedResponses.map((r) => `${r.id} ${r.reason}`).join(', ')}`,
      );
    }
    if (lastError !== undefined) lines.push(`The predicate last threw: ${String(lastError)}`);
    return lines.join('\n');
  }

  // -- methods --------------------------------------------------------------------------------

  private authTest(): Json {
    const id = fakeSlackIdentity;
    return ok({
      url: id.teamUrl,
      team: id.teamName,
      user: id.botUserName,
      team_id: id.teamId,
      user_id: id.botUserId,
      bot_id: id.botId,
      is_enterprise_install: false,
    });
  }

  /** Text, blocks and attachments of a new message, checked as Slack checks them. */
  private content(args: Json): MessageContent {
    let blocks: Record<string, unknown>[] | undefined;
    if (args.blocks !== undefined && args.blocks !== '') {
      const check = checkMessageBlocks(args.blocks);
      if (check.failure) return check;
      blocks = check.blocks;
    }
    const attachments = Array.isArray(args.attachments) ? args.attachments : undefined;
    const text = str(args.text);
    if (!text && !blocks?.length && !attachments?.length) return { failure: fail('no_text') };
    if (text && chars(text) > MAX_TEXT) return { failure: fail('msg_too_long') };
    return {
      content: {
        text: text ?? '',
        ...(blocks?.length ? { blocks } : {}),
        ...(attachments?.length ? { attachments } : {}),
      },
    };
  }

  /** The thread a reply joins (its parent's ts), or `thread_not_found` for no such message. */
  private threadOf(channel: string, threadTs: string | undefined): ThreadArg {
    if (!threadTs) return { ts: undefined };
    const named = this.messages.find(
      (m) => m.channel === channel && m.ts === threadTs && !m.ephemeral,
    );
    if (!named) return { failure: fail('thread_not_found') };
    return { ts: named.thread_ts ?? named.ts };
  }

  private postMessage(args: Json): Json | HttpAnswer {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const archived = this.channels.archivedFailure([channel]);
    if (archived) return archived;
    const { content, failure } = this.content(args);
    if (failure) return failure;
    const meta = readMetadata(args.metadata, false);
    if (meta.failure) return meta.failure;
    const thread = this.threadOf(channel, str(args.thread_ts));
    if (thread.failure) return thread.failure;
    const limited = this.channels.admitPosts([channel]);
    if (limited) return limited;
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...content,
      ...(thread.ts ? { thread_ts: thread.ts } : {}),
      ...(meta.metadata ? { metadata: meta.metadata } : {}),
    };
    this.messages.push(message);
    return ok({ channel, ts: message.ts, message: messageJson(message) });
  }

  private updateMessage(args: Json): Json {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel) return fail('channel_not_found');
    const archived = this.channels.archivedFailure([channel]);
    if (archived) return archived;
    if (!ts) return fail('message_not_found');
    const message = this.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!message) return fail('message_not_found');
    if (message.ephemeral) return fail('cant_update_message');
    // Without `metadata` the message keeps its own; `{}` removes it.
    const meta = readMetadata(args.metadata, true);
    if (meta.failure) return meta.failure;
    const hasText = args.text !== undefined;
    const hasBlocks = args.blocks !== undefined;
    const hasAttachments = args.attachments !== undefined;
    if (!hasText && !hasBlocks && !hasAttachments) return fail('no_text');
    let blocks: Record<string, unknown>[] | undefined;
    if (hasBlocks && args.blocks !== '') {
      const check = checkMessageBlocks(args.blocks);
      if (check.failure) return check.failure;
      blocks = check.blocks;
    }
    const text = str(args.text) ?? '';
    if (chars(text) > MAX_TEXT) return fail('msg_too_long');
    // Slack keeps what the update does not mention.
    const next = {
      text: hasText ? text : message.text,
      blocks: hasBlocks ? blocks : message.blocks,
      attachments: Array.isArray(args.attachments) ? args.attachments : message.attachments,
    };
    if (!next.text && !next.blocks?.length && !next.attachments?.length) return fail('no_text');
    message.text = next.text ?? '';
    if (next.blocks?.length) message.blocks = next.blocks;
    else delete message.blocks;
    if (next.attachments?.length) message.attachments = next.attachments;
    else delete message.attachments;
    if (meta.metadata) message.metadata = meta.metadata;
    else if (args.metadata !== undefined) delete message.metadata;
    message.updated = (message.updated ?? 0) + 1;
    return ok({ channel, ts, text: message.text ?? '', message: messageJson(message) });
  }

  private postEphemeral(args: Json): Json {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const archived = this.channels.archivedFailure([channel]);
    if (archived) return archived;
    const user = str(args.user);
    if (!user) return fail('user_not_in_channel');
    const { content, failure } = this.content(args);
    if (failure) return failure;
    const threadTs = str(args.thread_ts);
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...content,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ephemeral: true,
      user,
    };
    this.messages.push(message);
    return ok({ message_ts: message.ts });
  }

  private getUploadUrl(args: Json): Json {
    const filename = str(args.filename);
    const length = Number(str(args.length));
    const problems: string[] = [];
    if (!filename) problems.push('[ERROR] missing required field: filename');
    if (!Number.isInteger(length) || length <= 0) {
      problems.push('[ERROR] length must be a positive integer');
    }
    if (!filename || problems.length > 0) return fail('invalid_arguments', problems);
    const id = `F${this.nextId(10)}`;
    this.files.set(id, { id, filename, length, completed: false });
    return ok({ upload_url: `${this.url}/upload/v1/${id}`, file_id: id });
  }

  private completeUpload(args: Json): Json | HttpAnswer {
    const list = args.files;
    if (!Array.isArray(list) || list.length === 0) {
      return fail('invalid_arguments', ['[ERROR] files must be a non-empty JSON array']);
    }
    const picked: { file: StoredFile; title: string }[] = [];
    for (const [i, entry] of list.entries()) {
      const id = isRecord(entry) ? str(entry.id) : undefined;
      if (!id || !isRecord(entry)) {
        return fail('invalid_arguments', [
          `[ERROR] missing required field: id [json-pointer:/files/${i}]`,
        ]);
      }
      const file = this.files.get(id);
      if (!file || file.bytes === undefined || file.completed) {
        const why = !file ? 'unknown file' : file.completed ? 'already completed' : 'not uploaded';
        return fail('file_not_found', [`[ERROR] ${why}: ${id}`]);
      }
      picked.push({ file, title: str(entry.title) || file.filename });
    }
    const channels = [
      ...new Set(
        (str(args.channel_id) ?? str(args.channels) ?? '')
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      ),
    ];
    const archived = this.channels.archivedFailure(channels);
    if (archived) return archived;
    const comment = str(args.initial_comment);
    let blocks: Record<string, unknown>[] | undefined;
    // Slack ignores blocks when there is an initial_comment.
    if (comment === undefined && args.blocks !== undefined && args.blocks !== '') {
      const check = checkMessageBlocks(args.blocks);
      if (check.failure) return check.failure;
      blocks = check.blocks;
    }
    if (comment && chars(comment) > MAX_TEXT) return fail('msg_too_long');
    const threadTs = str(args.thread_ts);
    const limited = this.channels.admitPosts(channels);
    if (limited) return limited;
    for (const { file } of picked) file.completed = true;
    const attached: FakeMessageFile[] = picked.map(({ file, title }) => ({
      id: file.id,
      filename: file.filename,
      title,
      content: (file.bytes ?? Buffer.alloc(0)).toString('utf8'),
    }));
    const share = () => {
      for (const channel of channels) {
        this.messages.push({
          channel,
          ts: this.nextTs(),
          text: comment ?? '',
          ...(blocks?.length ? { blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          files: attached.map((f) => ({ ...f })),
        });
      }
    };
    // Slack shares a file in the background: the share may appear after the answer.
    if (this.fileShareDelayMs > 0) {
      const timer = setTimeout(() => {
        this.shareTimers.delete(timer);
        share();
      }, this.fileShareDelayMs);
      this.shareTimers.add(timer);
    } else {
      share();
    }
    const now = Math.floor(Date.now() / 1000);
    return ok({
      files: picked.map(({ file, title }) => ({
        id: file.id,
        created: now,
        timestamp: now,
        name: file.filename,
        title,
        ...fileKind(file.filename),
        user: fakeSlackIdentity.botUserId,
        size: file.bytes?.length ?? 0,
        is_external: false,
        is_public: channels.length > 0,
        url_private: `${this.url}/files/${file.id}/${encodeURIComponent(file.filename)}`,
        permalink: `${fakeSlackIdentity.teamUrl}files/${fakeSlackIdentity.botUserId}/${file.id}`,
      })),
    });
  }

  private userInfo(args: Json): Json {
    const id = str(args.user);
    const { teamId, botUserId, botUserName } = fakeSlackIdentity;
    if (id && id === botUserId) {
      return ok({ user: { id, team_id: teamId, name: botUserName, deleted: false, is_bot: true } });
    }
    const user = id && Object.hasOwn(this.users, id) ? this.users[id] : undefined;
    if (!id || !user) return fail('user_not_found');
    const name = user.name ?? id.toLowerCase();
    return ok({
      user: {
        id,
        team_id: user.teamId ?? teamId,
        name,
        real_name: name,
        deleted: user.deleted ?? false,
        is_admin: user.is_admin ?? false,
        is_owner: user.is_owner ?? false,
        is_primary_owner: user.is_primary_owner ?? false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: false,
        is_app_user: false,
        profile: { real_name: name, display_name: name },
      },
    });
  }

  private usergroupUsers(args: Json): Json {
    const id = str(args.usergroup);
    const members = id && Object.hasOwn(this.usergroups, id) ? this.usergroups[id] : undefined;
    if (!members) return fail('no_such_subteam');
    return ok({ users: [...members] });
  }

  /** A direct message with one user: its channel is `D` + the user ID, the same every time. */
  private conversationOpen(args: Json): Json {
    const users = (str(args.users) ?? '').split(',').filter(Boolean);
    const [user] = users;
    if (!user || users.length > 1)
      return fail(users.length > 1 ? 'not_supported' : 'users_list_not_supplied');
    if (user !== fakeSlackIdentity.botUserId && !Object.hasOwn(this.users, user)) {
      return fail('user_not_found');
    }
    return ok({ channel: { id: `D${user.slice(1)}` } });
  }

  private conversationInfo(args: Json): Json {
    const id = str(args.channel);
    if (!id) return fail('channel_not_found');
    return ok({
      channel: {
        id,
        name: 'moderation',
        is_channel: true,
        is_private: false,
        is_archived: this.channels.isArchived(id),
        is_member: true,
      },
    });
  }

  /** The `view` argument, or the failure Slack answers for it. */
  private viewArg(args: Json): { view: Json; failure?: undefined } | { failure: Json } {
    const view = args.view;
    if (view === undefined) {
      return { failure: fail('invalid_arguments', ['[ERROR] missing required field: view']) };
    }
    if (!isRecord(view)) {
      return { failure: fail('invalid_arguments', ['[ERROR] view must be a JSON object']) };
    }
    const problems = viewProblems(view);
    if (problems.length > 0) return { failure: fail('invalid_arguments', problems) };
    return { view };
  }

  private openView(method: 'views.open' | 'views.push', args: Json): Json {
    const trigger = str(args.trigger_id);
    if (!trigger) return fail('invalid_trigger_id');
    if (this.usedTriggers.has(trigger)) return fail('trigger_exchanged');
    const checked = this.viewArg(args);
    if (checked.failure) return checked.failure;
    const externalId = str(checked.view.external_id);
    if (externalId && [...this.openViews.values()].some((v) => v.externalId === externalId)) {
      return fail('duplicate_external_id');
    }
    this.usedTriggers.add(trigger);
    return this.storeView(method, `V${this.nextId(10)}`, checked.view, trigger);
  }

  private updateView(args: Json): Json {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId) {
      return fail('invalid_arguments', ['[ERROR] view_id or external_id is required']);
    }
    const id =
      viewId ?? [...this.openViews].find(([, open]) => open.externalId === externalId)?.[0];
    const open = id ? this.openViews.get(id) : undefined;
    if (!id || !open) return fail('not_found');
    const hash = str(args.hash);
    if (hash && hash !== open.hash) return fail('hash_conflict');
    const checked = this.viewArg(args);
    if (checked.failure) return checked.failure;
    return this.storeView('views.update', id, checked.view);
  }

  private storeView(method: ViewMethod, id: string, view: Json, trigger?: string): Json {
    const hash = `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
    const externalId = str(view.external_id) || undefined;
    this.openViews.set(id, { hash, ...(externalId ? { externalId } : {}) });
    this.views.push({
      id,
      method,
      view,
      at: Date.now(),
      ...(trigger ? { trigger_id: trigger } : {}),
    });
    const { teamId, appId, botId } = fakeSlackIdentity;
    return ok({
      view: {
        team_id: teamId,
        private_metadata: '',
        callback_id: '',
        external_id: '',
        state: { values: {} },
        clear_on_close: false,
        notify_on_close: false,
        previous_view_id: null,
        root_view_id: id,
        app_id: appId,
        bot_id: botId,
        ...view,
        id,
        hash,
      },
    });
  }
}
