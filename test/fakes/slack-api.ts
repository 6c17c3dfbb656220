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
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  /** Polls `predicate` until it holds; rejects after `timeoutMs` (default 5000) saying why. */
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /**
   * Back to the state `startFakeSlack` left: nothing recorded, no outage, the rate limits of
   * the options. Timestamps and IDs keep increasing across resets.
   */
  reset(): void;
  close(): Promise<void>;
}

/** Who the fake says the bot is (`auth.test`). */
export const fakeSlackIdentity = {
  teamId: 'T0TEST',
  teamName: 'Recall Bot Test',
  teamUrl: 'https://recall-bot-test.slack.com/',
  botUserId: 'U0BOTUSER1',
  botUserName: 'recall-bot',
  botId: 'B0BOTID001',
  appId: 'A0APPID001',
} as const;

export const DEFAULT_FAKE_TOKEN = 'xoxb-test-token';

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
// Limits Slack enforces (docs.slack.dev, Block Kit reference and method pages)

const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;
const MAX_TEXT = 40_000;
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Arguments Slack takes as JSON strings in form bodies. */
const JSON_ARGS = ['blocks', 'attachments', 'view', 'files', 'metadata'];

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string argument; numbers and booleans as Slack reads them from a form. */
function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Slack counts characters, not UTF-16 units. */
function chars(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function ok(fields: Json = {}): Json {
  return { ok: true, ...fields };
}

function fail(error: string, messages?: string[]): Json {
  return messages && messages.length > 0
    ? { ok: false, error, response_metadata: { messages } }
    : { ok: false, error };
}

// ---------------------------------------------------------------------------------------------
// Request bodies

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<unknown>) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

async function parseMultipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
  const headers = { 'content-type': req.headers['content-type'] ?? '' };
  return new Response(new Uint8Array(body), { headers }).formData();
}

/** The arguments of a Web API call: query string, then the body (form, JSON or multipart). */
async function parseArgs(
  req: IncomingMessage,
  body: Buffer,
  query: URLSearchParams,
): Promise<{ args: Json; error?: string }> {
  const args: Json = Object.fromEntries(query);
  if (body.length === 0) return { args };
  const type = mediaType(req);
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (!isRecord(parsed)) return { args, error: 'invalid_json' };
      return { args: { ...args, ...parsed } };
    } catch {
      return { args, error: 'invalid_json' };
    }
  }
  if (type === 'multipart/form-data') {
    try {
      for (const [key, value] of await parseMultipart(req, body)) {
        args[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size };
      }
    } catch {
      return { args, error: 'invalid_form_data' };
    }
    return { args: decodeJsonArgs(args) };
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || type === '') {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) args[key] = value;
    return { args: decodeJsonArgs(args) };
  }
  return { args, error: 'invalid_post_type' };
}

/** Form values of JSON arguments are JSON strings; parse them where they parse. */
function decodeJsonArgs(args: Json): Json {
  for (const key of JSON_ARGS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Left as the string; the method's validation reports it as Slack would.
    }
  }
  return args;
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: Json | string,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type':
      typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------
// Block Kit validation, reporting problems the way Slack does in `response_metadata.messages`

const BLOCK_TYPES = new Set([
  'actions',
  'call',
  'context',
  'context_actions',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);
const STYLES = new Set(['primary', 'danger']);

interface TextRule {
  max: number;
  plainOnly?: boolean;
}

class BlockKitChecker {
  readonly problems: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();
  /** Whether an input block was seen (a modal then needs a submit button). */
  hasInput = false;

  problem(message: string, pointer: string): void {
    this.problems.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  blocks(blocks: unknown[], pointer: string, max: number): void {
    if (blocks.length > max) this.problem(`no more than ${max} items allowed`, pointer);
    blocks.forEach((block, i) => {
      this.block(block, `${pointer}/${i}`);
    });
  }

  private block(block: unknown, p: string): void {
    if (!isRecord(block) || typeof block.type !== 'string') {
      this.problem('missing required field: type', p);
      return;
    }
    if (!BLOCK_TYPES.has(block.type)) {
      this.problem(`unsupported type: ${block.type}`, `${p}/type`);
      return;
    }
    // Slack wants action_ids unique within their block, not across the message or view.
    this.actionIds.clear();
    if (block.block_id !== undefined) {
      const id = block.block_id;
      if (typeof id !== 'string' || id.length === 0 || chars(id) > 255) {
        this.problem('must be a string of 1 to 255 characters', `${p}/block_id`);
      } else if (this.blockIds.has(id)) {
        this.problem(`duplicate block_id: ${id}`, `${p}/block_id`);
      } else {
        this.blockIds.add(id);
      }
    }
    switch (block.type) {
      case 'section':
        this.section(block, p);
        break;
      case 'header':
        this.text(block.text, `${p}/text`, { max: 150, plainOnly: true });
        break;
      case 'context':
        this.list(block.elements, `${p}/elements`, 10, (element, q) => {
          if (!isRecord(element) || element.type !== 'image') this.text(element, q, { max: 3000 });
        });
        break;
      case 'actions':
        this.list(block.elements, `${p}/elements`, 25, (element, q) => {
          this.element(element, q);
        });
        break;
      case 'input':
        this.hasInput = true;
        this.text(block.label, `${p}/label`, { max: 2000, plainOnly: true });
        if (block.hint !== undefined) {
          this.text(block.hint, `${p}/hint`, { max: 2000, plainOnly: true });
        }
        this.element(block.element, `${p}/element`);
        break;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length === 0) {
          this.problem('must be a non-empty string', `${p}/text`);
        } else if (chars(block.text) > 12_000) {
          this.problem('must be less than 12001 characters', `${p}/text`);
        }
        break;
      case 'image':
        if (typeof block.alt_text !== 'string' || chars(block.alt_text) > 2000) {
          this.problem('must be a string of at most 2000 characters', `${p}/alt_text`);
        }
        if (block.image_url === undefined && block.slack_file === undefined) {
          this.problem('must provide either image_url or slack_file', p);
        }
        break;
      default:
        break;
    }
  }

  private section(block: Json, p: string): void {
    if (block.text === undefined && block.fields === undefined) {
      this.problem('must provide either text or fields', p);
    }
    if (block.text !== undefined) this.text(block.text, `${p}/text`, { max: 3000 });
    if (block.fields !== undefined) {
      this.list(block.fields, `${p}/fields`, 10, (field, q) => {
        this.text(field, q, { max: 2000 });
      });
    }
    if (block.accessory !== undefined) this.element(block.accessory, `${p}/accessory`);
  }

  private list(
    value: unknown,
    p: string,
    max: number,
    each: (item: unknown, pointer: string) => void,
  ): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.problem('must be a non-empty array', p);
      return;
    }
    if (value.length > max) this.problem(`no more than ${max} items allowed`, p);
    value.forEach((item, i) => {
      each(item, `${p}/${i}`);
    });
  }

  text(value: unknown, p: string, rule: TextRule): void {
    if (!isRecord(value)) {
      this.problem('must be a text object', p);
      return;
    }
    const allowed = rule.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
      this.problem(`must be one of: ${allowed.join(', ')}`, `${p}/type`);
    }
    if (typeof value.text !== 'string' || value.text.length === 0) {
      this.problem('must be more than 0 characters', `${p}/text`);
    } else if (chars(value.text) > rule.max) {
      this.problem(`must be less than ${rule.max + 1} characters`, `${p}/text`);
    }
  }

  private maxString(value: unknown, p: string, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'string') this.problem('must be a string', p);
    else if (chars(value) > max) this.problem(`must be less than ${max + 1} characters`, p);
  }

  private element(element: unknown, p: string): void {
    if (!isRecord(element) || typeof element.type !== 'string') {
      this.problem('missing required field: type', p);
      return;
    }
    const actionId = element.action_id;
    if (actionId !== undefined) {
      if (typeof actionId !== 'string' || actionId.length === 0 || chars(actionId) > 255) {
        this.problem('must be a string of 1 to 255 characters', `${p}/action_id`);
      } else if (this.actionIds.has(actionId)) {
        this.problem(`duplicate action_id: ${actionId}`, `${p}/action_id`);
      } else {
        this.actionIds.add(actionId);
      }
    }
    if (element.placeholder !== undefined) {
      this.text(element.placeholder, `${p}/placeholder`, { max: 150, plainOnly: true });
    }
    if (element.confirm !== undefined) this.confirm(element.confirm, `${p}/confirm`);
    if (element.type === 'button') {
      this.text(element.text, `${p}/text`, { max: 75, plainOnly: true });
      this.maxString(element.value, `${p}/value`, 2000);
      this.maxString(element.url, `${p}/url`, 3000);
      this.maxString(element.accessibility_label, `${p}/accessibility_label`, 75);
      if (element.style !== undefined && !STYLES.has(String(element.style))) {
        this.problem('must be one of: primary, danger', `${p}/style`);
      }
    }
    if (element.type === 'plain_text_input') {
      this.maxString(element.initial_value, `${p}/initial_value`, 3000);
    }
  }

  private confirm(value: unknown, p: string): void {
    if (!isRecord(value)) {
      this.problem('must be a confirmation object', p);
      return;
    }
    this.text(value.title, `${p}/title`, { max: 100, plainOnly: true });
    this.text(value.text, `${p}/text`, { max: 300 });
    this.text(value.confirm, `${p}/confirm`, { max: 30, plainOnly: true });
    this.text(value.deny, `${p}/deny`, { max: 30, plainOnly: true });
    if (value.style !== undefined && !STYLES.has(String(value.style))) {
      this.problem('must be one of: primary, danger', `${p}/style`);
    }
  }
}

type BlocksCheck =
  | { blocks: Record<string, unknown>[]; failure?: undefined }
  | { blocks?: undefined; failure: Json };

/** The `blocks` argument of a message: JSON array of at most 50 valid blocks. */
function checkMessageBlocks(raw: unknown): BlocksCheck {
  if (!Array.isArray(raw)) {
    return {
      failure: fail('invalid_blocks_format', [
        '[ERROR] must be a JSON array [json-pointer:/blocks]',
      ]),
    };
  }
  const checker = new BlockKitChecker();
  checker.blocks(raw, '/blocks', MAX_MESSAGE_BLOCKS);
  if (checker.problems.length > 0) return { failure: fail('invalid_blocks', checker.problems) };
  return { blocks: raw.filter(isRecord) };
}

/** Problems with a `view` argument (modal or Home tab), as `invalid_arguments` messages. */
function viewProblems(view: Json): string[] {
  const checker = new BlockKitChecker();
  const p = '/view';
  if (view.type !== 'modal' && view.type !== 'home') {
    checker.problem('must be one of: modal, home', `${p}/type`);
  }
  if (view.type === 'modal') {
    checker.text(view.title, `${p}/title`, { max: 24, plainOnly: true });
  }
  for (const key of ['submit', 'close'] as const) {
    if (view[key] !== undefined && view[key] !== null) {
      checker.text(view[key], `${p}/${key}`, { max: 24, plainOnly: true });
    }
  }
  if (!Array.isArray(view.blocks)) checker.problem('must be an array', `${p}/blocks`);
  else checker.blocks(view.blocks, `${p}/blocks`, MAX_VIEW_BLOCKS);
  if (view.type === 'modal' && checker.hasInput && (view.submit === undefined || !view.submit)) {
    checker.problem('submit is required when an input block is used', `${p}/submit`);
  }
  for (const [key, max] of [
    ['callback_id', 255],
    ['private_metadata', 3000],
    ['external_id', 255],
  ] as const) {
    const value = view[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') checker.problem('must be a string', `${p}/${key}`);
    else if (chars(value) > max) {
      checker.problem(`must be less than ${max + 1} characters`, `${p}/${key}`);
    }
  }
  return checker.problems;
}

// ---------------------------------------------------------------------------------------------
// The server

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

type MethodHandler = (args: Json) => Json;

type MessageContent =
  | { content: Pick<FakeMessage, 'text' | 'blocks' | 'attachments'>; failure?: undefined }
  | { content?: undefined; failure: Json };

const MIME_TYPES: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  md: 'text/markdown',
  png: 'image/png',
};

class FakeSlackServer implements FakeSlack {
  readonly apiUrl: string;
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly refusedResponses: RefusedResponse[] = [];
  readonly views: RecordedView[] = [];

  private readonly token: string;
  private readonly users: Record<string, FakeUser>;
  private readonly usergroups: Record<string, string[]>;
  private readonly responseUrlUses: number;
  private outage: OutageMode = 'none';
  private readonly limits = new Map<string, RateLimit>();
  private readonly windows = new Map<string, number[]>();
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
  };

  constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeSlackOptions,
  ) {
    this.apiUrl = `${url}/api/`;
    this.token = options.token ?? DEFAULT_FAKE_TOKEN;
    this.users = options.users ?? {};
    this.usergroups = options.usergroups ?? {};
    this.responseUrlUses = options.responseUrlUses ?? 5;
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
    this.windows.delete(method);
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

  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.responses.length = 0;
    this.refusedResponses.length = 0;
    this.views.length = 0;
    this.outage = 'none';
    this.limits.clear();
    this.windows.clear();
    this.usedTriggers.clear();
    this.files.clear();
    this.responseUses.clear();
    this.openViews.clear();
    this.applyOptionLimits();
  }

  async close(): Promise<void> {
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
    const limited = this.overLimit(method);
    if (limited !== undefined) {
      return answer(429, fail('ratelimited'), { 'retry-after': String(limited) });
    }
    let result: Json;
    try {
      result = handler(args);
    } catch (error) {
      // A bug of the fake's own: answer as Slack does when it breaks, and keep the record.
      return answer(500, { ok: false, error: 'fatal_error', detail: String(error) });
    }
    answer(200, result);
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

  private applyOptionLimits(): void {
    for (const [method, limit] of Object.entries(this.options.rateLimits ?? {})) {
      if (limit) this.limits.set(method, { ...limit });
    }
  }

  /** Seconds to wait when `method` is over its limit now; otherwise counts the call. */
  private overLimit(method: string): number | undefined {
    const limit = this.limits.get(method);
    if (!limit) return undefined;
    const now = Date.now();
    const recent = (this.windows.get(method) ?? []).filter((at) => now - at < 1000);
    if (recent.length >= limit.perSecond) {
      this.windows.set(method, recent);
      return limit.retryAfter ?? 1;
    }
    recent.push(now);
    this.windows.set(method, recent);
    return undefined;
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

  private messageJson(message: FakeMessage): Json {
    const { botUserId, botId, appId, teamId } = fakeSlackIdentity;
    return {
      type: 'message',
      user: botUserId,
      bot_id: botId,
      app_id: appId,
      team: teamId,
      text: message.text ?? '',
      ts: message.ts,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.attachments ? { attachments: message.attachments } : {}),
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    };
  }

  private postMessage(args: Json): Json {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const { content, failure } = this.content(args);
    if (failure) return failure;
    const threadTs = str(args.thread_ts);
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...content,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    this.messages.push(message);
    return ok({ channel, ts: message.ts, message: this.messageJson(message) });
  }

  private updateMessage(args: Json): Json {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel) return fail('channel_not_found');
    if (!ts) return fail('message_not_found');
    const message = this.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!message) return fail('message_not_found');
    if (message.ephemeral) return fail('cant_update_message');
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
    message.updated = (message.updated ?? 0) + 1;
    return ok({ channel, ts, text: message.text ?? '', message: this.messageJson(message) });
  }

  private postEphemeral(args: Json): Json {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
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

  private completeUpload(args: Json): Json {
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
    for (const { file } of picked) file.completed = true;
    const attached: FakeMessageFile[] = picked.map(({ file, title }) => ({
      id: file.id,
      filename: file.filename,
      title,
      content: (file.bytes ?? Buffer.alloc(0)).toString('utf8'),
    }));
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
    const now = Math.floor(Date.now() / 1000);
    return ok({
      files: picked.map(({ file, title }) => {
        const extension = file.filename.includes('.')
          ? (file.filename.split('.').pop() ?? '').toLowerCase()
          : '';
        return {
          id: file.id,
          created: now,
          timestamp: now,
          name: file.filename,
          title,
          mimetype: MIME_TYPES[extension] ?? 'application/octet-stream',
          filetype: extension || 'binary',
          user: fakeSlackIdentity.botUserId,
          size: file.bytes?.length ?? 0,
          is_external: false,
          is_public: channels.length > 0,
          url_private: `${this.url}/files/${file.id}/${encodeURIComponent(file.filename)}`,
          permalink: `${fakeSlackIdentity.teamUrl}files/${fakeSlackIdentity.botUserId}/${file.id}`,
        };
      }),
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
        team_id: teamId,
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

  private conversationInfo(args: Json): Json {
    const id = str(args.channel);
    if (!id) return fail('channel_not_found');
    return ok({
      channel: {
        id,
        name: 'moderation',
        is_channel: true,
        is_private: false,
        is_archived: false,
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

/** A response_url body: JSON, or a form with a JSON `payload` as incoming webhooks accept. */
function parseResponseBody(type: string, raw: Buffer): Json | undefined {
  try {
    const text = raw.toString('utf8');
    const json: unknown =
      type === 'application/x-www-form-urlencoded'
        ? JSON.parse(new URLSearchParams(text).get('payload') ?? '')
        : JSON.parse(text);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}
