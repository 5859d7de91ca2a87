// Master keys wrap the per-tenant data keys (envelope encryption). The master key never touches a
// row; rotating it re-wraps a few dozen bytes per tenant instead of re-encrypting every transcript.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aeadDecrypt, aeadEncrypt, keyBytes } from './aead.ts';

const encoder = new TextEncoder();
const wrappedPrefix = 'mk1';

/** A master key and its short public fingerprint (stored beside every key it wraps). */
export interface MasterKey {
  /** First 16 hex digits of SHA-256 of the key: names the key without revealing it. */
  id: string;
  key: Buffer;
}

/** Wraps and unwraps tenant data keys with the current master key (and, during a rotation, the previous one). */
export interface Keyring {
  /** Id of the master key new data keys are wrapped with. */
  readonly currentId: string;
  /** Ids of every master key this keyring can unwrap with. */
  readonly knownIds: string[];
  /** Wraps a data key for one tenant and key version (both bound as associated data). */
  wrap(input: { tenantId: string; version: number; dataKey: Uint8Array }): string;
  /** Unwraps a data key; throws when no known master key wrapped it or it belongs to another tenant or version. */
  unwrap(input: { tenantId: string; version: number; wrapped: string }): Buffer;
  /** Id of the master key that wrapped this value. */
  wrappedWith(wrapped: string): string;
}

/** Parses a base64 (or base64url) master key of exactly 32 bytes; throws naming what is wrong. */
export function parseMasterKey(encoded: string): MasterKey {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error('must be base64 (32 random bytes)');
  const key = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  if (key.length !== keyBytes) throw new Error(`must decode to 32 bytes, got ${key.length}`);
  return { id: masterKeyId(key), key };
}

/** The public fingerprint of a master key. */
export function masterKeyId(key: Uint8Array): string {
  return createHash('sha256').update('exitbot master key id\0').update(key).digest('hex').slice(0, 16);
}

/** A new random master key, base64 encoded (what `EXITBOT_MASTER_KEY` expects). */
export function generateMasterKey(): string {
  return randomBytes(keyBytes).toString('base64');
}

function associatedData(tenantId: string, version: number, masterId: string): Uint8Array {
  return encoder.encode(`exitbot:data-key:v1:${tenantId}:${version}:${masterId}`);
}

/** Builds a keyring from the current master key and optionally the previous one (accepted for unwrapping only). */
export function createKeyring(options: { current: MasterKey; previous?: MasterKey | undefined }): Keyring {
  const keys = new Map<string, MasterKey>([[options.current.id, options.current]]);
  if (options.previous && options.previous.id !== options.current.id)
    keys.set(options.previous.id, options.previous);

  function parse(wrapped: string) {
    const [prefix, masterId, iv, sealed, extra] = wrapped.split('.');
    if (prefix !== wrappedPrefix || !masterId || !iv || !sealed || extra !== undefined) {
      throw new Error('Unknown wrapped data key format');
    }
    return { masterId, iv: Buffer.from(iv, 'base64url'), sealed: Buffer.from(sealed, 'base64url') };
  }

  return {
    currentId: options.current.id,
    knownIds: [...keys.keys()],
    wrap({ tenantId, version, dataKey }) {
      const { id, key } = options.current;
      const { iv, sealed } = aeadEncrypt(key, dataKey, associatedData(tenantId, version, id));
      return `${wrappedPrefix}.${id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    unwrap({ tenantId, version, wrapped }) {
      const parsed = parse(wrapped);
      const master = keys.get(parsed.masterId);
      if (!master) {
        throw new Error(
          `The data key of tenant ${tenantId} is wrapped with master key ${parsed.masterId}, which is not configured ` +
            '(set EXITBOT_MASTER_KEY_PREVIOUS to it while rotating)',
        );
      }
      return aeadDecrypt(master.key, parsed.iv, parsed.sealed, associatedData(tenantId, version, master.id));
    },
    wrappedWith(wrapped) {
      return parse(wrapped).masterId;
    },
  };
}

/** Where the development master key lives when none is configured. */
export function developmentMasterKeyPath(dataDir: string): string {
  return join(dataDir, 'master.key');
}

/**
 * The configured master key, or (when none is configured) one generated once into `<dataDir>/master.key`
 * with mode 0600. `generated` tells the caller to log a warning: a key beside the data protects nothing
 * against someone who copies the data folder.
 */
export async function loadMasterKey(options: { masterKey: string | undefined; dataDir: string }): Promise<{
  key: MasterKey;
  source: 'environment' | 'data-folder';
  generated: boolean;
}> {
  if (options.masterKey)
    return { key: parseMasterKey(options.masterKey), source: 'environment', generated: false };
  const file = developmentMasterKeyPath(options.dataDir);
  const read = async () => {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const existing = await read();
  if (existing) return { key: parseMasterKey(existing), source: 'data-folder', generated: false };
  await mkdir(options.dataDir, { recursive: true });
  const fresh = generateMasterKey();
  let generated = true;
  await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    // Another process of this data folder wrote it first: use theirs.
    if (error.code !== 'EEXIST') throw error;
    generated = false;
  });
  await chmod(file, 0o600);
  const stored = await read();
  if (!stored) throw new Error(`Could not read ${file}`);
  return { key: parseMasterKey(stored), source: 'data-folder', generated };
}
