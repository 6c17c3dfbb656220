import { createHmac } from 'node:crypto';
import { SIGNING_SECRET } from './app.js';

/** Slack's request signature: `v0=` HMAC-SHA256 of `v0:{ts}:{body}`. */
export function signSlack(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackPostOptions {
  timestamp?: number;
  secret?: string;
  signature?: string;
}

/** POSTs a body to `/slack/events` exactly as Slack does: form-encoded and signed. */
export async function postSlack(
  baseUrl: string,
  body: string,
  options: SlackPostOptions = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signSlack(body, timestamp, options.secret),
    },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

let triggers = 0;
export function newTriggerId(): string {
  triggers += 1;
  return `${Date.now()}.${triggers}.trigger`;
}

const TEAM = { id: 'T0TEST', domain: 'test' };

export function commandBody(fields: {
  text: string;
  userId: string;
  channelId?: string;
  responseUrl: string;
  triggerId?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: fields.channelId ?? 'CWORK000001',
    channel_name: 'incident',
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: '/recall',
    text: fields.text,
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? newTriggerId(),
  }).toString();
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function blockActionPayload(fields: {
  actionId: string;
  value: string;
  userId: string;
  responseUrl: string;
  channelId?: string;
  message?: { ts: string; thread_ts?: string; text?: string };
  ephemeral?: boolean;
}): Record<string, unknown> {
  const channel = fields.channelId ?? 'CWORK000001';
  return {
    type: 'block_actions',
    team: TEAM,
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: TEAM.id },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    trigger_id: newTriggerId(),
    response_url: fields.responseUrl,
    container: {
      type: 'message',
      channel_id: channel,
      is_ephemeral: fields.ephemeral ?? !fields.message,
      ...(fields.message ? { message_ts: fields.message.ts } : {}),
    },
    channel: { id: channel, name: 'moderation' },
    ...(fields.message ? { message: { type: 'message', ...fields.message } } : {}),
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: 'b1',
        value: fields.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/**
 * A click on a button of a channel message that came without a response URL: whatever the app
 * answers goes through its client, beside the message.
 */
export function channelClickPayload(fields: {
  actionId: string;
  userId: string;
  channelId: string;
}): Record<string, unknown> {
  const body = blockActionPayload({
    ...fields,
    value: 'x',
    responseUrl: '',
    message: { ts: '1.000001' },
  });
  delete body.response_url;
  return body;
}

export function viewSubmissionPayload(fields: {
  userId: string;
  account?: string;
  keys?: string;
  reason?: string;
  privateMetadata: string;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: TEAM,
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: TEAM.id },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    trigger_id: newTriggerId(),
    view: {
      id: 'V0TEST',
      type: 'modal',
      callback_id: 'recall_modal',
      private_metadata: fields.privateMetadata,
      state: {
        values: {
          account: { value: { type: 'plain_text_input', value: fields.account ?? null } },
          keys: { value: { type: 'plain_text_input', value: fields.keys ?? null } },
          reason: { value: { type: 'plain_text_input', value: fields.reason ?? null } },
        },
      },
    },
  };
}

export function messageShortcutPayload(fields: {
  userId: string;
  channelId: string;
  message: Record<string, unknown>;
  responseUrl: string;
  triggerId?: string;
}): Record<string, unknown> {
  return {
    type: 'message_action',
    callback_id: 'recall_messages',
    team: TEAM,
    user: { id: fields.userId, name: fields.userId.toLowerCase(), team_id: TEAM.id },
    channel: { id: fields.channelId, name: 'moderation' },
    message_ts: String(fields.message.ts ?? '1.000001'),
    message: { type: 'message', ...fields.message },
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? newTriggerId(),
    token: 'legacy-verification-token',
    action_ts: `${Date.now() / 1000}`,
  };
}
