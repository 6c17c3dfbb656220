import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../../src/lib/errors.js';
import {
  WebhookError,
  type WebhookRefusal,
  type WebhookStatus,
} from '../../../../src/tencent/webhook/errors.js';
import { refusalOf } from '../../../helpers/refusal.js';

describe('WebhookError', () => {
  const cases: [WebhookStatus, string, WebhookRefusal][] = [
    [403, 'SdkAppid does not match', 'forbidden'],
    [401, 'Sign does not match', 'unauthorized'],
    [413, 'body exceeds 65536 bytes', 'too_large'],
    [400, 'body is not JSON', 'bad_request'],
    [503, 'shutting down', 'unavailable'],
  ];

  it.each(cases)('answers %i with its reason and code %s', (status, reason, code) => {
    const error = new WebhookError(status, reason, code);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(reason);
  });

  it('is a CodedError named after its class, with no cause', () => {
    const error = new WebhookError(415, 'not JSON', 'bad_request');
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WebhookError');
    expect(String(error)).toBe('WebhookError: not JSON');
    expect(error.cause).toBeUndefined();
  });

  it('is what refusalOf picks out of a throw', () => {
    const thrown = new WebhookError(408, 'the body did not arrive in time', 'bad_request');
    expect(
      refusalOf(() => {
        throw thrown;
      }),
    ).toBe(thrown);
    expect(() =>
      refusalOf(() => {
        throw new CodedError('other', 'not a refusal');
      }),
    ).toThrow('not a refusal');
  });
});
