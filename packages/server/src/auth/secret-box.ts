import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encrypts and decrypts small secrets (private JWKs) with AES-256-GCM under a key derived from the master secret. */
export interface SecretBox {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

/** Derives the AES key from the master secret with HKDF-SHA256. */
export async function createSecretBox(masterSecret: string): Promise<SecretBox> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(masterSecret), 'HKDF', false, [
    'deriveKey',
  ]);
  const key = await crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: encoder.encode('exitbot'),
      info: encoder.encode('signing-keys v1'),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  return {
    async seal(plaintext) {
      const iv = randomBytes(12);
      const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(plaintext));
      return `v1.${iv.toString('base64url')}.${Buffer.from(ciphertext).toString('base64url')}`;
    },
    async open(sealed) {
      const [version, iv, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !iv || !ciphertext) throw new Error('Unknown sealed secret format');
      const plaintext = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: Buffer.from(iv, 'base64url') },
        key,
        Buffer.from(ciphertext, 'base64url'),
      );
      return decoder.decode(plaintext);
    },
  };
}

/** The configured master secret, or one generated once into `<dataDir>/secret` (mode 0600). */
export async function loadMasterSecret(options: { secret: string | undefined; dataDir: string }): Promise<{
  secret: string;
  generated: boolean;
}> {
  if (options.secret) return { secret: options.secret, generated: false };
  const file = join(options.dataDir, 'secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return { secret: existing, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  await chmod(file, 0o600);
  const stored = (await readFile(file, 'utf8')).trim();
  return { secret: stored, generated: stored === secret };
}
