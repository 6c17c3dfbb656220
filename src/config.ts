import { existsSync } from 'node:fs';
import { z } from 'zod';
import { CodedError } from './lib/errors.js';

export const TENCENT_REGIONS = {
  china: 'https://console.tim.qq.com',
  singapore: 'https://adminapisgp.im.qcloud.com',
  seoul: 'https://adminapikr.im.qcloud.com',
  tokyo: 'https://adminapijpn.im.qcloud.com',
  frankfurt: 'https://adminapiger.im.qcloud.com',
  mumbai: 'https://adminapiind.im.qcloud.com',
  'silicon-valley': 'https://adminapiusa.im.qcloud.com',
  jakarta: 'https://adminapiidn.im.qcloud.com',
} as const;

type Region = keyof typeof TENCENT_REGIONS;
const regionNames = Object.keys(TENCENT_REGIONS) as [Region, ...Region[]];

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

const idList = (pattern: RegExp, what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value) =>
        (value ?? '')
          .split(/[\s,]+/)
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(pattern, `each entry must be a ${what}`))),
  );

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const configSchema = z.object({
  SLACK_BOT_TOKEN: z.string().trim().startsWith('xoxb-', 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().trim().startsWith('xapp-', 'must be an app token starting with xapp-').optional(),
  ),
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    httpUrl
      .default('https://slack.com/api/')
      .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  ),
  SLACK_ALLOWED_TEAM_IDS: idList(
    /^[TE][A-Z0-9]{2,}$/,
    'Slack team ID (T0123456789) or enterprise ID (E0123456789)',
  ),
  SLACK_MODERATION_CHANNEL: z
    .string()
    .trim()
    .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a channel ID such as C0123456789'),
  TENCENT_SDKAPPID: z
    .string()
    .trim()
    .regex(/^[1-9][0-9]{0,11}$/, 'must be a positive integer')
    .transform(Number),
  TENCENT_SECRET_KEY: z.string().trim().min(1, 'is required'),
  TENCENT_ADMIN_USERID: z.preprocess(
    blankToUndefined,
    z.string().trim().max(32, 'must be at most 32 characters').default('administrator'),
  ),
  TENCENT_REGION: z.preprocess(
    blankToUndefined,
    z.enum(regionNames, { error: `must be one of ${regionNames.join(', ')}` }).default('china'),
  ),
  TENCENT_API_BASE: z.preprocess(
    blankToUndefined,
    httpUrl.optional().transform((url) => url?.replace(/\/+$/, '')),
  ),
  TENCENT_CALLBACK_TOKEN: optionalString,
  RECALL_ALLOWED_USERS: idList(/^[UW][A-Z0-9]{2,}$/, 'Slack user ID such as U0123456789'),
  RECALL_ALLOWED_USERGROUPS: idList(/^S[A-Z0-9]{2,}$/, 'Slack user group ID such as S0123456789'),
  RECALL_RATE_PER_SECOND: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .default(200),
  ),
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0–65535')
      .max(65535, 'must be 0–65535')
      .default(3000),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z
      .enum(['debug', 'info', 'warn', 'error'], {
        error: 'must be one of debug, info, warn, error',
      })
      .default('info'),
  ),
});

type Env = z.infer<typeof configSchema>;

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    moderationChannel: string;
    /** Other organisations served through Slack Connect; empty: the installed workspace only. */
    allowedTeamIds: string[];
  };
  tencent: {
    sdkAppId: number;
    secretKey: string;
    adminUserId: string;
    region: Region;
    apiOrigin: string;
    callbackToken: string | undefined;
  };
  recall: {
    allowedUsers: string[];
    allowedUsergroups: string[];
    ratePerSecond: number;
  };
  port: number;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** The environment does not make a configuration: every problem, each naming its variable. */
export class ConfigError extends CodedError<'config_invalid'> {
  constructor(readonly problems: string[]) {
    super(
      'config_invalid',
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** Parses the environment. Messages name the variable and the rule, never the value. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = configSchema.safeParse(env);
  const problems = new Map<string, string[]>();
  const add = (name: string, message: string) =>
    problems.set(name, [...(problems.get(name) ?? []), message]);
  for (const issue of result.success ? [] : result.error.issues) {
    add(
      String(issue.path[0] ?? 'environment'),
      issue.code === 'invalid_type' ? 'is required' : issue.message,
    );
  }
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    add(
      'SLACK_SIGNING_SECRET',
      'is required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!result.success || problems.size > 0) {
    throw new ConfigError(
      [...problems].map(([name, messages]) => `${name} ${[...new Set(messages)].join('; ')}`),
    );
  }
  return toConfig(result.data);
}

function toConfig(env: Env): Config {
  return {
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      moderationChannel: env.SLACK_MODERATION_CHANNEL,
      allowedTeamIds: env.SLACK_ALLOWED_TEAM_IDS,
    },
    tencent: {
      sdkAppId: env.TENCENT_SDKAPPID,
      secretKey: env.TENCENT_SECRET_KEY,
      adminUserId: env.TENCENT_ADMIN_USERID,
      region: env.TENCENT_REGION,
      apiOrigin: env.TENCENT_API_BASE ?? TENCENT_REGIONS[env.TENCENT_REGION],
      callbackToken: env.TENCENT_CALLBACK_TOKEN,
    },
    recall: {
      allowedUsers: env.RECALL_ALLOWED_USERS,
      allowedUsergroups: env.RECALL_ALLOWED_USERGROUPS,
      ratePerSecond: env.RECALL_RATE_PER_SECOND,
    },
    port: env.PORT,
    dataDir: env.DATA_DIR,
    redisUrl: env.REDIS_URL,
    logLevel: env.LOG_LEVEL,
  };
}

/** The values that must never reach a log line or an error message. */
export function secretsOf(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.tencent.secretKey,
    config.tencent.callbackToken,
    config.redisUrl ? new URL(config.redisUrl).password : undefined,
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/** Loads `.env` from the working directory (existing variables win), then parses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(env);
}
