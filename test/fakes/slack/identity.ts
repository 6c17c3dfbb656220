/** Who the fake says the bot is (`auth.test`). */
export const fakeSlackIdentity = {
  teamId: 'T0TEST',
  teamName: 'Recall Bot Test',
  teamUrl: 'https://recall-bot-test.slack.com/',
  botUserId: 'U0BOTUSER1',
  botUserName: 'recall-bot',
  botId: 'B0BOTID001',
  appId: 'A0APPID001',
} as const;

/** The bot token the fake accepts unless its options name another. */
export const DEFAULT_FAKE_TOKEN = 'xoxb-test-token';
