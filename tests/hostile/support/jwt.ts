// Hand-made JWTs for the token attacks: any header, any payload, any signature (node:crypto only, so
// nothing "helps" by normalising a malformed token).
import { createHmac, generateKeyPairSync, type JsonWebKey, type KeyObject, sign } from 'node:crypto';

/** base64url of a string or bytes. */
export function base64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** The signing input `header.payload`. */
export function signingInput(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
}

/** A token with the given signature bytes (empty for alg none). */
export function unsignedToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signature = '',
): string {
  return `${signingInput(header, payload)}.${signature}`;
}

/** HS256 over the signing input with `secret` as the HMAC key. */
export function hs256Token(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Uint8Array,
): string {
  const input = signingInput({ alg: 'HS256', ...header }, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An EC P-256 or RSA key pair with its public JWK. */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
}

/** A fresh ES256 (P-256) key pair. */
export function ecKeyPair(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}

/** A fresh RSA key pair (2048 bits). */
export function rsaKeyPair(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}

/** Signs with ES256, RS256 or PS256 as the header's `alg` says (header alg can be overridden to lie). */
export function signedToken(
  key: KeyObject,
  algorithm: 'ES256' | 'RS256' | 'PS256',
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = signingInput({ alg: algorithm, ...header }, payload);
  const signature =
    algorithm === 'ES256'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : algorithm === 'PS256'
        ? sign('sha256', Buffer.from(input), { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 })
        : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}
