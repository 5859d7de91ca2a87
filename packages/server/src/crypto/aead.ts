// AES-256-GCM with node:crypto: synchronous, so a row can be sealed or opened inside a map() without
// awaiting (WebCrypto's promise per call costs more than the cipher itself for short texts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Bytes of a random GCM nonce (96 bits, the size GCM is defined for). */
export const ivBytes = 12;
/** Bytes of the GCM authentication tag. */
export const tagBytes = 16;
/** Bytes of an AES-256 key. */
export const keyBytes = 32;

/** Encrypts `plaintext` under `key` with a fresh random IV; returns iv and ciphertext||tag. */
export function aeadEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): { iv: Buffer; sealed: Buffer } {
  if (key.length !== keyBytes) throw new RangeError('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, sealed: Buffer.concat([body, cipher.getAuthTag()]) };
}

/** Decrypts ciphertext||tag; throws when the key, IV, associated data or ciphertext do not match. */
export function aeadDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array,
): Buffer {
  if (key.length !== keyBytes) throw new RangeError('AES-256-GCM needs a 32-byte key');
  if (iv.length !== ivBytes || sealed.length < tagBytes) throw new DecryptionError('malformed ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]);
  } catch (error) {
    throw new DecryptionError('authentication failed (wrong key, wrong row or tampered data)', error);
  }
}

/** A ciphertext that does not decrypt: wrong key, wrong associated data (another row or tenant) or tampering. */
export class DecryptionError extends Error {
  constructor(reason: string, cause?: unknown) {
    super(`Decryption failed: ${reason}`, { cause });
    this.name = 'DecryptionError';
  }
}
