/**
 * The file upload flow: `files.getUploadURLExternal` hands out an upload URL, the bytes arrive
 * there (`POST /upload/v1/{file id}`), and `files.completeUploadExternal` shares the file.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkMessageBlocks } from './block-kit.js';
import type { ChannelRules } from './channels.js';
import { MAX_TEXT } from './chat.js';
import { fakeSlackIdentity } from './identity.js';
import type { SlackIds } from './ids.js';
import { fileKind } from './render.js';
import { mediaType, parseMultipart } from './requests.js';
import type { FakeMessage, FakeMessageFile } from './types.js';
import {
  chars,
  fail,
  type HttpAnswer,
  isRecord,
  type Json,
  type MethodTable,
  ok,
  send,
  str,
} from './wire.js';

interface StoredFile {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
  completed: boolean;
}

export class FileUploads {
  readonly methods: MethodTable = {
    'files.getUploadURLExternal': (args) => this.getUploadUrl(args),
    'files.completeUploadExternal': (args) => this.completeUpload(args),
  };

  private readonly files = new Map<string, StoredFile>();
  private shareDelayMs = 0;
  private readonly shareTimers = new Set<NodeJS.Timeout>();

  /** `messages`: the channels' messages, where shares appear. */
  constructor(
    private readonly url: string,
    private readonly messages: FakeMessage[],
    private readonly channels: ChannelRules,
    private readonly ids: SlackIds,
  ) {}

  /** A share appears `ms` after `files.completeUploadExternal` answers; 0: at once. */
  setShareDelay(ms: number): void {
    this.shareDelayMs = ms;
  }

  /** Drops the shares not yet made and shares at once from now on. */
  cancelShares(): void {
    for (const timer of this.shareTimers) clearTimeout(timer);
    this.shareTimers.clear();
    this.shareDelayMs = 0;
  }

  reset(): void {
    this.cancelShares();
    this.files.clear();
  }

  /** The bytes of a file at its upload URL: raw, or the file part of a multipart form. */
  async receive(req: IncomingMessage, res: ServerResponse, fileId: string, body?: Buffer) {
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

  private getUploadUrl(args: Json): Json {
    const filename = str(args.filename);
    const length = Number(str(args.length));
    const problems: string[] = [];
    if (!filename) problems.push('[ERROR] missing required field: filename');
    if (!Number.isInteger(length) || length <= 0) {
      problems.push('[ERROR] length must be a positive integer');
    }
    if (!filename || problems.length > 0) return fail('invalid_arguments', problems);
    const id = `F${this.ids.nextId(10)}`;
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
    this.share(() => {
      for (const channel of channels) {
        this.messages.push({
          channel,
          ts: this.ids.nextTs(),
          text: comment ?? '',
          ...(blocks?.length ? { blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          files: attached.map((f) => ({ ...f })),
        });
      }
    });
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

  /** Slack shares a file in the background: the share may appear after the answer. */
  private share(post: () => void): void {
    if (this.shareDelayMs <= 0) {
      post();
      return;
    }
    const timer = setTimeout(() => {
      this.shareTimers.delete(timer);
      post();
    }, this.shareDelayMs);
    this.shareTimers.add(timer);
  }
}
