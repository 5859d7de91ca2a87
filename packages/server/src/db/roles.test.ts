import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './connect.ts';
import { migrateToLatest } from './migrate.ts';
import { findUnprotectedTables } from './roles.ts';
import { withTenant } from './scope.ts';

describe('migrations run by a CREATEROLE user that is not a superuser (managed Postgres)', () => {
  it('should create the roles, migrate and serve a tenant on PGlite (Postgres 17 role grants)', async () => {
    const handle = await openDatabase({ dataDir: 'memory://' });
    try {
      const { db } = handle;
      // Like a provider's admin user: CREATEROLE, owns the database (so the public schema), no superuser.
      await sql`create role exitbot_test_migrator login createrole`.execute(db);
      await sql`
        do $$ begin
          execute format('alter database %I owner to exitbot_test_migrator', current_database());
        end $$`.execute(db);
      await sql`set role exitbot_test_migrator`.execute(db);
      const version = await sql<{ version: number }>`
        select current_setting('server_version_num')::int as version`.execute(db);
      // Postgres 16 changed what the creator of a role may do with it: this test covers that case.
      expect(version.rows[0]?.version).toBeGreaterThanOrEqual(160000);

      const { applied } = await migrateToLatest(db);
      expect(applied.length).toBeGreaterThan(0);
      expect(await findUnprotectedTables(db)).toEqual([]);
      const tenantId = randomUUID();
      await withTenant(handle, tenantId, (scoped) =>
        scoped.insertInto('tenants').values({ id: tenantId, name: 'Managed', settings: '{}' }).execute(),
      );
      const rows = await withTenant(handle, tenantId, (scoped) =>
        scoped.selectFrom('tenants').select('name').execute(),
      );
      expect(rows).toEqual([{ name: 'Managed' }]);
      // A second start is a no-op, not a failure.
      expect((await migrateToLatest(db)).applied).toEqual([]);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it.skipIf(!process.env.DATABASE_URL)(
    'should migrate and serve a tenant on Postgres as a CREATEROLE login that owns its database',
    async () => {
      const baseUrl = process.env.DATABASE_URL as string;
      const suffix = randomBytes(4).toString('hex');
      const login = `exitbot_t_migrator_${suffix}`;
      const name = `exitbot_t_roles_${suffix}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`create role ${login} login createrole`);
      await admin.query(`create database ${name} owner ${login}`);
      const url = new URL(baseUrl);
      url.username = login;
      url.password = '';
      url.pathname = `/${name}`;
      const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
      try {
        const who = await sql<{ superuser: boolean }>`
          select rolsuper as superuser from pg_roles where rolname = current_user`.execute(handle.db);
        expect(who.rows).toEqual([{ superuser: false }]);
        await migrateToLatest(handle.db);
        expect(await findUnprotectedTables(handle.db)).toEqual([]);
        const tenantId = randomUUID();
        await withTenant(handle, tenantId, (scoped) =>
          scoped.insertInto('tenants').values({ id: tenantId, name: 'Managed', settings: '{}' }).execute(),
        );
        const rows = await withTenant(handle, tenantId, (scoped) =>
          scoped.selectFrom('tenants').select('name').execute(),
        );
        expect(rows).toEqual([{ name: 'Managed' }]);
      } finally {
        await handle.close();
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.query(`drop role if exists ${login}`);
        await admin.end();
      }
    },
    60_000,
  );
});
