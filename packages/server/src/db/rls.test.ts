import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '../testing/test-database.ts';
import { findUnprotectedTables } from './roles.ts';
import { withTenant } from './scope.ts';

describe.each(testDatabaseKinds)('row-level security on %s', (kind) => {
  let database: TestDatabase;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const [id, name] of [
      [tenantA, 'A'],
      [tenantB, 'B'],
    ] as const) {
      await withTenant(database.handle, id, (db) =>
        db.insertInto('tenants').values({ id, name, settings: '{}' }).execute(),
      );
      await withTenant(database.handle, id, (db) =>
        db
          .insertInto('interviews')
          .values({
            id: randomUUID(),
            tenant_id: id,
            status: 'invited',
            mode: 'confidential',
            locale: 'en',
            expires_at: new Date(Date.now() + 86_400_000),
          })
          .execute(),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
  });

  it('should leave no table without forced row-level security owned by the owner role', async () => {
    expect(await findUnprotectedTables(database.handle.db)).toEqual([]);
  });

  it('should return nothing to the app role when no tenant is set', async () => {
    const rows = await database.handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'exitbot_app', true)`.execute(trx);
      const interviews = await trx.selectFrom('interviews').select('id').execute();
      const tenants = await trx.selectFrom('tenants').select('id').execute();
      return [...interviews, ...tenants];
    });
    expect(rows).toEqual([]);
  });

  it('should show only the current tenant rows even without a tenant filter', async () => {
    const rows = await withTenant(database.handle, tenantA, (db) =>
      db.selectFrom('interviews').select('tenant_id').execute(),
    );
    expect(rows.length).toBe(1);
    expect(rows.every((row) => row.tenant_id === tenantA)).toBe(true);
  });

  it('should refuse to write a row of another tenant (WITH CHECK)', async () => {
    await expect(
      withTenant(database.handle, tenantA, (db) =>
        db
          .insertInto('interviews')
          .values({
            id: randomUUID(),
            tenant_id: tenantB,
            status: 'invited',
            mode: 'confidential',
            locale: 'en',
            expires_at: new Date(),
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('should keep no row of concurrent transactions that roll back', async () => {
    const marker = `rollback-${randomUUID()}`;
    const attempts = Array.from({ length: 40 }, (_, index) =>
      withTenant(database.handle, index % 2 === 0 ? tenantA : tenantB, async (db) => {
        await db
          .insertInto('audit_log')
          .values({
            tenant_id: index % 2 === 0 ? tenantA : tenantB,
            actor_type: 'system',
            action: marker,
            details: JSON.stringify({ index }),
          })
          .execute();
        await new Promise((resolve) => setTimeout(resolve, (index * 7) % 11));
        if (index % 4 >= 2) throw new Error(`roll back ${index}`);
        return index;
      }),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((result) => result.status === 'rejected').length).toBe(20);
    const kept = [];
    for (const tenantId of [tenantA, tenantB]) {
      const rows = await withTenant(database.handle, tenantId, (db) =>
        db
          .selectFrom('audit_log')
          .select('details')
          .where('tenant_id', '=', tenantId)
          .where('action', '=', marker)
          .execute(),
      );
      kept.push(...rows.map((row) => (row.details as { index: number }).index));
    }
    expect(kept.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, index) => index).filter((index) => index % 4 < 2),
    );
  });
});
