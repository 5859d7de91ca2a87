import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: roles and migrations work on any schema.
type AnyDatabase = Kysely<any>;

import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as createCoreTables from '../migrations/2026_11_25_0800_create_core_tables.ts';
import * as createPrivacyTables from '../migrations/2026_11_25_1200_create_privacy_tables.ts';
import * as createInsightTables from '../migrations/2026_11_25_1400_create_insight_tables.ts';
import { applyPrivileges, ensureRoles, findUnprotectedTables } from './roles.ts';

// Listed explicitly (not read from the folder) so startup does no directory scan and a bundler sees them.
const migrations: Record<string, Migration> = {
  '2026_11_25_0800_create_core_tables': createCoreTables,
  '2026_11_25_1400_create_insight_tables': createInsightTables,
  '2026_11_25_1200_create_privacy_tables': createPrivacyTables,
};

/** Result of `migrateToLatest()`: the names of the migrations applied now. */
export interface MigrateResult {
  applied: string[];
}

/** Creates roles, runs pending migrations (Kysely's Migrator), then applies ownership, grants and the RLS check. */
export async function migrateToLatest(db: AnyDatabase): Promise<MigrateResult> {
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
