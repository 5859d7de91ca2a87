import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: roles and migrations work on any schema.
type AnyDatabase = Kysely<any>;

import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as createCoreTables from '../migrations/2026_11_25_0800_create_core_tables.ts';
import * as createPrivacyTables from '../migrations/2026_11_25_1200_create_privacy_tables.ts';
import * as createInsightTables from '../migrations/2026_11_25_1400_create_insight_tables.ts';
import * as createInsightCube from '../migrations/2026_11_25_1500_create_insight_cube.ts';
import * as apiKeyScopes from '../migrations/2026_11_25_1600_api_key_scopes.ts';
import * as interviewListedAt from '../migrations/2026_11_25_1700_interview_listed_at.ts';
import { applyPrivileges, ensureRoles, findUnprotectedTables } from './roles.ts';

// Listed explicitly (not read from the folder) so startup does no directory scan and a bundler sees them.
const migrations: Record<string, Migration> = {
  '2026_11_25_0800_create_core_tables': createCoreTables,
  '2026_11_25_1400_create_insight_tables': createInsightTables,
  '2026_11_25_1500_create_insight_cube': createInsightCube,
  '2026_11_25_1200_create_privacy_tables': createPrivacyTables,
  '2026_11_25_1600_api_key_scopes': apiKeyScopes,
  '2026_11_25_1700_interview_listed_at': interviewListedAt,
};

/** Result of `migrateToLatest()`: the names of the migrations applied now. */
export interface MigrateResult {
  applied: string[];
}

/** Creates roles, runs pending migrations (Kysely's Migrator), then applies ownership, grants and the RLS check. */
export async function migrateToLatest(db: AnyDatabase): Promise<MigrateResult> {
  // Fast path for a start on an up-to-date database: two catalog reads instead of the full procedure.
  if (await isUpToDate(db)) return { applied: [] };
  await db.transaction().execute(async (transaction) => {
    // Serialises role and grant changes when several processes start on one database.
    await sql`select pg_advisory_xact_lock(4747001)`.execute(transaction);
    await ensureRoles(transaction);
  });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`,
      {
        cause: error,
      },
    );
  }
  const applied = (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  if (applied.length > 0 || (await findUnprotectedTables(db)).length > 0) {
    await applyPrivileges(db);
  }
  return { applied };
}

/** True when the roles exist, every migration is applied and every table is protected. */
async function isUpToDate(db: AnyDatabase): Promise<boolean> {
  const state = await sql<{ roles: number; migrations: boolean }>`
    select
      (select count(*)::int from pg_roles where rolname in ('exitbot_owner', 'exitbot_app', 'exitbot_worker')) as roles,
      to_regclass('kysely_migration') is not null as migrations`.execute(db);
  const row = state.rows[0];
  if (row?.roles !== 3 || !row.migrations) return false;
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const names = new Set(applied.rows.map((entry) => entry.name));
  if (!Object.keys(migrations).every((name) => names.has(name))) return false;
  return (await findUnprotectedTables(db)).length === 0;
}
