import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '../testing/test-database.ts';
import { withTenant, withTenantPipeline } from './scope.ts';

describe.each(testDatabaseKinds)('withTenantPipeline on %s', (kind) => {
  let database: TestDatabase;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  const insertAudit = (tenantId: string, action: string, index = 0) => ({
    sql: `insert into audit_log (tenant_id, actor_type, action, details) values ($1, 'system', $2, $3) returning action`,
    parameters: [tenantId, action, JSON.stringify({ index })],
  });
  const countAudit = async (tenantId: string, action: string) =>
    (
      await withTenant(database.handle, tenantId, (db) =>
        db
          .selectFrom('audit_log')
          .select('details')
          .where('tenant_id', '=', tenantId)
          .where('action', '=', action)
          .execute(),
      )
    ).length;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const id of [tenantA, tenantB]) {
      await withTenant(database.handle, id, (db) =>
        db
          .insertInto('tenants')
          .values({ id, name: id.slice(0, 8), settings: '{}' })
          .execute(),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
  });

  it('should run every statement as the app role with the tenant set, sent without waiting', async () => {
    const [settings, tenants] = await withTenantPipeline(database.handle, tenantA, (pipeline) =>
      Promise.all([
        pipeline.send<{ role: string; tenant: string }>({
          sql: `select current_user as role, current_setting('app.tenant_id', true) as tenant`,
          parameters: [],
        }),
        pipeline.send<{ id: string }>({ sql: 'select id from tenants', parameters: [] }),
      ]),
    );
    expect(settings).toEqual([{ role: 'exitbot_app', tenant: tenantA }]);
    expect(tenants).toEqual([{ id: tenantA }]);
  });

  it('should commit what was sent before an early commit, and keep the connection usable', async () => {
    const action = `early-${randomUUID()}`;
    const rows = await withTenantPipeline(database.handle, tenantA, async (pipeline) => {
      const inserted = pipeline.send<{ action: string }>(insertAudit(tenantA, action));
      await pipeline.commit();
      return inserted;
    });
    expect(rows).toEqual([{ action }]);
    expect(await countAudit(tenantA, action)).toBe(1);
  });

  it('should roll back when the work throws, and when a statement fails before the commit', async () => {
    const action = `rolled-back-${randomUUID()}`;
    await expect(
      withTenantPipeline(database.handle, tenantA, async (pipeline) => {
        await pipeline.send(insertAudit(tenantA, action));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      withTenantPipeline(database.handle, tenantA, async (pipeline) => {
        const first = pipeline.send(insertAudit(tenantA, action));
        const wrong = pipeline.send(insertAudit(tenantB, action));
        first.catch(() => undefined);
        wrong.catch(() => undefined);
        await pipeline.commit();
      }),
    ).rejects.toThrow();
    expect(await countAudit(tenantA, action)).toBe(0);
    expect(await countAudit(tenantB, action)).toBe(0);
  });

  it('should refuse another tenant rows (WITH CHECK) like withTenant', async () => {
    await expect(
      withTenantPipeline(database.handle, tenantA, (pipeline) =>
        pipeline.send(insertAudit(tenantB, `cross-${randomUUID()}`)),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('should keep exactly the committed rows of many concurrent pipelines', async () => {
    const action = `concurrent-${randomUUID()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) =>
        withTenantPipeline(database.handle, index % 2 === 0 ? tenantA : tenantB, async (pipeline) => {
          const tenantId = index % 2 === 0 ? tenantA : tenantB;
          const inserted = pipeline.send(insertAudit(tenantId, action, index));
          if (index % 4 >= 2) {
            await inserted;
            throw new Error(`roll back ${index}`);
          }
          await pipeline.commit();
          return inserted;
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected').length).toBe(20);
    expect((await countAudit(tenantA, action)) + (await countAudit(tenantB, action))).toBe(20);
  });
});
