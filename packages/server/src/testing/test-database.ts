// Test helper: a fresh, migrated database per test file, on PGlite and (when DATABASE_URL is set) on Postgres.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** The database kinds to run a suite on: PGlite always, Postgres when DATABASE_URL is set. */
export const testDatabaseKinds: DatabaseKind[] = process.env.DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

/** A migrated database for one test file; `url` is set for Postgres (to open more pools on it). */
export interface TestDatabase {
  handle: DatabaseHandle;
  kind: DatabaseKind;
  url: string | undefined;
  /** Closes the handle and drops the Postgres database. */
  destroy(): Promise<void>;
}

/** Creates a fresh database (a new Postgres database, or an in-memory PGlite) and migrates it. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return { handle, kind, url: undefined, destroy: () => handle.close() };
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error('DATABASE_URL is not set');
  const name = `exitbot_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 20 });
  await migrateToLatest(handle.db);
  return {
    handle,
    kind,
    url: url.toString(),
    destroy: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
