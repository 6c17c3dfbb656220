import { describe, expect, it } from 'vitest';
import type { Kind } from '../../../src/kinds/kind.js';
import { KINDS, type WebhookBody, webhookBodySchema } from '../../../src/kinds/registry.js';
import { Values } from '../../../src/kinds/values.js';
import { samples } from '../../helpers/tencent-samples.js';

/** One sample body of each kind, as the webhook stores it. */
const sampleOf = (kind: Kind<WebhookBody>): WebhookBody => {
  const body = Object.values(samples).find((s) => s.CallbackCommand === kind.command);
  return webhookBodySchema.parse(body);
};

describe.each(KINDS.map((kind): [string, Kind<WebhookBody>] => [kind.command, kind]))(
  'the Kind contract: %s',
  (_command, kind) => {
    const body = sampleOf(kind);

    it('parses its own sample, and no other kind’s', () => {
      expect(kind.schema.parse(body)).toEqual(body);
      for (const other of Object.values(samples)) {
        if (other.CallbackCommand !== kind.command) {
          expect(kind.schema.safeParse(other).success).toBe(false);
        }
      }
    });

    it('has every name', () => {
      for (const name of Object.values(kind.names)) expect(name).toMatch(/\S/);
      expect(kind.names.emoji).toMatch(/^:[a-z_]+:$/);
    });

    it('gives identity and grouping parts that are strings, the same for the same body', () => {
      expect(kind.dedupeParts(body).every((p) => typeof p === 'string')).toBe(true);
      expect(kind.dedupeParts(structuredClone(body))).toEqual(kind.dedupeParts(body));
      expect(kind.conversationKey(structuredClone(body))).toEqual(kind.conversationKey(body));
      expect(kind.messageCount(body)).toBeGreaterThanOrEqual(1);
    });

    it('writes single-line pieces: title, digest line, fallback, details lines', () => {
      const values = new Values();
      const view = kind.view(body, values);
      expect(view.facts.length).toBeGreaterThan(0);
      for (const line of [
        kind.conversationTitle(body, values),
        kind.compactLine(body, values),
        view.fallback,
        ...view.facts,
        ...kind.details(body),
      ]) {
        expect(line).not.toContain('\n');
      }
      expect(values.shortened).toBe(false);
    });

    it('offers a recall target only as a send, and withdraws sends only as a recall', () => {
      expect(kind.sends && kind.withdraws).toBeFalsy();
      if (kind.sends) expect(kind.sends.message(body).msgKey).toMatch(/\S/);
      if (kind.withdraws) {
        expect(kind.withdraws.sentMessages(body).msgKeys.length).toBe(kind.messageCount(body));
      }
    });
  },
);
