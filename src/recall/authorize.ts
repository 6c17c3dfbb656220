import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { withTimeout } from '../lib/sleep.js';
import type { Logger } from '../log.js';

export type Authorization = { allowed: true; because: string } | { allowed: false; reason: string };

const userInfoSchema = z.object({
  user: z.object({
    id: z.string(),
    deleted: z.boolean().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
    team_id: z.string().optional(),
  }),
});
const usergroupUsersSchema = z.object({ users: z.array(z.string()) });

/**
 * How long Slack's answer about one user (admin, owner) or one group (its members) is reused.
 * Long enough for the two checks of one click to ask Slack once, short enough that a demoted
 * admin or a removed member is refused by the next confirmation.
 */
export const AUTHORIZATION_CACHE_MS = 2_000;
/**
 * The longest a confirmation waits for Slack's answers, all lookups together; past it the answer
 * is no. The client given to the authorizer should not retry, and time out within this too.
 */
export const AUTHORIZATION_TIMEOUT_MS = 3_000;

export interface RecallAuthorizerOptions {
  /** Asks `users.info` and `usergroups.users.list`: without retries, see `AUTHORIZATION_TIMEOUT_MS`. */
  client: WebClient;
  allowedUsers: readonly string[];
  allowedUsergroups: readonly string[];
  logger: Logger;
  cacheMs?: number;
  timeoutMs?: number;
  now?: () => number;
  /**
   * The installed workspace's team, when other organisations are served (Slack Connect): an
   * admin or owner counts only when they are one of this team's, not of a partner's. Rejects
   * when Slack cannot say: the person is then told Slack could not confirm, and no answer is kept.
   */
  adminTeamId?: () => Promise<string | undefined>;
}

const COULD_NOT_CONFIRM =
  'Slack could not confirm your permission right now, so nothing was recalled; try again in a minute.';
const NOT_ALLOWED =
  'You are not allowed to recall messages. Ask a workspace admin to add you to RECALL_ALLOWED_USERS or to one of the RECALL_ALLOWED_USERGROUPS.';

/**
 * Who may recall, decided when a recall is confirmed, for the user who confirms: workspace
 * owners and admins, listed users, members of listed user groups. Slack's answers are reused for
 * a few seconds at most; when Slack cannot tell us within a few seconds, the answer is no.
 */
export class RecallAuthorizer {
  private readonly groupCache = new Map<string, { members: Set<string>; until: number }>();
  private readonly userCache = new Map<string, { privileged: boolean; until: number }>();
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RecallAuthorizerOptions) {
    this.cacheMs = options.cacheMs ?? AUTHORIZATION_CACHE_MS;
    this.timeoutMs = options.timeoutMs ?? AUTHORIZATION_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  async check(userId: string): Promise<Authorization> {
    const { allowedUsers, logger } = this.options;
    if (allowedUsers.includes(userId))
      return { allowed: true, because: 'listed in RECALL_ALLOWED_USERS' };
    try {
      const because = await withTimeout(
        this.privilegeOf(userId),
        this.timeoutMs,
        'Slack did not say who may recall',
      );
      return because ? { allowed: true, because } : { allowed: false, reason: NOT_ALLOWED };
    } catch (error) {
      logger.warn('could not check recall permission', { error, user: userId });
      return { allowed: false, reason: COULD_NOT_CONFIRM };
    }
  }

  /** Why Slack says `userId` may recall, or undefined when it says they may not. */
  private async privilegeOf(userId: string): Promise<string | undefined> {
    if (await this.isAdminOrOwner(userId)) return 'workspace admin or owner';
    for (const group of this.options.allowedUsergroups) {
      if ((await this.membersOf(group)).has(userId)) return `member of user group ${group}`;
    }
    return undefined;
  }

  private async isAdminOrOwner(userId: string): Promise<boolean> {
    const cached = this.userCache.get(userId);
    if (cached && cached.until > this.now()) return cached.privileged;
    const { user } = userInfoSchema.parse(await this.options.client.users.info({ user: userId }));
    const adminTeam = this.options.adminTeamId && (await this.options.adminTeamId());
    const ours =
      !this.options.adminTeamId || (adminTeam !== undefined && user.team_id === adminTeam);
    const privileged =
      ours && !user.deleted && Boolean(user.is_admin || user.is_owner || user.is_primary_owner);
    this.userCache.set(userId, { privileged, until: this.now() + this.cacheMs });
    this.forgetExpired(this.userCache);
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
    this.forgetExpired(this.groupCache);
    return members;
  }

  /** Answers are kept seconds, not forever: the caches stay as small as the users of a moment. */
  private forgetExpired(cache: Map<string, { until: number }>): void {
    if (cache.size < 100) return;
    const now = this.now();
    for (const [key, entry] of cache) if (entry.until <= now) cache.delete(key);
  }
}
