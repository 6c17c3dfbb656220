import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

const authTestSchema = z.object({
  bot_id: z.string().optional(),
  user_id: z.string().optional(),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
});

/**
 * Bolt's own single-token authorization calls `auth.test` on every request when it may not call
 * it at start (and we may not: Slack being down must not stop the app starting). This one calls
 * it once, on the first request, and remembers the answer; a failure is retried next time.
 */
export function cachedBotAuthorize(client: WebClient, botToken: string): Authorize<boolean> {
  let cached: Promise<AuthorizeResult> | undefined;
  return () => {
    cached ??= client.auth.test({ token: botToken }).then(
      (answer) => {
        const identity = authTestSchema.parse(answer);
        return {
          botToken,
          botId: identity.bot_id,
          botUserId: identity.user_id,
          teamId: identity.team_id,
          enterpriseId: identity.enterprise_id,
        };
      },
      (error: unknown) => {
        cached = undefined;
        throw error;
      },
    );
    return cached;
  };
}
