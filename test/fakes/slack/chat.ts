/**
 * Chat methods: `chat.postMessage`, `chat.update`, `chat.postEphemeral`, and the `conversations.*`
 * reads over the messages they leave (`info`, `history`, `replies`).
 */
import { checkMessageBlocks } from './block-kit.js';
import type { ChannelRules } from './channels.js';
import { conversationsHistory, conversationsReplies } from './history.js';
import type { SlackIds } from './ids.js';
import { readMetadata } from './metadata.js';
import { messageJson } from './render.js';
import type { FakeMessage } from './types.js';
import { chars, fail, type HttpAnswer, type Json, type MethodTable, ok, str } from './wire.js';

/** The longest message text Slack accepts (docs.slack.dev, chat.postMessage). */
export const MAX_TEXT = 40_000;

type ThreadArg =
  | { ts: string | undefined; failure?: undefined }
  | { ts?: undefined; failure: Json };

type MessageContent =
  | { content: Pick<FakeMessage, 'text' | 'blocks' | 'attachments'>; failure?: undefined }
  | { content?: undefined; failure: Json };

export class ChatMethods {
  /** What the channels hold: posts, thread replies, file shares and ephemeral messages. */
  readonly messages: FakeMessage[] = [];
  /** Messages a person deleted (`deleteMessage`), no longer in `messages`. */
  readonly deletedMessages: FakeMessage[] = [];

  readonly methods: MethodTable = {
    'chat.postMessage': (args) => this.postMessage(args),
    'chat.update': (args) => this.updateMessage(args),
    'chat.postEphemeral': (args) => this.postEphemeral(args),
    'conversations.info': (args) => this.conversationInfo(args),
    'conversations.history': (args) => conversationsHistory(this.messages, args),
    'conversations.replies': (args) => conversationsReplies(this.messages, args),
  };

  constructor(
    private readonly channels: ChannelRules,
    private readonly ids: SlackIds,
  ) {}

  /** A person deletes a message; false when the channel has no such message. */
  deleteMessage(channel: string, ts: string): boolean {
    const i = this.messages.findIndex((m) => m.channel === channel && m.ts === ts && !m.ephemeral);
    const [message] = i < 0 ? [] : this.messages.splice(i, 1);
    if (!message) return false;
    this.deletedMessages.push(message);
    return true;
  }

  reset(): void {
    this.messages.length = 0;
    this.deletedMessages.length = 0;
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
      ts: this.ids.nextTs(),
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
      ts: this.ids.nextTs(),
      ...content,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ephemeral: true,
      user,
    };
    this.messages.push(message);
    return ok({ message_ts: message.ts });
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
}
