import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook } from './signature.ts';

/**
 * A receiver written from the Standard Webhooks specification alone (not from our code): the key is
 * the base64 part of the secret after `whsec_`, the signed content is "<id>.<timestamp>.<body>", and the
 * header lists space-separated "v1,<base64 HMAC-SHA256>" signatures.
 */
function referenceVerify(
  secret: string,
  headers: Record<string, string>,
  body: string,
  nowSeconds: number,
): boolean {
  const key = Buffer.from(secret.split('_')[1] ?? '', 'base64');
  const timestamp = Number.parseInt(headers['webhook-timestamp'] ?? '', 10);
  if (Math.abs(nowSeconds - timestamp) > 300) return false;
  const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = createHmac('sha256', key).update(content, 'utf8').digest('base64');
  return (headers['webhook-signature'] ?? '')
    .split(' ')
    .map((part) => part.split(','))
    .some(([version, signature]) => version === 'v1' && signature === expected);
}

describe('webhook signatures', () => {
  const body = JSON.stringify({
    type: 'interview.completed',
    timestamp: '2026-11-25T10:00:00.000Z',
    data: { interviewId: 'x', note: 'Grüße ✓' },
  });
  const timestamp = 1_795_000_000;

  it('should produce whsec_ secrets of 24 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBe(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('should be verified by an independent reference implementation, and refused after any change', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_1', timestamp, body, secrets: [secret] });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(referenceVerify(secret, headers, body, timestamp + 10)).toBe(true);
    expect(referenceVerify(secret, headers, `${body} `, timestamp)).toBe(false);
    expect(referenceVerify(secret, { ...headers, 'webhook-id': 'msg_2' }, body, timestamp)).toBe(false);
    expect(
      referenceVerify(secret, { ...headers, 'webhook-timestamp': String(timestamp + 1) }, body, timestamp),
    ).toBe(false);
    expect(referenceVerify(generateWebhookSecret(), headers, body, timestamp)).toBe(false);
  });

  it('should send one signature per secret during a rotation, each verifying on its own', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook({ id: 'msg_3', timestamp, body, secrets: [newSecret, oldSecret] });
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(referenceVerify(oldSecret, headers, body, timestamp)).toBe(true);
    expect(referenceVerify(newSecret, headers, body, timestamp)).toBe(true);
  });

  it('should verify with our receiver helper and refuse stale timestamps', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_4', timestamp, body, secrets: [secret] });
    expect(verifyWebhook({ secret, headers, body, now: timestamp * 1000 })).toBe(true);
    expect(verifyWebhook({ secret, headers, body, now: (timestamp + 301) * 1000 })).toBe(false);
    expect(
      verifyWebhook({
        secret,
        headers: { ...headers, 'webhook-signature': 'v1,AAAA' },
        body,
        now: timestamp * 1000,
      }),
    ).toBe(false);
  });
});
