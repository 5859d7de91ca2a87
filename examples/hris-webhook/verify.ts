// Verifying an ExitBot webhook (Standard Webhooks): copy this function into your receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers ExitBot sends with every webhook. */
export interface WebhookHeaders {
  'webhook-id'?: string | undefined;
  'webhook-timestamp'?: string | undefined;
  'webhook-signature'?: string | undefined;
}

/**
 * True when one `v1,<base64>` signature in `webhook-signature` is the HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<raw body>" under the secret (the base64 after `whsec_`), and the
 * timestamp is at most five minutes away from now (replayed old requests are refused).
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string,
  now = Date.now(),
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(
    createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64'),
  );
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
