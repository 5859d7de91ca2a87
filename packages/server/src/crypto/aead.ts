// AES-256-GCM with node:crypto: synchronous, so a row can be sealed or opened inside a map() without
// awaiting (WebCrypto's promise per call costs more than the cipher itself for short texts). Keys are
// imported once as KeyObjects (a raw Buffer key is re-imported on every call, about 3 times slower),
// and IVs come from a pool of CSPRNG bytes (one randomBytes call per 256 IVs instead of one each).
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomFillSync,
} from 'node:crypto';

/** Bytes of a random GCM nonce (96 bits, the size GCM is defined for). */
export const ivBytes = 12;
/** Bytes of the GCM authentication tag. */
export const tagBytes = 16;
/** Bytes of an AES-256 key. */
export const keyBytes = 32;

/** An AES-256 key, raw or imported. */
export type AeadKey = KeyObject | Uint8Array;

/** Imports raw key bytes once as a KeyObject (checks the length). */
export function importAeadKey(raw: Uint8Array): KeyObject {
  if (raw.length !== keyBytes) throw new RangeError('AES-256-GCM needs a 32-byte key');
  return createSecretKey(raw);
}

function checkKey(key: AeadKey): void {
  const size = key instanceof Uint8Array ? key.length : key.symmetricKeySize;
  if (size !== keyBytes) throw new RangeError('AES-256-GCM needs a 32-byte key');
}

const ivPool = Buffer.alloc(ivBytes * 256);
let ivOffset = ivPool.length;

/** A fresh random 96-bit IV (never reused: each comes from new CSPRNG output). */
function nextIv(): Buffer {
  if (ivOffset + ivBytes > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + ivBytes));
  ivOffset += ivBytes;
  return iv;
}

/** Encrypts `plaintext` under `key` with a fresh random IV; returns iv and ciphertext||tag. */
export function aeadEncrypt(
  key: AeadKey,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): { iv: Buffer; sealed: Buffer } {
  checkKey(key);
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, sealed: Buffer.concat([body, cipher.getAuthTag()]) };
}

/** Decrypts ciphertext||tag; throws when the key, IV, associated data or ciphertext do not match. */
export function aeadDecrypt(
  key: AeadKey,
  iv: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array,
): Buffer {
  checkKey(key);
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
