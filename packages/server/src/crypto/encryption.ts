// Envelope encryption of personal data at rest: message text, interview state, reports, webhook
// secrets and webhook personal data. Each tenant has its own AES-256 data key, stored wrapped by the
// master key; a value is sealed with AES-256-GCM, a random 96-bit IV and, as associated data, the
// tenant id and the row and column it belongs to, so a ciphertext copied to another row, column or
// tenant does not decrypt.
import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../db/connect.ts';
import { withTenant, withWorker } from '../db/scope.ts';
import { listTenantIds } from '../tenants/tenant.repository.ts';
import { aeadDecrypt, aeadEncrypt, DecryptionError, importAeadKey, keyBytes } from './aead.ts';
import type { Keyring } from './keyring.ts';
import { insertTenantKey, listTenantKeys, rewrapTenantKey } from './tenant-keys.repository.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Prefix of every sealed value (format version 1). */
export const sealedPrefix = 'ev1.';
const sealedPattern = /^ev1\.(\d{1,6})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** Seals and opens values of one tenant; synchronous once the tenant's keys are loaded. */
export interface TenantCipher {
  readonly tenantId: string;
  /** Encrypts text bound to `context` (the row and column, e.g. `messages/<interview>/<seq>/text`). */
  seal(plaintext: string, context: string): string;
  /** Decrypts a sealed value; a value without the `ev1.` prefix (written before encryption) is returned as is. */
  open(value: string, context: string): string;
  /** Seals a JSON-serialisable value. */
  sealJson(value: unknown, context: string): string;
  /** Opens a value sealed with `sealJson`; a non-string (legacy plain JSON) is returned as is. */
  openJson<T>(value: unknown, context: string): T;
}

/** True when the value is a sealed string. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(sealedPrefix);
}

function associatedData(tenantId: string, context: string): Uint8Array {
  return encoder.encode(`exitbot:v1:${tenantId}:${context}`);
}

/** Builds a cipher over already unwrapped data keys (`keys` by version; the highest version seals). */
export function createTenantCipher(tenantId: string, rawKeys: Map<number, Uint8Array>): TenantCipher {
  const keys = new Map([...rawKeys].map(([version, raw]) => [version, importAeadKey(raw)] as const));
  const current = Math.max(...keys.keys());
  const currentKey = keys.get(current);
  if (!currentKey) throw new Error(`No data key for tenant ${tenantId}`);
  const cipher: TenantCipher = {
    tenantId,
    seal(plaintext, context) {
      const { iv, sealed } = aeadEncrypt(
        currentKey,
        encoder.encode(plaintext),
        associatedData(tenantId, context),
      );
      return `${sealedPrefix}${current}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(value, context) {
      if (!value.startsWith(sealedPrefix)) return value;
      const match = sealedPattern.exec(value);
      if (!match?.[1] || !match[2] || !match[3]) throw new DecryptionError('malformed sealed value');
      const key = keys.get(Number(match[1]));
      if (!key) throw new DecryptionError(`unknown data key version ${match[1]}`);
      const plaintext = aeadDecrypt(
        key,
        Buffer.from(match[2], 'base64url'),
        Buffer.from(match[3], 'base64url'),
        associatedData(tenantId, context),
      );
      return decoder.decode(plaintext);
    },
    sealJson(value, context) {
      return cipher.seal(JSON.stringify(value), context);
    },
    openJson<T>(value: unknown, context: string): T {
      if (isSealed(value)) return JSON.parse(cipher.open(value, context)) as T;
      return value as T;
    },
  };
  return cipher;
}

/** Options of `createEncryption()`. */
export interface EncryptionOptions {
  database: DatabaseHandle;
  keyring: Keyring;
  /** Unwrapped data keys are kept this long per process. Default 10 minutes. */
  cacheMs?: number;
  now?: () => number;
}

/** Per-tenant ciphers with lazily created, cached data keys; master-key rotation. */
export type Encryption = ReturnType<typeof createEncryption>;

/** Creates the encryption service. */
export function createEncryption(options: EncryptionOptions) {
  const { database, keyring } = options;
  const cacheMs = options.cacheMs ?? 600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { cipher: TenantCipher; at: number }>();
  const loading = new Map<string, Promise<TenantCipher>>();

  async function load(tenantId: string): Promise<TenantCipher> {
    // The key is created in its own transaction: a key that only lived in a rolled-back transaction
    // would otherwise stay cached here and seal data nobody could open later.
    const stored = await withTenant(database, tenantId, async (db) => {
      const existing = await listTenantKeys(db, tenantId);
      if (existing.length > 0) return existing;
      const dataKey = randomBytes(keyBytes);
      await insertTenantKey(db, tenantId, {
        version: 1,
        wrappedKey: keyring.wrap({ tenantId, version: 1, dataKey }),
        masterKeyId: keyring.currentId,
      });
      return listTenantKeys(db, tenantId);
    });
    const keys = new Map<number, Buffer>();
    for (const key of stored) {
      keys.set(key.version, keyring.unwrap({ tenantId, version: key.version, wrapped: key.wrappedKey }));
    }
    return createTenantCipher(tenantId, keys);
  }

  return {
    /** The tenant's cipher (creates the tenant's data key on first use). */
    async forTenant(tenantId: string): Promise<TenantCipher> {
      const cached = cache.get(tenantId);
      if (cached && now() - cached.at < cacheMs) return cached.cipher;
      let pending = loading.get(tenantId);
      if (!pending) {
        pending = load(tenantId).finally(() => loading.delete(tenantId));
        loading.set(tenantId, pending);
      }
      const cipher = await pending;
      if (cache.size > 10_000) cache.clear();
      cache.set(tenantId, { cipher, at: now() });
      return cipher;
    },

    /** Drops the cached keys of one tenant (or all). */
    forget(tenantId?: string): void {
      if (tenantId) cache.delete(tenantId);
      else cache.clear();
    },

    /**
     * Re-wraps every tenant data key not yet wrapped by the current master key (the keyring must also
     * hold the previous master key). Data itself is not re-encrypted: data keys do not change.
     */
    async rotateMasterKey(): Promise<{ tenants: number; rewrapped: number; alreadyCurrent: number }> {
      const tenantIds = await withWorker(database, (db) => listTenantIds(db));
      let rewrapped = 0;
      let alreadyCurrent = 0;
      for (const tenantId of tenantIds) {
        await withTenant(database, tenantId, async (db) => {
          for (const key of await listTenantKeys(db, tenantId)) {
            if (key.masterKeyId === keyring.currentId) {
              alreadyCurrent += 1;
              continue;
            }
            const dataKey = keyring.unwrap({ tenantId, version: key.version, wrapped: key.wrappedKey });
            const changed = await rewrapTenantKey(db, tenantId, {
              version: key.version,
              wrappedKey: keyring.wrap({ tenantId, version: key.version, dataKey }),
              masterKeyId: keyring.currentId,
              previousMasterKeyId: key.masterKeyId,
            });
            if (changed) rewrapped += 1;
          }
        });
      }
      cache.clear();
      return { tenants: tenantIds.length, rewrapped, alreadyCurrent };
    },

    /** Counts data keys by the master key that wraps them (for `exitbot keys status`). */
    async keyStatus(): Promise<{ currentMasterKeyId: string; byMasterKey: Record<string, number> }> {
      const tenantIds = await withWorker(database, (db) => listTenantIds(db));
      const byMasterKey: Record<string, number> = {};
      for (const tenantId of tenantIds) {
        const keys = await withTenant(database, tenantId, (db) => listTenantKeys(db, tenantId));
        for (const key of keys) byMasterKey[key.masterKeyId] = (byMasterKey[key.masterKeyId] ?? 0) + 1;
      }
      return { currentMasterKeyId: keyring.currentId, byMasterKey };
    },
  };
}

/** Associated-data contexts of the encrypted columns (the row id and the column). */
export const encryptionContexts = {
  /** `messages.text`. */
  messageText: (interviewId: string, seq: number) => `messages/${interviewId}/${seq}/text`,
  /** `messages.events` (the interviewer's stored wire events, which repeat the question text). */
  messageEvents: (interviewId: string, seq: number) => `messages/${interviewId}/${seq}/events`,
  /** `interviews.state` (the engine state holds the whole transcript). */
  interviewState: (interviewId: string) => `interviews/${interviewId}/state`,
} as const;
