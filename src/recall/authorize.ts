import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../log.js';

export type Authorization = { allowed: true; because: string } | { allowed: false; reason: string };

const userInfoSchema = z.object({
  user: z.object({
    id: z.string(),
    deleted: z.boolean().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
  }),
});
const usergroupUsersSchema = z.object({ users: z.array(z.string()) });

export interface RecallAuthorizerOptions {
  client: WebClient;
  allowedUsers: readonly string[];
  allowedUsergroups: readonly string[];
  logger: Logger;
  /** How long a user's admin status and a group's members are trusted (both can change). */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Who may recall, decided when a recall is confirmed, for the user who confirms: workspace
 * owners and admins, listed users, members of listed user groups. When Slack cannot tell us, the
 * answer is no.
 */
export class RecallAuthorizer {
  private readonly groupCache = new Map<string, { members: Set<string>; until: number }>();
  private readonly userCache = new Map<string, { privileged: boolean; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RecallAuthorizerOptions) {
    this.cacheMs = options.cacheMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async check(userId: string): Promise<Authorization> {
    const { allowedUsers, allowedUsergroups, logger } = this.options;
    if (allowedUsers.includes(userId))
      return { allowed: true, because: 'listed in RECALL_ALLOWED_USERS' };
    try {
      if (await this.isAdminOrOwner(userId))
        return { allowed: true, because: 'workspace admin or owner' };
      for (const group of allowedUsergroups) {
        if ((await this.membersOf(group)).has(userId)) {
          return { allowed: true, because: `member of user group ${group}` };
        }
      }
    } catch (error) {
      logger.warn('could not check recall permission', { error, user: userId });
      return {
        allowed: false,
        reason: 'Slack could not confirm your permission right now; try again in a minute.',
      };
    }
    return {
      allowed: false,
      reason:
        'You are not allowed to recall messages. Ask a workspace admin to add you to RECALL_ALLOWED_USERS or to one of the RECALL_ALLOWED_USERGROUPS.',
    };
  }

  /** Admin and owner status, cached as briefly as group membership (`users.info` is Tier 4). */
  private async isAdminOrOwner(userId: string): Promise<boolean> {
    const cached = this.userCache.get(userId);
    if (cached && cached.until > this.now()) return cached.privileged;
    const { user } = userInfoSchema.parse(await this.options.client.users.info({ user: userId }));
    const privileged =
      !user.deleted && Boolean(user.is_admin || user.is_owner || user.is_primary_owner);
    this.userCache.set(userId, { privileged, until: this.now() + this.cacheMs });
    return privileged;
  }

  private async membersOf(group: string): Promise<Set<string>> {
    const cached = this.groupCache.get(group);
    if (cached && cached.until > this.now()) return cached.members;
    const answer = usergroupUsersSchema.parse(
      await this.options.client.usergroups.users.list({ usergroup: group }),
    );
    const members = new Set(answer.users);
    this.groupCache.set(group, { members, until: this.now() + this.cacheMs });
    return members;
  }
}
