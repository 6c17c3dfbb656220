import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Answers, type ReplyChannel, type SlackMessage } from '../../../src/recall/answers.js';
import type { RecallSummary } from '../../../src/recall/report.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.js';
import { type LoggedLine, recordingLogger } from '../../helpers/logger.js';
import { recalledResult } from '../../helpers/recall.js';

const USER = 'UADMIN';
/** The direct message with `USER`, as the fake opens it. */
const DM = 'DADMIN';

/** A reply that keeps what it is told, or fails as a used-up response_url does. */
function reply(works = true): ReplyChannel & { told: SlackMessage[] } {
  const told: SlackMessage[] = [];
  return {
    told,
    progress: async () => {},
    final: async (message) => {
      if (!works) throw new Error('response_url answered HTTP 404');
      told.push(message);
    },
  };
}

const summary = (keys: number): RecallSummary => ({
  account: 'official/1',
  reason: 'spam',
  results: Array.from({ length: keys }, (_, i) => recalledResult(`${1000 + i}_${i}_1700000000`)),
});

describe('Answers', () => {
  let slack: FakeSlack;
  let answers: Answers;
  let lines: LoggedLine[];
  let log: ReturnType<typeof recordingLogger>['logger'];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { [USER]: { name: 'admin' } } });
    const client = new WebClient('xoxb-test-token', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    answers = new Answers(client);
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    ({ lines, logger: log } = recordingLogger());
  });

  describe('tell', () => {
    it('answers through the reply, posting nothing else', async () => {
      const where = reply();
      expect(await answers.tell(where, { text: 'done' }, USER, log)).toBe(true);
      expect(where.told).toEqual([{ text: 'done' }]);
      expect(slack.calls).toEqual([]);
    });

    it('answers in a direct message when the reply cannot be posted', async () => {
      expect(await answers.tell(reply(false), { text: 'done' }, USER, log)).toBe(true);
      expect(slack.messages).toMatchObject([{ channel: DM, text: 'done' }]);
      expect(lines.map((l) => l.level)).toEqual(['warn']);
    });

    it('says false, and logs it, when the person cannot be told at all', async () => {
      expect(await answers.tell(reply(false), { text: 'done' }, 'UNOBODY', log)).toBe(false);
      expect(slack.messages).toEqual([]);
      expect(lines.map((l) => [l.level, l.message])).toEqual([
        ['warn', 'could not answer where the recall started; answering in a direct message'],
        ['error', 'could not tell the person the result of their recall'],
      ]);
    });
  });

  describe('results', () => {
    it('lists every result in the reply when they fit, with the retry button', async () => {
      const where = reply();
      expect(await answers.results(where, summary(3), USER, 'retry-id', log)).toBe(true);
      const [answer] = where.told;
      expect(answer?.text).toContain('Recalled 3 of 3 messages');
      expect(JSON.stringify(answer?.blocks)).toContain('"value":"retry-id"');
      // No file: nothing went to Slack but the reply.
      expect(slack.calls).toEqual([]);
    });

    it('sends every result in a file by direct message when they do not fit, and names it', async () => {
      const where = reply();
      expect(await answers.results(where, summary(1000), USER, undefined, log)).toBe(true);
      const [share] = slack.messages;
      expect(share?.channel).toBe(DM);
      const [file] = share?.files ?? [];
      expect(file?.filename).toMatch(/^recall-results-official_1-.*\.csv$/);
      expect(file?.title).toBe('Recall results: official/1');
      const rows = file?.content.trim().split('\r\n') ?? [];
      expect(rows[0]).toBe('official_account,msg_key,result,ret_code,meaning,attempts');
      expect(rows).toHaveLength(1001);
      expect(share?.text).toBe(':white_check_mark: Recalled 1000 of 1000 messages of official/1');
      expect(JSON.stringify(where.told[0]?.blocks)).toContain(file?.filename);
    });

    it('says in the reply that the file could not be sent, and still answers', async () => {
      slack.failNext('files.getUploadURLExternal', { error: 'internal_error' });
      const where = reply();
      expect(await answers.results(where, summary(1000), USER, undefined, log)).toBe(true);
      expect(JSON.stringify(where.told[0]?.blocks)).toContain('could not be sent to you');
      expect(lines.map((l) => l.message)).toContain(
        'could not send the results file in a direct message',
      );
    });
  });
});
