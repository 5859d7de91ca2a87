import type { Kysely } from 'kysely';
import type { Database, TenantKeyTable } from '../db/database.ts';

/** A stored tenant data key (still wrapped). */
export interface StoredTenantKey {
  version: number;
  wrappedKey: string;
  masterKeyId: string;
}

const toStored = (
  row: Pick<TenantKeyTable, 'version' | 'wrapped_key' | 'master_key_id'>,
): StoredTenantKey => ({
  version: row.version,
  wrappedKey: row.wrapped_key,
  masterKeyId: row.master_key_id,
});

/** Every data key of the tenant, newest version first. */
export async function listTenantKeys(db: Kysely<Database>, tenantId: string): Promise<StoredTenantKey[]> {
  const rows = await db
    .selectFrom('tenant_keys')
    .select(['version', 'wrapped_key', 'master_key_id'])
    .where('tenant_id', '=', tenantId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map(toStored);
}

/** Stores a data key unless that version exists already (a concurrent process created it first). */
export async function insertTenantKey(
  db: Kysely<Database>,
  tenantId: string,
  key: StoredTenantKey,
): Promise<void> {
  await db
    .insertInto('tenant_keys')
    .values({
      tenant_id: tenantId,
      version: key.version,
      wrapped_key: key.wrappedKey,
      master_key_id: key.masterKeyId,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'version']).doNothing())
    .execute();
}

/** Replaces the wrapping of one data key (master-key rotation); the key itself does not change. */
export async function rewrapTenantKey(
  db: Kysely<Database>,
  tenantId: string,
  key: StoredTenantKey & { previousMasterKeyId: string },
): Promise<boolean> {
  const result = await db
    .updateTable('tenant_keys')
    .set({ wrapped_key: key.wrappedKey, master_key_id: key.masterKeyId, rewrapped_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('version', '=', key.version)
    .where('master_key_id', '=', key.previousMasterKeyId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
