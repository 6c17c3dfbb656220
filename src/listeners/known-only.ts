import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';
import type { ListenerDeps } from './deps.js';
import { refuseRequest } from './tell.js';

/** What the listeners handle: commands, buttons (`action_id`), submitted forms and message shortcuts (`callback_id`). */
export interface HandledRequests {
  commands: readonly string[];
  actions: readonly string[];
  views: readonly string[];
  messageShortcuts: readonly string[];
}

export const NOT_KNOWN =
  ':warning: recall-bot does not know this button or form (it may come from an older version of the app), so nothing was done. Start again with `/recall`.';

function isHandled(args: AnyMiddlewareArgs, handled: HandledRequests): boolean {
  if ('command' in args) return handled.commands.includes(args.command.command);
  if ('view' in args) {
    return args.body.type === 'view_submission' && handled.views.includes(args.view.callback_id);
  }
  if ('shortcut' in args) {
    const { shortcut } = args;
    return (
      shortcut.type === 'message_action' && handled.messageShortcuts.includes(shortcut.callback_id)
    );
  }
  if ('action' in args) {
    const { action } = args;
    return 'action_id' in action && handled.actions.includes(action.action_id);
  }
  return true;
}

/**
 * A request no listener would take (a button of an older version, a forged form) is answered at
 * once with a note the person sees, instead of Slack's timeout and an error in our log.
 */
export function knownRequestsOnly(handled: HandledRequests, deps: Pick<ListenerDeps, 'logger'>) {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    if (isHandled(args, handled)) {
      await args.next();
      return;
    }
    deps.logger.info('answered a Slack request that no listener handles');
    await refuseRequest(args, NOT_KNOWN, deps.logger);
  };
}

export function register(
  app: App,
  handled: HandledRequests,
  deps: Pick<ListenerDeps, 'logger'>,
): void {
  app.use(knownRequestsOnly(handled, deps));
}
