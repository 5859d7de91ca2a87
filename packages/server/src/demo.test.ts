import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSampleCount, demoTenantId, ensureDemo } from './demo.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';
import { testDatabaseKinds } from './testing/test-database.ts';

describe.each(testDatabaseKinds)('the demo tenant on %s', (kind) => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp(kind);
  }, 60_000);
  afterAll(() => fixture?.destroy());

  async function overview(adminToken: string) {
    const response = await fixture.app.request('/v1/admin/insights?period=all', {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      view: { state: string; interviews: number };
    };
  }

  it('should start with a sample history its dashboard shows, seeded once, in full months before this one', async () => {
    const first = await ensureDemo(fixture.services);
    expect(first).toMatchObject({ tenantId: demoTenantId, created: true });
    expect(first.sample?.interviews).toBe(demoSampleCount);
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect((first.sample?.to ?? thisMonth) < thisMonth).toBe(true);
    const shown = await overview(first.adminToken);
    expect(shown.view).toMatchObject({ state: 'shown', interviews: demoSampleCount });
    // The demo interview made with it is not completed: it does not count.
    const second = await ensureDemo(fixture.services);
    expect(second).toMatchObject({ created: false, sample: undefined, apiKey: undefined });
    expect((await overview(second.adminToken)).view.interviews).toBe(demoSampleCount);
  }, 60_000);
});
