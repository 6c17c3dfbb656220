import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerListeners } from '../../../src/listeners/index.js';
import { NOT_KNOWN } from '../../../src/listeners/known-only.js';
import { OTHER_WORKSPACE } from '../../../src/listeners/same-workspace.js';
import { HELP_TEXT } from '../../../src/recall/messages.js';
import {
  buttonArgs,
  commandArgs,
  type ListenerFakes,
  listenerFakes,
} from '../../helpers/listener-args.js';
import { listenerDeps } from '../../helpers/listener-world.js';
import { type LoggedLine, recordingLogger } from '../../helpers/logger.js';
import { channelClickPayload } from '../../helpers/slack-requests.js';
import { openTestStore, type TestStore } from '../../helpers/store.js';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;
type Listener = (args: Args) => Promise<void>;

/**
 * The little of Bolt's `App` that registering uses; it keeps what was registered and runs a
 * request as Bolt does: global middleware in order, each calling `next()`, then the listener.
 */
class FakeApp {
  errorHandler: ((error: Error) => Promise<void>) | undefined;
  readonly middleware: Listener[] = [];
  readonly commands = new Map<string, Listener>();
  readonly actions = new Map<string, Listener>();
  readonly views = new Map<string, Listener>();
  readonly shortcuts: { constraints: unknown; listener: Listener }[] = [];

  error(handler: (error: Error) => Promise<void>) {
    this.errorHandler = handler;
  }
  use(middleware: Listener) {
    this.middleware.push(middleware);
  }
  command(name: string, listener: Listener) {
    this.commands.set(name, listener);
  }
  action(actionId: string, listener: Listener) {
    this.actions.set(actionId, listener);
  }
  view(callbackId: string, listener: Listener) {
    this.views.set(callbackId, listener);
  }
  shortcut(constraints: unknown, listener: Listener) {
    this.shortcuts.push({ constraints, listener });
  }

  async dispatch(args: Args, listener: Listener | undefined): Promise<void> {
    const chain = [...this.middleware, ...(listener ? [listener] : [])];
    const run = async (i: number): Promise<void> => {
      await chain[i]?.({ ...args, next: () => run(i + 1) });
    };
    await run(0);
  }
}

describe('registerListeners', () => {
  let stores: TestStore;
  let app: FakeApp;
  let fakes: ListenerFakes;
  let lines: LoggedLine[];

  beforeAll(() => {
    stores = openTestStore();
  });
  afterAll(async () => {
    await stores.close();
  });
  beforeEach(() => {
    app = new FakeApp();
    fakes = listenerFakes();
    const recorded = recordingLogger();
    lines = recorded.lines;
    registerListeners(app as unknown as App, listenerDeps({ stores, logger: recorded.logger }));
  });

  it('registers the command, the shortcut, every button and the form', () => {
    expect([...app.commands.keys()]).toEqual(['/recall']);
    expect(app.shortcuts.map((s) => s.constraints)).toEqual([
      { callback_id: 'recall_messages', type: 'message_action' },
    ]);
    expect([...app.actions.keys()].sort()).toEqual([
      'cancel_recall',
      'confirm_recall',
      'feed_recall',
      'feed_recall_all',
      'retry_recall',
    ]);
    expect([...app.views.keys()]).toEqual(['recall_modal']);
    expect(app.middleware).toHaveLength(2);
  });

  it('logs what no listener caught, and never throws it', async () => {
    await app.errorHandler?.(new Error('listener bug'));
    expect(lines.map((l) => [l.level, l.message])).toEqual([['error', 'a Slack listener failed']]);
  });

  it('runs a request of the workspace through both checks to its listener', async () => {
    await app.dispatch(commandArgs(fakes, { text: 'help' }), app.commands.get('/recall'));
    expect(fakes.acks()).toEqual([{ response_type: 'ephemeral', text: HELP_TEXT }]);
  });

  it('stops a request of another workspace first, before anything else sees it', async () => {
    await app.dispatch(
      commandArgs(fakes, { text: 'help', team_id: 'TOTHER' }),
      app.commands.get('/recall'),
    );
    expect(fakes.acks()).toEqual([{ response_type: 'ephemeral', text: OTHER_WORKSPACE }]);
  });

  it('answers a button no listener takes, at once', async () => {
    const body = channelClickPayload({ actionId: 'old_button', userId: 'UMOD', channelId: 'C1' });
    await app.dispatch(buttonArgs(fakes, body), app.actions.get('old_button'));
    expect(fakes.calls('chat.postEphemeral')).toEqual([
      { channel: 'C1', user: 'UMOD', text: NOT_KNOWN },
    ]);
  });
});
