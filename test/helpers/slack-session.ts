import type { FakeSlack } from '../fakes/slack-api.js';
import { blockActionPayload, commandBody, interactionBody, postSlack } from './slack-requests.js';

type ClickFields = Parameters<typeof blockActionPayload>[0];

/** A person using the app at `appUrl` through the fake Slack: commands, clicks, what they see. */
export function slackSession(appUrl: string, slack: FakeSlack) {
  /** The JSON bodies posted to one response URL, in order. */
  const responsesTo = (url: string) =>
    slack.responses.filter((r) => url.endsWith(r.id)).map((r) => r.body);

  return {
    responsesTo,

    /** `/recall <text>`; `edit` changes the form fields (another team, enterprise…). */
    async command(text: string, userId: string, edit?: (form: URLSearchParams) => void) {
      const responseUrl = slack.responseUrl();
      const form = new URLSearchParams(commandBody({ text, userId, responseUrl }));
      edit?.(form);
      const res = await postSlack(appUrl, form.toString());
      const body = (res.json ?? {}) as { text?: string; blocks?: unknown };
      const confirmation = JSON.stringify(body).match(/"value":"([0-9a-f-]{36})"/)?.[1] ?? '';
      return { ...res, body, responseUrl, confirmation };
    },

    /** A button click; `edit` changes the payload before it is signed and sent. */
    async click(
      fields: Omit<ClickFields, 'responseUrl'>,
      edit?: (payload: Record<string, unknown>) => void,
    ) {
      const responseUrl = slack.responseUrl();
      const payload = blockActionPayload({ ...fields, responseUrl });
      edit?.(payload);
      const res = await postSlack(appUrl, interactionBody(payload));
      return { ...res, responseUrl };
    },

    /** Waits for the first answer to `url` whose text matches, and returns its text. */
    async answerTo(url: string, matching: RegExp, timeoutMs = 10_000): Promise<string> {
      const find = () => responsesTo(url).find((b) => matching.test(JSON.stringify(b)));
      await slack.waitFor(() => find() !== undefined, timeoutMs);
      return JSON.stringify(find());
    },
  };
}
