import { isRecord } from '../lib/records.js';

/** The workspace the app is installed in, as `auth.test` names it. */
export interface InstalledWorkspace {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}

/** The team and enterprise IDs a Slack request carries; `unreadable` when one is not an ID. */
export interface RequestWorkspace {
  teams: string[];
  enterprises: string[];
  unreadable: boolean;
}

/**
 * Every team and enterprise ID of a command, action, shortcut or view submission, wherever Slack
 * puts them: `team_id`/`enterprise_id` (commands), `team.id`, `team.enterprise_id`,
 * `user.team_id`, `enterprise.id`. `null` means none (Slack sends `enterprise: null` outside
 * Enterprise Grid); anything else that is not an ID makes the request unreadable.
 */
export function workspaceOf(body: unknown): RequestWorkspace {
  const found: RequestWorkspace = { teams: [], enterprises: [], unreadable: !isRecord(body) };
  if (!isRecord(body)) return found;
  const add = (into: string[], value: unknown) => {
    if (value === undefined || value === null) return;
    if (typeof value === 'string' && /^[A-Z0-9]{2,32}$/.test(value)) into.push(value);
    else found.unreadable = true;
  };
  const field = (parent: unknown, name: string) => {
    if (parent === undefined || parent === null) return undefined;
    if (!isRecord(parent)) {
      found.unreadable = true;
      return undefined;
    }
    return parent[name];
  };
  add(found.teams, body.team_id);
  add(found.teams, field(body.team, 'id'));
  add(found.teams, field(body.user, 'team_id'));
  add(found.enterprises, body.enterprise_id);
  add(found.enterprises, field(body.enterprise, 'id'));
  add(found.enterprises, field(body.team, 'enterprise_id'));
  return found;
}

/**
 * Whether a request comes from the installed workspace or from an organisation listed in
 * `allowed` (Slack Connect). A listed team is accepted with its enterprise, and a listed
 * enterprise with each of its teams; an ID the request carries that is neither ours nor listed
 * refuses it, and so does a request that carries no ID at all.
 */
export function isFromServedWorkspace(
  request: RequestWorkspace,
  installed: InstalledWorkspace,
  allowed: readonly string[],
): boolean {
  const { teams, enterprises } = request;
  if (request.unreadable || (teams.length === 0 && enterprises.length === 0)) return false;
  const listed = (id: string) => allowed.includes(id);
  const listedTeam = teams.some(listed);
  const listedEnterprise = enterprises.some(listed);
  return (
    teams.every((id) => id === installed.teamId || listed(id) || listedEnterprise) &&
    enterprises.every((id) => id === installed.enterpriseId || listed(id) || listedTeam)
  );
}
