import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../db/database.ts';

/** The tenant's unrevoked key with this hash. */
export function findApiKeyByHash(
  db: Kysely<Database>,
  tenantId: string,
  keyHash: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Stores a new key (hash and display prefix only). */
export function insertApiKey(
  db: Kysely<Database>,
  tenantId: string,
  key: { name: string; prefix: string; keyHash: string; scopes: readonly string[] },
): Promise<ApiKeyRow> {
  return db
    .insertInto('api_keys')
    .values({
      tenant_id: tenantId,
      name: key.name,
      prefix: key.prefix,
      key_hash: key.keyHash,
      scopes: [...key.scopes],
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records a use of the key. */
export async function touchApiKey(
  db: Kysely<Database>,
  tenantId: string,
  keyId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .execute();
}

/** The tenant's keys, newest first. */
export function listApiKeys(db: Kysely<Database>, tenantId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes a key; false when the tenant has no such unrevoked key. */
export async function revokeApiKey(
  db: Kysely<Database>,
  tenantId: string,
  keyId: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
