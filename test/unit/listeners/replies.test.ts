import { beforeEach, describe, expect, it } from 'vitest';
import {
  ephemeralReply,
  replyFor,
  responseUrlReply,
  threadReply,
} from '../../../src/listeners/replies.js';
import { useFakeSlack } from '../../helpers/fake-slack.js';
import { type ListenerFakes, listenerFakes } from '../../helpers/listener-args.js';

describe('where the answers of a recall go', () => {
  const fake = useFakeSlack();
  let fakes: ListenerFakes;

  beforeEach(() => {
    fakes = listenerFakes();
  });

  const replaced = (text: string) => ({ response_type: 'ephemeral', replace_original: true, text });
  /** Each call of the fake client: method and its arguments. */
  const called = () =>
    fakes.steps.flatMap((s) => (s.kind === 'call' ? [[s.method, s.args] as const] : []));

  describe('responseUrlReply', () => {
    it('sends one progress note at most, so the answer always has a use of the URL left', async () => {
      const reply = responseUrlReply(fake.slack.responseUrl('r'));
      await reply.progress({ text: '10%' });
      await reply.progress({ text: '50%' });
      await reply.final({ text: 'done' });
      expect(fake.slack.responses).toEqual([
        { id: 'r', body: replaced('10%') },
        { id: 'r', body: replaced('done') },
      ]);
    });

    it('fails when the URL refuses the answer', async () => {
      const url = fake.slack.responseUrl('used');
      const reply = responseUrlReply(url);
      for (let i = 0; i < 5; i++) await reply.final({ text: `${i}` });
      await expect(reply.final({ text: 'sixth' })).rejects.toThrow(
        'response_url answered HTTP 404',
      );
    });

    it('posts through the fetch it is given', async () => {
      const posted: unknown[] = [];
      const reply = responseUrlReply('http://example.invalid/r', async (_url, init) => {
        posted.push(JSON.parse(String(init?.body)));
        return new Response('ok');
      });
      await reply.final({ text: 'done' });
      expect(posted).toEqual([replaced('done')]);
    });
  });

  describe('threadReply', () => {
    it('posts once in the thread, then updates that message in place', async () => {
      const reply = threadReply(fakes.client, 'CFEED', '1.000001');
      expect(reply.where?.()).toBeUndefined();
      await reply.progress({ text: '10%' });
      await reply.final({ text: 'done' });
      expect(called()).toEqual([
        ['chat.postMessage', { channel: 'CFEED', text: '10%', thread_ts: '1.000001' }],
        ['chat.update', { channel: 'CFEED', ts: '1700000000.000100', text: 'done' }],
      ]);
      expect(reply.where?.()).toEqual({ channel: 'CFEED', ts: '1700000000.000100' });
    });

    it('finishes a progress note posted before a restart', async () => {
      const reply = threadReply(fakes.client, 'UADMIN', undefined, {
        channel: 'DADMIN',
        ts: '5.0',
      });
      await reply.final({ text: 'done' });
      expect(called()).toEqual([['chat.update', { channel: 'DADMIN', ts: '5.0', text: 'done' }]]);
    });
  });

  describe('ephemeralReply', () => {
    it('sends the first progress note and the answer, as ephemeral messages cannot be edited', async () => {
      const reply = ephemeralReply(fakes.client, 'CWORK', 'UMOD');
      await reply.progress({ text: '10%' });
      await reply.progress({ text: '50%' });
      await reply.final({ text: 'done' });
      expect(fakes.calls('chat.postEphemeral')).toEqual([
        { channel: 'CWORK', user: 'UMOD', text: '10%' },
        { channel: 'CWORK', user: 'UMOD', text: 'done' },
      ]);
    });
  });

  describe('replyFor', () => {
    it('answers a command through its response URL', async () => {
      const origin = {
        kind: 'command' as const,
        channel: 'C1',
        responseUrl: fake.slack.responseUrl('c'),
      };
      await replyFor(origin, fakes.client, 'UMOD').final({ text: 'done' });
      expect(fake.slack.responses).toEqual([{ id: 'c', body: replaced('done') }]);
    });

    it('answers a feed click in the post’s thread', async () => {
      const origin = { kind: 'feed' as const, channel: 'CFEED', threadTs: '1.000001' };
      await replyFor(origin, fakes.client, 'UMOD').final({ text: 'done' });
      expect(fakes.calls('chat.postMessage')).toEqual([
        { channel: 'CFEED', text: 'done', thread_ts: '1.000001' },
      ]);
    });

    it('answers the shortcut ephemerally in its channel, else in a direct message', async () => {
      await replyFor({ kind: 'shortcut', channel: 'CWORK' }, fakes.client, 'UMOD').final({
        text: 'a',
      });
      await replyFor({ kind: 'shortcut' }, fakes.client, 'UMOD').final({ text: 'b' });
      expect(called()).toEqual([
        ['chat.postEphemeral', { channel: 'CWORK', user: 'UMOD', text: 'a' }],
        ['chat.postMessage', { channel: 'UMOD', text: 'b' }],
      ]);
    });
  });
});
