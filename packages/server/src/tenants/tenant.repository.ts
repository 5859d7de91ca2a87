import type { Kysely } from 'kysely';
import type { Database, TenantRow } from '../db/database.ts';

/** The tenant row (RLS and the filter both limit it to `tenantId`). */
export function findTenant(
  db: Kysely<Database>,
  tenantId: string,
  options: { forUpdate?: boolean } = {},
): Promise<TenantRow | undefined> {
  const query = db.selectFrom('tenants').selectAll().where('id', '=', tenantId);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/** Inserts a tenant. */
export function insertTenant(
  db: Kysely<Database>,
  tenantId: string,
  input: { name: string; settings: Record<string, unknown> },
): Promise<TenantRow> {
  return db
    .insertInto('tenants')
    .values({ id: tenantId, name: input.name, settings: JSON.stringify(input.settings) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Replaces the tenant's settings JSON. */
export function updateTenantSettings(
  db: Kysely<Database>,
  tenantId: string,
  settings: Record<string, unknown>,
): Promise<TenantRow | undefined> {
  return db
    .updateTable('tenants')
    .set({ settings: JSON.stringify(settings), updated_at: new Date() })
    .where('id', '=', tenantId)
    .returningAll()
    .executeTakeFirst();
}

/** Allowed origins of every tenant (worker role: it may read tenant settings, nothing else). */
export async function listAllAllowedOrigins(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('tenants').select('settings').execute();
  return rows.flatMap((row) =>
    Array.isArray(row.settings.allowedOrigins) ? row.settings.allowedOrigins : [],
  );
}

/** Ids of every tenant (worker role), for per-tenant sweeps. */
export async function listTenantIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('tenants').select('id').execute();
  return rows.map((row) => row.id);
}
