/** The bot token's scopes, and the `missing_scope` refusal when a test takes some away. */
import { fail, type Json, str } from './wire.js';

/** What the fake's bot token holds unless `missingScopes` says otherwise. */
export const FAKE_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'files:write',
  'users:read',
  'usergroups:read',
  'channels:history',
  'groups:history',
  'im:history',
  'im:write',
] as const;

const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'conversations.open': 'im:write',
};

/** History scopes go by the kind of conversation: C public, G private, D direct message. */
const HISTORY_SCOPES: Record<string, string> = {
  C: 'channels:history',
  G: 'groups:history',
  D: 'im:history',
};

function neededScope(method: string, args: Json): string | undefined {
  if (method === 'conversations.history' || method === 'conversations.replies') {
    return HISTORY_SCOPES[(str(args.channel) ?? '').charAt(0)];
  }
  return METHOD_SCOPES[method];
}

/** Slack's answer when the token lacks the scope `method` needs for `args`; else undefined. */
export function missingScopeFailure(
  method: string,
  args: Json,
  missing: ReadonlySet<string>,
): Json | undefined {
  const needed = neededScope(method, args);
  if (!needed || !missing.has(needed)) return undefined;
  const provided = FAKE_BOT_SCOPES.filter((scope) => !missing.has(scope)).join(',');
  return { ...fail('missing_scope'), needed, provided };
}
