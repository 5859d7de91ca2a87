// Standard Webhooks signatures (https://www.standardwebhooks.com): the receiver gets `webhook-id`,
// `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` computed over
// "<id>.<timestamp>.<body>" with the base64-decoded part of the `whsec_` secret as the key. During a
// secret rotation the header carries one signature per secret, separated by spaces.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of a webhook signing secret. */
export const secretPrefix = 'whsec_';

/** A new signing secret `whsec_<base64 of 24 random bytes>`, shown to the tenant once. */
export function generateWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(24).toString('base64')}`;
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(secretPrefix)) throw new Error('A webhook secret starts with whsec_');
  return Buffer.from(secret.slice(secretPrefix.length), 'base64');
}

/** One `v1,<base64>` signature of a message. */
export function signaturePart(input: {
  id: string;
  timestamp: number;
  body: string;
  secret: string;
}): string {
  const mac = createHmac('sha256', secretKey(input.secret))
    .update(`${input.id}.${input.timestamp}.${input.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers of one delivery (one signature per secret). */
export function signWebhook(input: {
  id: string;
  timestamp: number;
  body: string;
  secrets: string[];
}): Record<string, string> {
  if (input.secrets.length === 0) throw new Error('At least one secret is needed to sign');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': input.secrets.map((secret) => signaturePart({ ...input, secret })).join(' '),
  };
}

/**
 * Verifies a delivery as a receiver would: some `v1` signature matches and the timestamp is within
 * `toleranceSeconds` (default 5 minutes) of `now`. Used by tests and documented for receivers.
 */
export function verifyWebhook(input: {
  secret: string;
  headers: Record<string, string | undefined>;
  body: string;
  now?: number;
  toleranceSeconds?: number;
}): boolean {
  const id = input.headers['webhook-id'];
  const timestamp = Number(input.headers['webhook-timestamp']);
  const signatures = input.headers['webhook-signature'];
  if (!id || !Number.isInteger(timestamp) || !signatures) return false;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signaturePart({ id, timestamp, body: input.body, secret: input.secret }));
  return signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
