import type { App } from '@slack/bolt';
import * as recallButtons from './actions/recall-buttons.js';
import * as recallCommand from './commands/recall-command.js';
import type { ListenerDeps } from './deps.js';
import * as recallMessagesShortcut from './shortcuts/recall-messages.js';
import * as recallModal from './views/recall-modal.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  recallCommand.register(app, deps);
  recallMessagesShortcut.register(app);
  recallButtons.register(app, deps);
  recallModal.register(app, deps);
}
