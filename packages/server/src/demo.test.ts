import { afterEach, describe, expect, it } from 'vitest';
import { demoSampleCount, demoTenantId, ensureDemo } from './demo.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';
import { testDatabaseKinds } from './testing/test-database.ts';

describe.each(testDatabaseKinds)('the demo tenant on %s', (kind) => {
  let fixture: TestApp | undefined;
  afterEach(async () => {
    await fixture?.destroy();
    fixture = undefined;
  });

  async function shownInterviews(app: TestApp, adminToken: string): Promise<number> {
    const response = await app.app.request('/v1/admin/insights?period=all', {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { view: { state: string; interviews: number } };
    expect(body.view.state).toBe('shown');
    return body.view.interviews;
  }

  it('should start with a sample history its dashboard shows, seeded once, in full months before this one, and kept by the retention sweep', async () => {
    fixture = await createTestApp(kind);
    const first = await ensureDemo(fixture.services);
    expect(first).toMatchObject({ tenantId: demoTenantId, created: true });
    expect(first.sample?.interviews).toBe(demoSampleCount);
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect((first.sample?.to ?? thisMonth) < thisMonth).toBe(true);
    expect(await shownInterviews(fixture, first.adminToken)).toBe(demoSampleCount);
    // The retention sweep (it runs on every start) purges none of the 18 months.
    expect(await fixture.services.privacy.sweepTenant(demoTenantId)).toMatchObject({ purged: 0 });
    // A second start seeds nothing more; its new demo interview is not completed and does not count.
    const second = await ensureDemo(fixture.services);
    expect(second).toMatchObject({ created: false, sample: undefined, apiKey: undefined });
    expect(await shownInterviews(fixture, second.adminToken)).toBe(demoSampleCount);
  }, 60_000);

  it('should seed the sample at the next start when a first start stopped after creating the tenant', async () => {
    fixture = await createTestApp(kind);
    // What a first start leaves when it is killed between creating the tenant and seeding (a tenant of an
    // older version looks the same: default retention, no sample).
    await fixture.services.tenants.create({ id: demoTenantId, name: 'Acme Corp (demo)' });
    const next = await ensureDemo(fixture.services);
    expect(next).toMatchObject({ created: false });
    expect(next.sample?.interviews).toBe(demoSampleCount);
    expect((await fixture.services.tenants.get(demoTenantId)).settings.retentionDays).toBe(730);
    expect(await shownInterviews(fixture, next.adminToken)).toBe(demoSampleCount);
    expect(await fixture.services.privacy.sweepTenant(demoTenantId)).toMatchObject({ purged: 0 });
  }, 60_000);
});
