/**
 * Fakes for unit tests of listeners, as slack-samples/bolt-ts-starter-template has them: a
 * listener is called directly with the args Bolt would give it, its `ack` and `client` fakes
 * that keep, in order, everything it did.
 */
import type {
  AllMiddlewareArgs,
  BlockAction,
  Context,
  MessageShortcut,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
  SlashCommand,
  ViewOutput,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { fakeSlackIdentity } from '../fakes/slack-api.js';
import { quietSlackLogger } from './logger.js';
import { newTriggerId } from './slack-requests.js';

/** One thing a listener did: its `ack` (with what it answered), `next()`, or a Web API call. */
export type Step =
  | { kind: 'ack'; response: unknown }
  | { kind: 'next' }
  | { kind: 'call'; method: string; args: Record<string, unknown> };

/**
 * What a listener does with a click it turns away that has no response URL: acks, then tells the
 * person beside the message.
 */
export function ackedThenToldBeside(note: { channel: string; user: string; text: string }): Step[] {
  return [
    { kind: 'ack', response: undefined },
    { kind: 'call', method: 'chat.postEphemeral', args: note },
  ];
}

/** The Web API methods listeners call, and what the fake answers each. */
const ANSWERS: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
  'chat.postMessage': (args) => ({ channel: args.channel, ts: '1700000000.000100' }),
  'chat.postEphemeral': () => ({ message_ts: '1700000000.000200' }),
  'chat.update': (args) => ({ channel: args.channel, ts: args.ts }),
  'views.open': () => ({ view: { id: 'V0FAKE' } }),
  'conversations.open': (args) => ({ channel: { id: `D${String(args.users).slice(1)}` } }),
  filesUploadV2: () => ({ files: [] }),
};

export interface ListenerFakes {
  /** Everything the listener did, in order. */
  readonly steps: Step[];
  ack: (response?: unknown) => Promise<void>;
  next: () => Promise<void>;
  client: WebClient;
  /** What the listener answered with `ack`, each time. */
  acks(): unknown[];
  /** The arguments of each call of `method`. */
  calls(method: string): Record<string, unknown>[];
  /** From now on calls of `method` fail, as Slack refusing them would. */
  failing: Set<string>;
}

export function listenerFakes(): ListenerFakes {
  const steps: Step[] = [];
  const failing = new Set<string>();
  const call = (method: string) => async (args: Record<string, unknown>) => {
    steps.push({ kind: 'call', method, args });
    if (failing.has(method)) throw new Error(`An API error occurred: ${method} failed`);
    return { ok: true, ...ANSWERS[method]?.(args) };
  };
  const client = {
    chat: {
      postMessage: call('chat.postMessage'),
      postEphemeral: call('chat.postEphemeral'),
      update: call('chat.update'),
    },
    views: { open: call('views.open') },
    conversations: { open: call('conversations.open') },
    filesUploadV2: call('filesUploadV2'),
  };
  return {
    steps,
    failing,
    ack: async (response?: unknown) => {
      steps.push({ kind: 'ack', response });
    },
    next: async () => {
      steps.push({ kind: 'next' });
    },
    // Only the methods above: a listener calling another fails the test with a TypeError.
    client: client as unknown as WebClient,
    acks: () => steps.flatMap((s) => (s.kind === 'ack' ? [s.response] : [])),
    calls: (method) =>
      steps.flatMap((s) => (s.kind === 'call' && s.method === method ? [s.args] : [])),
  };
}

const noReply = async () => {
  throw new Error('the listener used say() or respond(), which this app never does');
};

/** What every listener gets besides its request: the context of the installed workspace. */
function common(fakes: ListenerFakes): AllMiddlewareArgs {
  const context: Context = {
    isEnterpriseInstall: false,
    installedWorkspace: { teamId: fakeSlackIdentity.teamId },
  };
  return { context, logger: quietSlackLogger, client: fakes.client, next: fakes.next };
}

export const TEAM_ID = fakeSlackIdentity.teamId;

/** A slash command as Slack sends it; `fields` replace its defaults. */
export function commandArgs(
  fakes: ListenerFakes,
  fields: Partial<SlashCommand> = {},
): SlackCommandMiddlewareArgs & AllMiddlewareArgs {
  const command: SlashCommand = {
    token: 'legacy-verification-token',
    command: '/recall',
    text: '',
    // Nothing listens there: a test that expects a post gives a fake Slack's response URL.
    response_url: 'http://127.0.0.1:9/response/unused',
    trigger_id: newTriggerId(),
    user_id: 'UADMIN',
    user_name: 'admin',
    team_id: TEAM_ID,
    team_domain: 'test',
    channel_id: 'CWORK000001',
    channel_name: 'incident',
    api_app_id: fakeSlackIdentity.appId,
    ...fields,
  };
  return {
    ...common(fakes),
    payload: command,
    command,
    body: command,
    say: noReply,
    respond: noReply,
    ack: fakes.ack,
  };
}

/** A click on a button; `body` as `blockActionPayload` builds it (or anything, to be refused). */
export function buttonArgs(
  fakes: ListenerFakes,
  body: Record<string, unknown>,
): SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs {
  // The listeners read the body through their own schemas: its Bolt type is not relied on.
  const action = body as unknown as BlockAction;
  return {
    ...common(fakes),
    payload: action.actions?.[0] as BlockAction['actions'][number],
    action: action.actions?.[0] as BlockAction['actions'][number],
    body: action,
    say: noReply,
    respond: noReply,
    ack: fakes.ack,
  };
}

/** A submitted form; `body` as `viewSubmissionPayload` builds it. */
export function viewArgs(
  fakes: ListenerFakes,
  body: Record<string, unknown>,
): SlackViewMiddlewareArgs & AllMiddlewareArgs {
  const submission = body as unknown as SlackViewAction;
  const view = body.view as ViewOutput;
  return {
    ...common(fakes),
    payload: view,
    view,
    body: submission,
    respond: noReply,
    ack: fakes.ack,
  };
}

/** A message shortcut; `body` as `messageShortcutPayload` builds it. */
export function shortcutArgs(
  fakes: ListenerFakes,
  body: Record<string, unknown>,
): SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs {
  const shortcut = body as unknown as MessageShortcut;
  return {
    ...common(fakes),
    payload: shortcut,
    shortcut,
    body: shortcut,
    say: noReply,
    respond: noReply,
    ack: fakes.ack,
  };
}

/** A request for a select menu's options (the app has none: it is refused). */
export function optionsArgs(
  fakes: ListenerFakes,
  body: Record<string, unknown>,
): SlackOptionsMiddlewareArgs & AllMiddlewareArgs {
  const options = body as unknown as SlackOptionsMiddlewareArgs['payload'];
  return { ...common(fakes), payload: options, options, body: options, ack: fakes.ack };
}

/** An Events API event (the app registers no listener for one; middleware lets it through). */
export function eventArgs(
  fakes: ListenerFakes,
  body: Record<string, unknown>,
): SlackEventMiddlewareArgs & AllMiddlewareArgs {
  const envelope = body as unknown as SlackEventMiddlewareArgs['body'];
  const event = body.event as SlackEventMiddlewareArgs['event'];
  return { ...common(fakes), payload: event, event, body: envelope };
}
