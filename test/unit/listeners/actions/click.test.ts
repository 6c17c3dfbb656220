import { describe, expect, it } from 'vitest';
import {
  answering,
  buttonValue,
  MAX_VALUE_LENGTH,
  NOT_VALID,
  parseButton,
  refuseClick,
  replyNextTo,
} from '../../../../src/listeners/actions/click.js';
import { SOMETHING_FAILED } from '../../../../src/listeners/deps.js';
import type { ReplyChannel } from '../../../../src/recall/answers.js';
import { useListenerWorld } from '../../../helpers/listener-world.js';
import { blockActionPayload } from '../../../helpers/slack-requests.js';

describe('what every click shares', () => {
  const world = useListenerWorld();
  const click = (fields: Partial<Parameters<typeof blockActionPayload>[0]> = {}) =>
    blockActionPayload({
      actionId: 'confirm_recall',
      value: 'v1',
      userId: 'UMOD',
      responseUrl: world.slack.responseUrl('click'),
      ...fields,
    });

  describe('parseButton and buttonValue', () => {
    it('read who clicked and the value of the button', () => {
      const payload = parseButton(click({ value: 'abc' }));
      expect(payload?.user.id).toBe('UMOD');
      expect(payload && buttonValue(payload)).toBe('abc');
    });

    it('read nothing from a body that is no click', () => {
      expect(
        parseButton({ type: 'block_actions', user: { id: 'U1' }, actions: [] }),
      ).toBeUndefined();
      expect(parseButton({ actions: [{ value: 'x' }] })).toBeUndefined();
      expect(parseButton('payload')).toBeUndefined();
    });

    it('take no value the app could not have made: empty, too long, not text', () => {
      const clickedValue = (value: unknown) => {
        const body = click();
        (body.actions as { value: unknown }[])[0] = { value };
        const payload = parseButton(body);
        return payload && buttonValue(payload);
      };
      expect(clickedValue('')).toBeUndefined();
      expect(clickedValue('x'.repeat(MAX_VALUE_LENGTH + 1))).toBeUndefined();
      expect(clickedValue('x'.repeat(MAX_VALUE_LENGTH))).toHaveLength(MAX_VALUE_LENGTH);
      expect(clickedValue(42)).toBeUndefined();
    });
  });

  describe('replyNextTo', () => {
    it('answers a click in an ephemeral message in place, through its response URL', async () => {
      const payload = parseButton(click({ ephemeral: true }));
      const reply = payload && replyNextTo(payload, world.fakes.client);
      await reply?.final({ text: 'done' });
      expect(world.slack.responses).toEqual([
        {
          id: 'click',
          body: { response_type: 'ephemeral', replace_original: true, text: 'done' },
        },
      ]);
    });

    it('answers a click on a channel message in its thread', async () => {
      const inThread = parseButton(
        click({ channelId: 'CFEED', message: { ts: '2.000002', thread_ts: '1.000001' } }),
      );
      await (inThread && replyNextTo(inThread, world.fakes.client))?.final({ text: 'a' });
      const topLevel = parseButton(click({ channelId: 'CFEED', message: { ts: '3.000003' } }));
      await (topLevel && replyNextTo(topLevel, world.fakes.client))?.final({ text: 'b' });
      expect(world.fakes.calls('chat.postMessage')).toEqual([
        { channel: 'CFEED', text: 'a', thread_ts: '1.000001' },
        { channel: 'CFEED', text: 'b', thread_ts: '3.000003' },
      ]);
    });

    it('has nowhere to answer an ephemeral click without a response URL', () => {
      const body = click({ ephemeral: true });
      delete body.response_url;
      const payload = parseButton(body);
      expect(payload && replyNextTo(payload, world.fakes.client)).toBeUndefined();
    });
  });

  it('refuseClick tells the person the button is not valid, beside it', async () => {
    await refuseClick(world.deps, click(), world.fakes.client, 'recall confirmation');
    expect(world.slack.responses.map((r) => r.body)).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: NOT_VALID },
    ]);
    expect(world.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'unreadable recall confirmation button payload'],
    ]);
  });

  describe('answering', () => {
    const replyKeeping = (works = true): ReplyChannel & { told: string[] } => {
      const told: string[] = [];
      return {
        told,
        progress: async () => {},
        final: async ({ text }) => {
          if (!works) throw new Error('gone');
          told.push(text);
        },
      };
    };

    it('runs the work and says nothing more when it succeeds', async () => {
      const reply = replyKeeping();
      let ran = false;
      await answering(world.deps, reply, 'a click', async () => {
        ran = true;
      });
      expect(ran).toBe(true);
      expect(reply.told).toEqual([]);
    });

    it('logs a failure and tells the person', async () => {
      const reply = replyKeeping();
      await answering(world.deps, reply, 'a click', async () => {
        throw new Error('bug');
      });
      expect(reply.told).toEqual([SOMETHING_FAILED]);
      expect(world.lines.map((l) => [l.level, l.message])).toEqual([['error', 'a click failed']]);
    });

    it('never throws, even when the person cannot be told', async () => {
      await expect(
        answering(world.deps, replyKeeping(false), 'a click', async () => {
          throw new Error('bug');
        }),
      ).resolves.toBeUndefined();
    });
  });
});
