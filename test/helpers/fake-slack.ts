import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../fakes/slack-api.js';

/**
 * The fake Slack of a describe block: started before its tests, reset before each test (so no
 * test sees another's calls), closed after them; `holder.slack` is the running one.
 */
export function useFakeSlack(options: FakeSlackOptions = {}): { slack: FakeSlack } {
  const holder = {} as { slack: FakeSlack };
  beforeAll(async () => {
    holder.slack = await startFakeSlack(options);
  });
  afterAll(async () => {
    await holder.slack?.close();
  });
  beforeEach(() => {
    holder.slack.reset();
  });
  return holder;
}
