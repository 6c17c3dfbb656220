/**
 * Who is in the workspace: `auth.test` (the bot and its team), `users.info`,
 * `usergroups.users.list`, and `conversations.open` (a direct message with a known user).
 */
import { fakeSlackIdentity } from './identity.js';
import type { FakeSlackOptions, FakeUser } from './types.js';
import { fail, type Json, type MethodTable, ok, str } from './wire.js';

export class Directory {
  readonly methods: MethodTable = {
    'auth.test': () => this.authTest(),
    'users.info': (args) => this.userInfo(args),
    'usergroups.users.list': (args) => this.usergroupUsers(args),
    'conversations.open': (args) => this.conversationOpen(args),
  };

  private users: Record<string, FakeUser> = {};
  private usergroups: Record<string, string[]> = {};

  constructor(private readonly options: Pick<FakeSlackOptions, 'users' | 'usergroups'>) {
    this.reset();
  }

  setUser(id: string, user: FakeUser | undefined): void {
    if (user) this.users[id] = { ...user };
    else delete this.users[id];
  }

  setUsergroup(id: string, members: string[] | undefined): void {
    if (members) this.usergroups[id] = [...members];
    else delete this.usergroups[id];
  }

  /** The users and user groups of the options, copied so that controls leave the options alone. */
  reset(): void {
    this.users = Object.fromEntries(
      Object.entries(this.options.users ?? {}).map(([id, user]) => [id, { ...user }]),
    );
    this.usergroups = Object.fromEntries(
      Object.entries(this.options.usergroups ?? {}).map(([id, members]) => [id, [...members]]),
    );
  }

  private authTest(): Json {
    const id = fakeSlackIdentity;
    return ok({
      url: id.teamUrl,
      team: id.teamName,
      user: id.botUserName,
      team_id: id.teamId,
      user_id: id.botUserId,
      bot_id: id.botId,
      is_enterprise_install: false,
    });
  }

  private userInfo(args: Json): Json {
    const id = str(args.user);
    const { teamId, botUserId, botUserName } = fakeSlackIdentity;
    if (id && id === botUserId) {
      return ok({ user: { id, team_id: teamId, name: botUserName, deleted: false, is_bot: true } });
    }
    const user = id && Object.hasOwn(this.users, id) ? this.users[id] : undefined;
    if (!id || !user) return fail('user_not_found');
    const name = user.name ?? id.toLowerCase();
    return ok({
      user: {
        id,
        team_id: user.teamId ?? teamId,
        name,
        real_name: name,
        deleted: user.deleted ?? false,
        is_admin: user.is_admin ?? false,
        is_owner: user.is_owner ?? false,
        is_primary_owner: user.is_primary_owner ?? false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: false,
        is_app_user: false,
        profile: { real_name: name, display_name: name },
      },
    });
  }

  private usergroupUsers(args: Json): Json {
    const id = str(args.usergroup);
    const members = id && Object.hasOwn(this.usergroups, id) ? this.usergroups[id] : undefined;
    if (!members) return fail('no_such_subteam');
    return ok({ users: [...members] });
  }

  /** A direct message with one user: its channel is `D` + the user ID, the same every time. */
  private conversationOpen(args: Json): Json {
    const users = (str(args.users) ?? '').split(',').filter(Boolean);
    const [user] = users;
    if (!user || users.length > 1)
      return fail(users.length > 1 ? 'not_supported' : 'users_list_not_supplied');
    if (user !== fakeSlackIdentity.botUserId && !Object.hasOwn(this.users, user)) {
      return fail('user_not_found');
    }
    return ok({ channel: { id: `D${user.slice(1)}` } });
  }
}
