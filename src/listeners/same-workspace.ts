import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';
import { installedWorkspaceOf } from '../slack/authorize.js';
import { isFromServedWorkspace, workspaceOf } from '../slack/workspace.js';
import type { ListenerDeps } from './deps.js';
import { refuseRequest } from './tell.js';

export const OTHER_WORKSPACE =
  ':no_entry: recall-bot serves only the Slack workspace it is installed in, and this request came from another workspace, so nothing was done.';

/**
 * Every command, click, shortcut and form goes through here first: one from a team or an
 * enterprise other than the installed workspace (and those listed for Slack Connect) is answered
 * with a refusal the person sees, and goes no further: nothing is read, stored or used up.
 */
export function sameWorkspaceOnly(deps: Pick<ListenerDeps, 'allowedTeamIds' | 'logger'>) {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const request = workspaceOf(args.body);
    const installed = installedWorkspaceOf(args.context);
    if (isFromServedWorkspace(request, installed, deps.allowedTeamIds)) {
      await args.next();
      return;
    }
    deps.logger.info('refused a Slack request from another workspace', {
      teams: request.teams,
      enterprises: request.enterprises,
    });
    await refuseRequest(args, OTHER_WORKSPACE, deps.logger);
  };
}

export function register(app: App, deps: Pick<ListenerDeps, 'allowedTeamIds' | 'logger'>): void {
  app.use(sameWorkspaceOnly(deps));
}
