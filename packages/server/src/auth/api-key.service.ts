import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../db/connect.ts';
import { isUuid, withTenant } from '../db/scope.ts';
import type { Logger } from '../logger.ts';
import { type ApiKeyScope, apiKeyScopes } from './api-key-scopes.ts';
import {
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from './api-keys.repository.ts';
import { TokenError } from './token.service.ts';

export { type ApiKeyScope, apiKeyScopes };

/** A verified API key. */
export interface ApiKeyCredential {
  kind: 'api-key';
  tenantId: string;
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

const keyPattern = /^exb_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
const cacheTtlMs = 30_000;
const touchIntervalMs = 60_000;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The stored scopes this server knows (a check constraint allows no others; a newer server's are ignored). */
function knownScopes(stored: readonly string[]): ApiKeyScope[] {
  return apiKeyScopes.filter((scope) => stored.includes(scope));
}

function tenantFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Issues and verifies opaque API keys `exb_<tenant>_<secret>`, stored as SHA-256 hashes. */
export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** Creates the API key service. */
export function createApiKeyService(options: {
  database: DatabaseHandle;
  logger: Logger;
  now?: () => number;
}) {
  const { database, logger } = options;
  const now = options.now ?? Date.now;
  const verified = new Map<string, { credential: ApiKeyCredential; at: number }>();
  const touched = new Map<string, number>();

  return {
    /**
     * Creates a key with these scopes (default: all of them); the plaintext is returned once and never
     * stored.
     */
    async create(input: { tenantId: string; name: string; scopes?: readonly ApiKeyScope[] }) {
      const secret = randomBytes(32).toString('base64url');
      const key = `exb_${input.tenantId.replaceAll('-', '')}_${secret}`;
      const prefix = `exb_…${secret.slice(0, 6)}`;
      // Stored in the canonical order, once each.
      const scopes = apiKeyScopes.filter((scope) => (input.scopes ?? apiKeyScopes).includes(scope));
      const row = await withTenant(database, input.tenantId, (db) =>
        insertApiKey(db, input.tenantId, { name: input.name, prefix, keyHash: hashKey(key), scopes }),
      );
      return {
        id: row.id,
        name: row.name,
        prefix,
        key,
        scopes: knownScopes(row.scopes),
        createdAt: row.created_at.toISOString(),
      };
    },

    /** Verifies a key; throws TokenError when it is malformed, unknown or revoked. */
    async verify(key: string): Promise<ApiKeyCredential> {
      const match = keyPattern.exec(key);
      if (!match?.[1]) throw new TokenError('malformed api key');
      const keyHash = hashKey(key);
      const cached = verified.get(keyHash);
      if (cached && now() - cached.at < cacheTtlMs) return cached.credential;
      const tenantId = tenantFromHex(match[1]);
      if (!isUuid(tenantId)) throw new TokenError('malformed api key');
      const row = await withTenant(database, tenantId, (db) => findApiKeyByHash(db, tenantId, keyHash));
      if (!row) {
        verified.delete(keyHash);
        throw new TokenError('unknown or revoked api key');
      }
      const credential: ApiKeyCredential = {
        kind: 'api-key',
        tenantId,
        keyId: row.id,
        scopes: knownScopes(row.scopes),
      };
      if (verified.size > 10_000) verified.clear();
      verified.set(keyHash, { credential, at: now() });
      const lastTouch = touched.get(row.id) ?? 0;
      if (now() - lastTouch > touchIntervalMs) {
        touched.set(row.id, now());
        withTenant(database, tenantId, (db) => touchApiKey(db, tenantId, row.id, new Date(now()))).catch(
          (error) => logger.warn('api key last-used update failed', { error }),
        );
      }
      return credential;
    },

    /** Lists the tenant's keys (no secrets). */
    async list(tenantId: string) {
      const rows = await withTenant(database, tenantId, (db) => listApiKeys(db, tenantId));
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        scopes: knownScopes(row.scopes),
        createdAt: row.created_at.toISOString(),
        lastUsedAt: row.last_used_at?.toISOString() ?? null,
        revokedAt: row.revoked_at?.toISOString() ?? null,
      }));
    },

    /** Revokes a key at once in this process (others within the 30 s cache window). */
    async revoke(tenantId: string, keyId: string): Promise<boolean> {
      const revoked = await withTenant(database, tenantId, (db) =>
        revokeApiKey(db, tenantId, keyId, new Date(now())),
      );
      for (const [hash, entry] of verified) if (entry.credential.keyId === keyId) verified.delete(hash);
      return revoked;
    },
  };
}
