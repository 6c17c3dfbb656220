import type { KeyResult } from '../../src/recall/send.js';
import type { FakeSlack } from '../fakes/slack-api.js';
import { type FakeTencent, startFakeTencent } from '../fakes/tencent-api.js';
import { SDKAPPID } from './app.js';
import { blockActionPayload, commandBody, interactionBody, postSlack } from './slack-requests.js';

/** The fake Tencent with the credentials `testEnv` gives the app. */
export function startAppTencent(): Promise<FakeTencent> {
  return startFakeTencent({
    sdkAppId: Number(SDKAPPID),
    key: 'test-tencent-secret-key',
    identifier: 'administrator',
  });
}

/**
 * `/recall <text>` on the app at `appUrl`, then a click on its confirm button, both by `userId`;
 * resolves the confirm click's response URL (where progress and the answer go).
 */
export async function confirmRecall(
  appUrl: string,
  slack: FakeSlack,
  text: string,
  userId = 'UADMIN',
): Promise<string> {
  const command = await postSlack(
    appUrl,
    commandBody({ text, userId, responseUrl: slack.responseUrl() }),
  );
  const confirmation = JSON.stringify(command.json).match(/"value":"([0-9a-f-]{36})"/)?.[1] ?? '';
  const responseUrl = slack.responseUrl();
  await postSlack(
    appUrl,
    interactionBody(
      blockActionPayload({ actionId: 'confirm_recall', value: confirmation, userId, responseUrl }),
    ),
  );
  return responseUrl;
}

/** How many requests to the fake Tencent carried each key. */
export function sendsPerKey(tencent: FakeTencent): Map<string, number> {
  const sends = new Map<string, number>();
  for (const call of tencent.calls) {
    for (const key of call.msgKeys) sends.set(key, (sends.get(key) ?? 0) + 1);
  }
  return sends;
}

/** The result of a key Tencent recalled at the first try. */
export function recalledResult(msgKey: string): KeyResult {
  return {
    msgKey,
    ok: true,
    unknown: false,
    retCode: 0,
    meaning: 'recalled',
    transient: false,
    attempts: 1,
  };
}
