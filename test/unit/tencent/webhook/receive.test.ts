import { describe, expect, it } from 'vitest';
import {
  MAX_BODY_BYTES,
  receiveWebhook,
  type WebhookOutcome,
} from '../../../../src/tencent/webhook/receive.js';
import { computeSign } from '../../../../src/tencent/webhook/verify.js';
import { refusalOf } from '../../../helpers/refusal.js';
import { samples } from '../../../helpers/tencent-samples.js';

const settings = { sdkAppId: 1400000001, callbackToken: undefined, now: () => 1_700_000_000_000 };

function query(command: string, extra = ''): string {
  return `SdkAppid=1400000001&CallbackCommand=${command}&contenttype=json&ClientIP=1.2.3.4&OptPlatform=iOS${extra}`;
}

function receive(body: unknown, q?: string, contentType = 'application/json'): WebhookOutcome {
  const command =
    typeof body === 'object' && body && 'CallbackCommand' in body
      ? String(body.CallbackCommand)
      : 'X';
  return receiveWebhook(
    {
      query: q ?? query(command),
      contentType,
      body: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)),
    },
    settings,
  );
}

const refused = refusalOf;

describe('receiveWebhook', () => {
  it.each(Object.entries(samples))('accepts the documented sample %s', (_name, body) => {
    const outcome = receive(body);
    expect(outcome.kind).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    expect(outcome.command).toBe(body.CallbackCommand);
    expect(outcome.event.clientIp).toBe('1.2.3.4');
    expect(outcome.event.platform).toBe('iOS');
    expect(outcome.event.receivedAt).toBe(1_700_000_000_000);
  });

  it('normalises EventTime given as a string', () => {
    const outcome = receive(samples.group);
    expect(outcome.kind === 'accepted' && outcome.event.body.EventTime).toBe(1670574414123);
  });

  it('accepts the optional fields missing', () => {
    const outcome = receive(samples.groupOld);
    expect(outcome.kind).toBe('accepted');
    if (
      outcome.kind !== 'accepted' ||
      outcome.event.body.CallbackCommand !== 'Group.CallbackAfterRecallMsg'
    )
      return;
    expect(outcome.event.body.TopicId).toBeUndefined();
    expect(outcome.event.body.MsgSeqList[0]?.MsgId).toBeUndefined();
  });

  it('ignores commands it does not handle, answering OK', () => {
    const body = { CallbackCommand: 'Group.CallbackBeforeSendMsg', GroupId: 'x' };
    expect(receive(body)).toEqual({ kind: 'ignored', command: 'Group.CallbackBeforeSendMsg' });
  });

  it('gives the same dedupe key to the same event, whatever the order of its list', () => {
    const a = receive({ ...samples.group, MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: 2 }] });
    const b = receive({
      ...samples.group,
      MsgSeqList: [{ MsgSeq: 2 }, { MsgSeq: 1 }],
      EventTime: 5,
    });
    const c = receive({ ...samples.group, MsgSeqList: [{ MsgSeq: 3 }] });
    expect(a.kind === 'accepted' && b.kind === 'accepted' && a.dedupeKey === b.dedupeKey).toBe(
      true,
    );
    expect(a.kind === 'accepted' && c.kind === 'accepted' && a.dedupeKey !== c.dedupeKey).toBe(
      true,
    );
  });

  it.each([
    ['MsgKey missing', { ...samples.c2c, MsgKey: undefined }, 'MsgKey is required'],
    ['From_Account a number', { ...samples.c2c, From_Account: 5 }, 'From_Account'],
    ['UnreadMsgNum negative', { ...samples.c2c, UnreadMsgNum: -1 }, 'UnreadMsgNum'],
    ['EventTime not numeric', { ...samples.c2c, EventTime: 'yesterday' }, 'EventTime'],
    ['MsgSeqList empty', { ...samples.group, MsgSeqList: [] }, 'MsgSeqList'],
    ['MsgSeq a word', { ...samples.group, MsgSeqList: [{ MsgSeq: 'x' }] }, 'MsgSeqList[0].MsgSeq'],
    ['GroupId empty', { ...samples.group, GroupId: '' }, 'GroupId'],
    [
      'WithdrawMsgList missing',
      { ...samples.official, WithdrawMsgList: undefined },
      'WithdrawMsgList',
    ],
    [
      'MsgKey inside list empty',
      { ...samples.official, WithdrawMsgList: [{ MsgKey: '' }] },
      'WithdrawMsgList[0].MsgKey',
    ],
    [
      'a huge list',
      {
        ...samples.official,
        WithdrawMsgList: Array.from({ length: 1001 }, (_, i) => ({ MsgKey: `k${i}` })),
      },
      'WithdrawMsgList',
    ],
  ])('refuses %s with 400 naming the field', (_name, body, field) => {
    const error = refused(() => receive(body));
    expect(error.status).toBe(400);
    expect(error.reason).toContain(field);
  });

  it('refuses bodies that are not a JSON object', () => {
    const q = query('C2C.CallbackAfterMsgWithDraw');
    expect(refused(() => receive(Buffer.from('{not json'), q)).reason).toMatch(/JSON/);
    expect(refused(() => receive(Buffer.from('[1,2]'), q)).reason).toMatch(/object/);
    expect(refused(() => receive(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), q)).reason).toMatch(
      /UTF-8/,
    );
    expect(refused(() => receive(samples.c2c, q, 'application/x-www-form-urlencoded')).status).toBe(
      400,
    );
    expect(refused(() => receive(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), q)).status).toBe(413);
  });

  it('refuses a body whose command differs from the query', () => {
    const error = refused(() => receive(samples.c2c, query('Group.CallbackAfterRecallMsg')));
    expect(error.status).toBe(400);
  });

  it('checks SdkAppid before anything else', () => {
    expect(refused(() => receive(Buffer.from('junk'), 'SdkAppid=1&CallbackCommand=x')).status).toBe(
      403,
    );
    expect(
      refused(() =>
        receive(samples.c2c, `${query('C2C.CallbackAfterMsgWithDraw')}&SdkAppid=1400000001`),
      ).status,
    ).toBe(403);
  });

  it('requires a valid signature when a token is set', () => {
    const signed = { ...settings, callbackToken: 'tok' };
    const time = String(Math.floor(settings.now() / 1000));
    const good = `${query('C2C.CallbackAfterMsgWithDraw')}&RequestTime=${time}&Sign=${computeSign('tok', time)}`;
    const body = Buffer.from(JSON.stringify(samples.c2c));
    expect(receiveWebhook({ query: good, contentType: undefined, body }, signed).kind).toBe(
      'accepted',
    );
    const bad = `${query('C2C.CallbackAfterMsgWithDraw')}&RequestTime=${time}&Sign=${computeSign('nope', time)}`;
    expect(
      refused(() => receiveWebhook({ query: bad, contentType: undefined, body }, signed)).status,
    ).toBe(401);
    const none = query('C2C.CallbackAfterMsgWithDraw');
    expect(
      refused(() => receiveWebhook({ query: none, contentType: undefined, body }, signed)).status,
    ).toBe(401);
  });
});
