/**
 * The fake's plumbing: routing of its three kinds of URL, then for a Web API call the outage,
 * the token, the content rules, queued faults, the scope and the rate limit, before the method
 * of the part that serves it (chat, files, views, directory); held answers wait for `release()`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CallLog, pollUntil } from './calls.js';
import { ChannelRules } from './channels.js';
import { ChatMethods } from './chat.js';
import { Directory } from './directory.js';
import { type MethodFault, MethodFaults } from './faults.js';
import { FileUploads } from './files.js';
import { AnswerHolds, type HeldAnswers } from './holds.js';
import { DEFAULT_FAKE_TOKEN } from './identity.js';
import { SlackIds } from './ids.js';
import { MethodLimits } from './limits.js';
import { bearer, parseArgs, readBody, safeDecode } from './requests.js';
import { ResponseUrls } from './response-urls.js';
import type {
  FakeSlack,
  FakeSlackOptions,
  FakeUser,
  OutageMode,
  RateLimit,
  RecordedCall,
} from './types.js';
import { ViewMethods } from './views.js';
import {
  fail,
  HttpAnswer,
  type Json,
  type MethodHandler,
  type MethodTable,
  send,
  str,
} from './wire.js';

/** Methods whose content `refuseContaining` looks at. */
const CONTENT_METHODS = new Set([
  'chat.postMessage',
  'chat.update',
  'files.completeUploadExternal',
]);

export class FakeSlackServer implements FakeSlack {
  readonly apiUrl: string;

  private readonly token: string;
  private readonly ids = new SlackIds();
  private readonly log = new CallLog();
  private readonly channels: ChannelRules;
  private readonly chat: ChatMethods;
  private readonly files: FileUploads;
  private readonly viewMethods: ViewMethods;
  private readonly directory: Directory;
  private readonly responseUrls: ResponseUrls;
  private readonly methods: MethodTable;
  private outage: OutageMode = 'none';
  private readonly limits: MethodLimits;
  private readonly faults = new MethodFaults();
  private readonly holds = new AnswerHolds();
  private readonly refusals: { text: string; error: string }[] = [];

  constructor(
    private readonly server: Server,
    readonly url: string,
    options: FakeSlackOptions,
  ) {
    this.apiUrl = `${url}/api/`;
    this.token = options.token ?? DEFAULT_FAKE_TOKEN;
    this.channels = new ChannelRules(options.channelPostLimit);
    this.chat = new ChatMethods(this.channels, this.ids);
    this.files = new FileUploads(url, this.chat.messages, this.channels, this.ids);
    this.viewMethods = new ViewMethods(this.ids);
    this.directory = new Directory(options);
    this.responseUrls = new ResponseUrls(url, options.responseUrlUses ?? 5, this.ids);
    this.methods = {
      ...this.directory.methods,
      ...this.chat.methods,
      ...this.files.methods,
      ...this.viewMethods.methods,
    };
    this.limits = new MethodLimits(options);
  }

  // -- what a test reads (see `FakeSlack`) ----------------------------------------------------

  get calls(): RecordedCall[] {
    return this.log.calls;
  }
  get messages() {
    return this.chat.messages;
  }
  get deletedMessages() {
    return this.chat.deletedMessages;
  }
  get responses() {
    return this.responseUrls.accepted;
  }
  get refusedResponses() {
    return this.responseUrls.refused;
  }
  get views() {
    return this.viewMethods.views;
  }

  // -- controls -------------------------------------------------------------------------------

  responseUrl(id?: string): string {
    return this.responseUrls.url(id);
  }
  setOutage(mode: OutageMode): void {
    this.outage = mode;
  }
  setRateLimit(method: string, limit: RateLimit | undefined): void {
    this.limits.setRateLimit(method, limit);
  }
  setFileShareDelay(ms: number): void {
    this.files.setShareDelay(ms);
  }
  refuseContaining(text: string, error: string): void {
    this.refusals.push({ text, error });
  }
  setChannelPostLimit(limit: RateLimit | undefined): void {
    this.channels.setPostLimit(limit);
  }
  setMissingScopes(scopes: string[]): void {
    this.limits.setMissingScopes(scopes);
  }
  setUser(id: string, user: FakeUser | undefined): void {
    this.directory.setUser(id, user);
  }
  setUsergroup(id: string, members: string[] | undefined): void {
    this.directory.setUsergroup(id, members);
  }
  failNext(method: string, fault: MethodFault, times = 1): void {
    this.faults.add(method, fault, times);
  }
  hold(method: string): HeldAnswers {
    return this.holds.hold(method);
  }
  deleteMessage(channel: string, ts: string): boolean {
    return this.chat.deleteMessage(channel, ts);
  }
  archiveChannel(channel: string): void {
    this.channels.archive(channel);
  }
  unarchiveChannel(channel: string): void {
    this.channels.unarchive(channel);
  }

  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
    return pollUntil(predicate, timeoutMs, (lastError) =>
      this.log.explain(`waitFor timed out after ${timeoutMs} ms`, lastError, this, this.outage),
    );
  }

  reset(): void {
    this.refusals.length = 0;
    this.files.reset();
    this.holds.releaseAll();
    this.faults.clear();
    this.channels.reset();
    this.log.reset();
    this.chat.reset();
    this.responseUrls.reset();
    this.viewMethods.reset();
    this.outage = 'none';
    this.limits.reset();
    this.directory.reset();
  }

  async close(): Promise<void> {
    this.refusals.length = 0;
    this.files.cancelShares();
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
      const body = await readBody(req);
      if (this.downAnswer(res, () => {})) return;
      await this.files.receive(req, res, safeDecode(path.slice('/upload/v1/'.length)), body);
    } else if (path.startsWith('/response/')) {
      const body = await readBody(req);
      if (this.downAnswer(res, () => {})) return;
      this.responseUrls.receive(req, res, safeDecode(path.slice('/response/'.length)), body);
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
      this.log.record(method, {}, 413, fail('request_too_large'));
      send(res, 413, fail('request_too_large'), { connection: 'close' });
      return;
    }
    const { args, error: parseError } = await parseArgs(req, body, query);
    const record = (status: number, result: Json) => this.log.record(method, args, status, result);
    const answer = (status: number, result: Json) => {
      record(status, result);
      send(res, status, result);
    };
    if (this.downAnswer(res, (status, error) => record(status, fail(error)))) return;
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
    if (fault) return this.faults.apply(res, fault, record);
    const result = this.perform(method, handler, args);
    record(result.status, result.body);
    const deliver = () => send(res, result.status, result.body, result.headers);
    if (!this.holds.keep(method, res, deliver)) deliver();
  }

  /** A call whose token is good: its scope, its rate limit, then the method itself. */
  private perform(method: string, handler: MethodHandler, args: Json): HttpAnswer {
    const refused = this.limits.refusal(method, args);
    if (refused) return refused;
    try {
      const result = handler(args);
      return result instanceof HttpAnswer ? result : new HttpAnswer(200, result);
    } catch (error) {
      // A bug of the fake's own: answer as Slack does when it breaks, and keep the record.
      return new HttpAnswer(500, { ok: false, error: 'fatal_error', detail: String(error) });
    }
  }
}
