import type { App } from '@slack/bolt';
import * as recallButtons from './actions/recall-buttons.js';
import * as recallCommand from './commands/recall-command.js';
import type { ListenerDeps } from './deps.js';
import * as recallMessagesShortcut from './shortcuts/recall-messages.js';
import * as recallModal from './views/recall-modal.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  // What no listener caught: logged, never taking the process down.
  app.error(async (error) => {
    deps.logger.error('a Slack listener failed', { error });
  });
  recallCommand.register(app, deps);
  recallMessagesShortcut.register(app, deps);
  recallButtons.register(app, deps);
  recallModal.register(app, deps);
}
