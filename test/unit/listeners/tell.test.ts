import { beforeEach, describe, expect, it } from 'vitest';
import { postToResponseUrl, refuseRequest, tellPerson } from '../../../src/listeners/tell.js';
import { useFakeSlack } from '../../helpers/fake-slack.js';
import {
  buttonArgs,
  commandArgs,
  type ListenerFakes,
  listenerFakes,
  optionsArgs,
  shortcutArgs,
  viewArgs,
} from '../../helpers/listener-args.js';
import { type LoggedLine, recordingLogger } from '../../helpers/logger.js';
import {
  blockActionPayload,
  messageShortcutPayload,
  viewSubmissionPayload,
} from '../../helpers/slack-requests.js';

describe('telling the person behind a request', () => {
  const fake = useFakeSlack();
  let fakes: ListenerFakes;
  let lines: LoggedLine[];
  let logger: ReturnType<typeof recordingLogger>['logger'];

  beforeEach(() => {
    fakes = listenerFakes();
    ({ lines, logger } = recordingLogger());
  });

  const ephemeralNote = (text: string) => ({
    response_type: 'ephemeral',
    replace_original: false,
    text,
  });

  describe('tellPerson', () => {
    it('answers through the response URL first, beside the message, never over it', async () => {
      const body = {
        response_url: fake.slack.responseUrl('r'),
        user: { id: 'U1' },
        channel_id: 'C1',
      };
      expect(await tellPerson(body, fakes.client, 'hello', logger)).toBe(true);
      expect(fake.slack.responses).toEqual([{ id: 'r', body: ephemeralNote('hello') }]);
      expect(fakes.steps).toEqual([]);
    });

    it('answers ephemerally in the channel when the response URL fails', async () => {
      fake.slack.setOutage('http503');
      const body = {
        response_url: fake.slack.responseUrl(),
        user: { id: 'U1' },
        container: { channel_id: 'CCONTAINER' },
        channel: { id: 'CCHANNEL' },
      };
      expect(await tellPerson(body, fakes.client, 'hello', logger)).toBe(true);
      expect(fakes.calls('chat.postEphemeral')).toEqual([
        { channel: 'CCONTAINER', user: 'U1', text: 'hello' },
      ]);
      expect(lines.map((l) => l.level)).toEqual(['warn']);
    });

    it('answers in a direct message when there is no channel to answer in', async () => {
      expect(await tellPerson({ user_id: 'U1' }, fakes.client, 'hello', logger)).toBe(true);
      expect(fakes.calls('chat.postMessage')).toEqual([{ channel: 'U1', text: 'hello' }]);
    });

    it('says false when no way works, or the request names nobody', async () => {
      fakes.failing.add('chat.postEphemeral');
      fakes.failing.add('chat.postMessage');
      const body = { user: { id: 'U1' }, channel: { id: 'C1' }, response_url: 'not a url' };
      expect(await tellPerson(body, fakes.client, 'hello', logger)).toBe(false);
      expect(await tellPerson('garbage', fakes.client, 'hello', logger)).toBe(false);
      expect(lines.map((l) => l.message).at(-1)).toBe('could not answer a Slack request at all');
    });
  });

  it('postToResponseUrl fails on an HTTP error, so the next way is tried', async () => {
    const url = fake.slack.responseUrl('once');
    fake.slack.setOutage('http503');
    await expect(postToResponseUrl(url, 'x')).rejects.toThrow('response_url answered HTTP 503');
  });

  describe('refuseRequest', () => {
    it('answers a command with its own ephemeral answer', async () => {
      await refuseRequest(commandArgs(fakes), 'no', logger);
      expect(fakes.steps).toEqual([
        { kind: 'ack', response: { response_type: 'ephemeral', text: 'no' } },
      ]);
    });

    it('replaces a submitted form by the text', async () => {
      const body = viewSubmissionPayload({ userId: 'U1', privateMetadata: '' });
      await refuseRequest(viewArgs(fakes, body), 'no', logger);
      expect(fakes.acks()).toEqual([
        {
          response_action: 'update',
          view: {
            type: 'modal',
            title: { type: 'plain_text', text: 'recall-bot' },
            close: { type: 'plain_text', text: 'Close' },
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'no' } }],
          },
        },
      ]);
    });

    it('only acks a closed form: there is nothing to show', async () => {
      await refuseRequest(viewArgs(fakes, { type: 'view_closed', view: {} }), 'no', logger);
      expect(fakes.steps).toEqual([{ kind: 'ack', response: undefined }]);
    });

    it('acks a click or a shortcut, then tells the person beside it', async () => {
      const click = blockActionPayload({
        actionId: 'old_button',
        value: 'x',
        userId: 'U1',
        responseUrl: fake.slack.responseUrl('click'),
      });
      await refuseRequest(buttonArgs(fakes, click), 'no', logger);
      const shortcut = messageShortcutPayload({
        userId: 'U1',
        channelId: 'C1',
        message: { ts: '1.000001', text: 'x' },
        responseUrl: fake.slack.responseUrl('shortcut'),
      });
      await refuseRequest(shortcutArgs(fakes, shortcut), 'no', logger);
      expect(fakes.acks()).toEqual([undefined, undefined]);
      expect(fake.slack.responses).toEqual([
        { id: 'click', body: ephemeralNote('no') },
        { id: 'shortcut', body: ephemeralNote('no') },
      ]);
    });

    it('answers a request for options with none', async () => {
      await refuseRequest(
        optionsArgs(fakes, { type: 'block_suggestion', value: 'a' }),
        'no',
        logger,
      );
      expect(fakes.acks()).toEqual([{ options: [] }]);
    });
  });
});
