import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { InstalledWorkspace } from './workspace.js';

const authTestSchema = z.object({
  bot_id: z.string().optional(),
  user_id: z.string().optional(),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
});

/** The installed workspace, as the app's authorization puts it into every request's context. */
export function installedWorkspaceOf(context: Record<string, unknown>): InstalledWorkspace {
  const installed = installedSchema.safeParse(context.installedWorkspace);
  return installed.success ? installed.data : {};
}

const installedSchema = z.object({
  teamId: z.string().optional(),
  enterpriseId: z.string().optional(),
});

/** Bolt's authorization, which also tells the app which team installed it. */
export type BotAuthorize = Authorize<boolean> & {
  /**
   * The installed workspace's team, from the same cached `auth.test` (undefined when it names
   * none). Rejects while Slack cannot answer, so that a caller does not take that for a no.
   */
  installedTeamId(): Promise<string | undefined>;
};

/**
 * Bolt's own single-token authorization calls `auth.test` on every request when it may not call
 * it at start (and we may not: Slack being down must not stop the app starting). This one calls
 * it once, on the first request, and remembers the answer; a failure is retried next time.
 */
export function cachedBotAuthorize(client: WebClient, botToken: string): BotAuthorize {
  let cached: Promise<AuthorizeResult> | undefined;
  const authorize = () => {
    cached ??= client.auth.test({ token: botToken }).then(
      (answer) => {
        const identity = authTestSchema.parse(answer);
        return {
          botToken,
          botId: identity.bot_id,
          botUserId: identity.user_id,
          teamId: identity.team_id,
          enterpriseId: identity.enterprise_id,
          // Kept apart from `teamId`, which Bolt fills from the request when auth.test has none.
          installedWorkspace: {
            teamId: identity.team_id,
            enterpriseId: identity.enterprise_id,
          } satisfies InstalledWorkspace,
        };
      },
      (error: unknown) => {
        cached = undefined;
        throw error;
      },
    );
    return cached;
  };
  const installedTeamId = async () => installedWorkspaceOf(await authorize()).teamId;
  return Object.assign(authorize, { installedTeamId });
}
