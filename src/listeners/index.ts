import type { App } from '@slack/bolt';
import { RECALL_MODAL_ID, RECALL_SHORTCUT_ID } from '../slack/ids.js';
import * as recallButtons from './actions/recall-buttons.js';
import * as recallCommand from './commands/recall-command.js';
import type { ListenerDeps } from './deps.js';
import * as knownOnly from './known-only.js';
import * as sameWorkspace from './same-workspace.js';
import * as recallMessagesShortcut from './shortcuts/recall-messages.js';
import * as recallModal from './views/recall-modal.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  // What no listener caught: logged, never taking the process down.
  app.error(async (error) => {
    deps.logger.error('a Slack listener failed', { error });
  });
  // Before every listener, in this order: requests from another workspace go no further, and
  // what no listener handles is answered at once.
  sameWorkspace.register(app, deps);
  knownOnly.register(
    app,
    {
      commands: [recallCommand.RECALL_COMMAND],
      actions: recallButtons.RECALL_BUTTON_ACTION_IDS,
      views: [RECALL_MODAL_ID],
      messageShortcuts: [RECALL_SHORTCUT_ID],
    },
    deps,
  );
  recallCommand.register(app, deps);
  recallMessagesShortcut.register(app, deps);
  recallButtons.register(app, deps);
  recallModal.register(app, deps);
}
