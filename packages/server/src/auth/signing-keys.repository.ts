import type { Kysely } from 'kysely';
import type { Database, SigningKeyRow } from '../db/database.ts';

/** Fields of a new signing key row. */
export interface NewSigningKey {
  kid: string;
  alg: string;
  origin: 'server' | 'tenant';
  publicJwk: Record<string, unknown>;
  privateJwkEncrypted: string | null;
  expiresAt: Date | null;
}

/** A key that may verify tokens: the tenant's key with this kid, unless revoked or expired. */
export function findVerificationKey(
  db: Kysely<Database>,
  tenantId: string,
  kid: string,
): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kid', '=', kid)
    .where('status', '<>', 'revoked')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .executeTakeFirst();
}

/** The newest active server key of the tenant (the one that signs). */
export function findActiveServerKey(
  db: Kysely<Database>,
  tenantId: string,
): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('origin', '=', 'server')
    .where('status', '=', 'active')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Inserts a signing key. */
export async function insertSigningKey(
  db: Kysely<Database>,
  tenantId: string,
  key: NewSigningKey,
): Promise<SigningKeyRow> {
  return db
    .insertInto('signing_keys')
    .values({
      tenant_id: tenantId,
      kid: key.kid,
      alg: key.alg,
      origin: key.origin,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk_encrypted: key.privateJwkEncrypted,
      status: 'active',
      expires_at: key.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks the tenant's active server keys retired; they keep verifying until `verifyUntil`. */
export async function retireServerKeys(
  db: Kysely<Database>,
  tenantId: string,
  verifyUntil: Date,
): Promise<number> {
  const result = await db
    .updateTable('signing_keys')
    .set({ status: 'retired', expires_at: verifyUntil })
    .where('tenant_id', '=', tenantId)
    .where('origin', '=', 'server')
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Lists the tenant's keys (public parts only are used by callers). */
export function listSigningKeys(db: Kysely<Database>, tenantId: string): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes one tenant-registered key; returns false when the tenant has no such key. */
export async function revokeTenantKey(db: Kysely<Database>, tenantId: string, kid: string): Promise<boolean> {
  const result = await db
    .updateTable('signing_keys')
    .set({ status: 'revoked' })
    .where('tenant_id', '=', tenantId)
    .where('kid', '=', kid)
    .where('origin', '=', 'tenant')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
