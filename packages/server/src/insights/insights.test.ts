import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestApp, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { readCubeRows, readInsightsVersion, readRollups, readViewCounts } from './insights.repository.ts';
import type { InsightsResult } from './insights.service.ts';
import { type SeedInterview, seedCompletedInterviews } from './seed.ts';

const repeat = (count: number, input: SeedInterview): SeedInterview[] =>
  Array.from({ length: count }, () => ({ ...input }));
/** Data changed behind the service's back: its version check runs at most once a second. */
const versionCheckPassed = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe.each(testDatabaseKinds)('insights on %s', (kind) => {
  let fixture: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const ids: Record<string, string[]> = {};

  async function get(path: string, token: string) {
    const response = await fixture.app.request(path, { headers: { Authorization: `Bearer ${token}` } });
    if (response.headers.get('content-type')?.includes('json'))
      return { status: response.status, body: await response.json() };
    // Keep a byte order mark visible (text() would drop it).
    return {
      status: response.status,
      body: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer()),
    };
  }
  async function insights(tenant: TestTenant, query = ''): Promise<InsightsResult> {
    const { status, body } = await get(`/v1/admin/insights${query}`, tenant.adminToken);
    expect(status).toBe(200);
    return body as InsightsResult;
  }

  beforeAll(async () => {
    fixture = await createTestApp(kind);
    a = fixture.tenantA;
    b = fixture.tenantB;
    const { database } = fixture.services;
    // Tenant A: Engineering 20 (Berlin), Sales 12 (11 Berlin, 1 Munich), Support 4, anonymous 6.
    ids.engineering = await seedCompletedInterviews(database, a.id, [
      ...repeat(10, {
        endedOn: '2025-02-10',
        department: 'Engineering',
        location: 'Berlin',
        level: 'Senior',
        tenureMonths: 40,
        terminationType: 'voluntary',
        primaryReason: 'career-growth',
        secondaryReasons: ['compensation'],
        evidence: ['I had no path to grow here, write to jane.doe@example.com if you want details.'],
        regrettable: true,
        wouldRecommend: 'yes',
        topics: [
          { topicId: 'manager-and-leadership', label: 'positive' },
          { topicId: 'growth-and-career', label: 'negative' },
        ],
      }),
      ...repeat(10, {
        endedOn: '2025-05-03',
        department: 'Engineering',
        location: 'Berlin',
        level: 'Junior',
        tenureMonths: 10,
        terminationType: 'voluntary',
        primaryReason: 'compensation',
        evidence: ['The pay was far below what others offered me.'],
        wouldRecommend: 'maybe',
        topics: [{ topicId: 'pay-and-benefits', label: 'negative' }],
      }),
    ]);
    ids.sales = await seedCompletedInterviews(database, a.id, [
      ...repeat(11, {
        endedOn: '2025-03-20',
        department: 'Sales',
        location: 'Berlin',
        level: 'Junior',
        primaryReason: 'manager',
        wouldRecommend: 'no',
      }),
      {
        endedOn: '2025-03-21',
        department: 'Sales',
        location: 'Munich',
        level: 'Junior',
        primaryReason: 'relocation',
        employeeName: 'Max Mustermann',
        mode: 'identified',
      },
    ]);
    ids.support = await seedCompletedInterviews(
      database,
      a.id,
      repeat(4, {
        endedOn: '2025-04-02',
        department: 'Support',
        location: 'Madrid',
        primaryReason: 'workload-burnout',
      }),
    );
    ids.anonymous = await seedCompletedInterviews(
      database,
      a.id,
      repeat(6, {
        endedOn: '2025-06-11',
        mode: 'anonymous',
        primaryReason: 'culture',
        evidence: ['The culture made me feel unwelcome every day.'],
      }),
    );
    ids.identified = await seedCompletedInterviews(database, a.id, [
      {
        endedOn: '2025-06-12',
        mode: 'identified',
        employeeName: 'Erika Musterfrau',
        department: 'Engineering',
        location: 'Berlin',
        level: 'Senior',
        primaryReason: 'career-growth',
        evidence: ['Erika Musterfrau here: <img src=x onerror=alert(1)> growth was blocked for years.'],
      },
    ]);
    // Tenant B: a department only B has.
    ids.b = await seedCompletedInterviews(
      database,
      b.id,
      repeat(7, { endedOn: '2025-02-01', department: 'Secret Lab', primaryReason: 'job-security' }),
    );
  }, 120_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('should count completed interviews with reports per tenant', async () => {
    const result = await insights(a);
    expect(result.view).toEqual({ state: 'shown', interviews: 20 + 12 + 4 + 6 + 1 });
    expect(result.thresholds).toEqual({ minGroupSize: 5, quoteMinGroupSize: 10 });
    const reasons = Object.fromEntries((result.reasons ?? []).map((item) => [item.key, item]));
    expect(reasons.compensation).toMatchObject({ count: 10 });
    expect(reasons['career-growth']).toMatchObject({ count: 11 });
  });

  it('should withhold a department of 4 and show a department of 5 or more', async () => {
    const support = await insights(a, '?department=Support');
    expect(support.view).toEqual({ state: 'suppressed', reason: 'small-group' });
    for (const figure of ['overview', 'reasons', 'breakdowns', 'trend', 'sentiment', 'themes']) {
      expect(support).not.toHaveProperty(figure);
    }

    const overall = await insights(a);
    const departments = overall.breakdowns?.department ?? [];
    expect(departments.find((item) => item.key === 'Support')).toEqual({ key: 'Support', suppressed: true });
    for (const item of departments) if (!('suppressed' in item)) expect(item.count).toBeGreaterThanOrEqual(5);
    // What the breakdown withholds together is never a group below the minimum.
    const hidden = 43 - departments.reduce((sum, item) => sum + ('suppressed' in item ? 0 : item.count), 0);
    expect(hidden === 0 || hidden >= 5).toBe(true);

    const sales = await insights(a, '?department=Sales');
    expect(sales.view).toEqual({ state: 'shown', interviews: 12 });
  });

  it('should not let Sales minus Sales-in-Berlin reveal the one person in Munich', async () => {
    const sales = await insights(a, '?department=Sales');
    const berlin = await insights(a, '?department=Sales&location=Berlin');
    expect(sales.view.state).toBe('shown');
    expect(berlin.view).toEqual({ state: 'suppressed', reason: 'differencing' });
    expect(sales.breakdowns?.location?.every((item) => 'suppressed' in item)).toBe(true);
    const munich = await insights(a, '?department=Sales&location=Munich');
    expect(munich.view.state).toBe('suppressed');
  });

  it('should show quotes only for themes of at least 10 interviews, redacted', async () => {
    const result = await insights(a);
    const growth = result.themes?.find((theme) => theme.key === 'career-growth');
    expect(growth && 'count' in growth ? growth.count : 0).toBe(11);
    expect(Array.isArray(growth?.quotes)).toBe(true);
    const quotes = growth?.quotes as string[];
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.join(' ')).not.toContain('jane.doe@example.com');
    expect(quotes.join(' ')).not.toContain('Erika');
    expect(quotes.some((quote) => quote.includes('[EMAIL_1]') || quote.includes('[NAME_1]'))).toBe(true);
    // Culture: 6 interviews, shown as a count but below the quote threshold.
    const culture = result.themes?.find((theme) => theme.key === 'culture');
    expect(culture).toMatchObject({ count: 6, quotes: { suppressed: true } });
    // Within Engineering only 11 growth interviews remain... and 10 compensation ones: quotes still need 10.
    const engineering = await insights(a, '?department=Engineering&level=Junior');
    expect(engineering.view).toEqual({ state: 'shown', interviews: 10 });
    const compensation = engineering.themes?.find((theme) => theme.key === 'compensation');
    expect(Array.isArray(compensation?.quotes)).toBe(true);
  });

  it('should refuse a minimum group size below 3 in the API and in the database', async () => {
    const response = await fixture.app.request('/v1/admin/settings', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ minGroupSize: 2 }),
    });
    expect(response.status).toBe(400);
    await expect(
      withTenant(fixture.services.database, a.id, (db) =>
        sql`update tenants set settings = settings || '{"minGroupSize": 2}'::jsonb where id = ${a.id}`.execute(
          db,
        ),
      ),
    ).rejects.toThrow(/tenants_min_group_size_check/);
    await expect(
      withTenant(fixture.services.database, a.id, (db) =>
        sql`update tenants set settings = settings || '{"minGroupSize": 6, "quoteMinGroupSize": 5}'::jsonb where id = ${a.id}`.execute(
          db,
        ),
      ),
    ).rejects.toThrow(/tenants_quote_min_group_size_check/);
    await expect(
      withTenant(fixture.services.database, a.id, (db) =>
        sql`update tenants set settings = settings || '{"minGroupSize": "1"}'::jsonb where id = ${a.id}`.execute(
          db,
        ),
      ),
    ).rejects.toThrow(/tenants_min_group_size_check/);
  });

  it('should apply a raised minimum at once', async () => {
    const raised = await fixture.app.request('/v1/admin/settings', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ minGroupSize: 13 }),
    });
    expect(raised.status).toBe(200);
    try {
      const sales = await insights(a, '?department=Sales');
      expect(sales.thresholds.minGroupSize).toBe(13);
      expect(sales.view).toEqual({ state: 'suppressed', reason: 'small-group' });
    } finally {
      await fixture.app.request('/v1/admin/settings', {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ minGroupSize: 5 }),
      });
    }
  });

  it('should let admins raise the quote threshold but never below the minimum', async () => {
    const patch = (body: Record<string, unknown>) =>
      fixture.app.request('/v1/admin/settings', {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await patch({ quoteMinGroupSize: 4 })).status).toBe(400);
    expect((await patch({ quoteMinGroupSize: 2 })).status).toBe(400);
    expect((await patch({ quoteMinGroupSize: 12 })).status).toBe(200);
    try {
      const result = await insights(a);
      expect(result.thresholds).toEqual({ minGroupSize: 5, quoteMinGroupSize: 12 });
      // Career growth has 11 interviews: no longer enough for quotes.
      expect(result.themes?.find((theme) => theme.key === 'career-growth')?.quotes).toEqual({
        suppressed: true,
      });
      // Raising the minimum above the quote threshold is refused until the quote threshold follows.
      expect((await patch({ minGroupSize: 13 })).status).toBe(400);
    } finally {
      expect((await patch({ quoteMinGroupSize: 10 })).status).toBe(200);
    }
  });

  it("should never show another tenant's data", async () => {
    const resultB = await insights(b);
    expect(resultB.view).toEqual({ state: 'shown', interviews: 7 });
    expect(JSON.stringify(resultB)).not.toContain('Engineering');
    const resultA = await insights(a);
    expect(JSON.stringify(resultA)).not.toContain('Secret Lab');
    const someA = ids.engineering?.[0] as string;
    for (const path of [`/v1/admin/insights/interviews/${someA}`, `/v1/admin/interviews/${someA}/review`]) {
      expect((await get(path, b.adminToken)).status).toBe(404);
    }
    const patch = await fixture.app.request(`/v1/admin/interviews/${someA}/report`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${b.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ primaryReason: 'other' }),
    });
    expect(patch.status).toBe(404);
    const list = (await get('/v1/admin/insights/interviews', b.adminToken)).body as {
      interviews: Array<{ id: string }>;
    };
    expect(list.interviews).toHaveLength(7);
    expect(list.interviews.some((entry) => entry.id === someA)).toBe(false);
    const csv = (await get('/v1/admin/insights/interviews.csv', b.adminToken)).body as string;
    expect(csv).not.toContain(someA);
  });

  it('should document the insights routes in /openapi.json', async () => {
    const document = (await (await fixture.app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      '/v1/admin/insights',
      '/v1/admin/insights/export.csv',
      '/v1/admin/insights/interviews',
      '/v1/admin/insights/interviews/{id}',
      '/v1/admin/interviews/{id}/report',
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
  });

  it('should need an admin token for every insights route', async () => {
    for (const path of [
      '/v1/admin/insights',
      '/v1/admin/insights/export.csv',
      '/v1/admin/insights/interviews',
      '/v1/admin/insights/interviews.csv',
    ]) {
      expect((await fixture.app.request(path)).status).toBe(401);
      expect((await get(path, a.apiKey)).status).toBe(401);
    }
  });

  it('should show confidential reports to admins only and never an anonymous identity', async () => {
    const confidential = ids.engineering?.[0] as string;
    expect((await get(`/v1/admin/insights/interviews/${confidential}`, a.analystToken)).status).toBe(403);
    expect((await get(`/v1/admin/interviews/${confidential}/review`, a.analystToken)).status).toBe(403);
    expect((await get(`/v1/admin/interviews/${confidential}/report`, a.analystToken)).status).toBe(403);
    expect((await get(`/v1/admin/interviews/${confidential}/report`, a.adminToken)).status).toBe(200);
    const asAdmin = await get(`/v1/admin/insights/interviews/${confidential}`, a.adminToken);
    expect(asAdmin.status).toBe(200);
    expect((asAdmin.body as { report: { reasons: unknown } }).report.reasons).toBeDefined();

    const identified = ids.identified?.[0] as string;
    const analystView = await get(`/v1/admin/insights/interviews/${identified}`, a.analystToken);
    expect(analystView.status).toBe(200);
    expect((analystView.body as { interview: { employee: unknown } }).interview.employee).toBeNull();
    const adminView = await get(`/v1/admin/insights/interviews/${identified}`, a.adminToken);
    expect((adminView.body as { interview: { employee: unknown } }).interview.employee).toBe(
      'Erika Musterfrau',
    );

    const anonymous = ids.anonymous?.[0] as string;
    const anonymousView = (await get(`/v1/admin/insights/interviews/${anonymous}`, a.adminToken)).body as {
      interview: { employee: unknown; attributes: unknown; created: string; completed: string };
    };
    expect(anonymousView.interview.employee).toBeNull();
    expect(anonymousView.interview.attributes).toBeNull();
    expect(anonymousView.interview.completed).toBe('2025-06');
    expect(anonymousView.interview.created).toMatch(/^\d{4}-\d{2}$/);

    const list = (await get('/v1/admin/insights/interviews', a.analystToken)).body as {
      interviews: Array<{ id: string; mode: string; employee: unknown; report: { primaryReason: unknown } }>;
    };
    for (const entry of list.interviews) {
      expect(entry.employee).toBeNull();
      if (entry.mode === 'confidential') expect(entry.report.primaryReason).toBeNull();
    }
  });

  it('should let admins confirm or override a report, audit it and count the confirmed reason', async () => {
    const target = ids.sales?.[0] as string;
    const before = await insights(a);
    const countOf = (result: InsightsResult, key: string) => {
      const item = result.reasons?.find((entry) => entry.key === key);
      return item && 'count' in item ? item.count : undefined;
    };
    expect(countOf(before, 'manager')).toBe(11);

    const analyst = await fixture.app.request(`/v1/admin/interviews/${target}/report`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.analystToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ primaryReason: 'compensation' }),
    });
    expect(analyst.status).toBe(403);
    const invalid = await fixture.app.request(`/v1/admin/interviews/${target}/report`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ primaryReason: 'because' }),
    });
    expect(invalid.status).toBe(400);

    const response = await fixture.app.request(`/v1/admin/interviews/${target}/report`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ primaryReason: 'compensation', regrettable: true }),
    });
    expect(response.status).toBe(200);
    const review = (await response.json()) as {
      ai: { primaryReason: string };
      confirmed: { primaryReason: string; regrettable: boolean };
      overridden: { primaryReason: boolean };
    };
    expect(review.ai.primaryReason).toBe('manager');
    expect(review.confirmed).toEqual({ primaryReason: 'compensation', regrettable: true });
    expect(review.overridden.primaryReason).toBe(true);

    const after = await insights(a);
    expect(countOf(after, 'manager')).toBe(10);
    expect(countOf(after, 'compensation')).toBe(11);

    const audit = await withTenant(fixture.services.database, a.id, (db) =>
      db
        .selectFrom('audit_log')
        .selectAll()
        .where('tenant_id', '=', a.id)
        .where('action', '=', 'report.review')
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe('admin@test');
    expect(audit[0]?.details).toMatchObject({
      primaryReason: { from: null, to: 'compensation', ai: 'manager' },
    });

    // Back to the report's own reason: null.
    const reset = await fixture.app.request(`/v1/admin/interviews/${target}/report`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ primaryReason: null }),
    });
    expect(((await reset.json()) as { confirmed: { primaryReason: string } }).confirmed.primaryReason).toBe(
      'manager',
    );
    expect(countOf(await insights(a), 'manager')).toBe(11);
  });

  it('should answer 409 when reviewing an interview without a report', async () => {
    const created = await fixture.createInterview(a);
    const response = await fixture.app.request(`/v1/admin/interviews/${created.id}/report`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ regrettable: true }),
    });
    expect(response.status).toBe(409);
  });

  it('should serve a cached result until the tenant data changes', async () => {
    const first = await insights(a, '?period=2025');
    const second = await insights(a, '?period=2025');
    expect(second.generatedAt).toBe(first.generatedAt);
    const version = await withTenant(fixture.services.database, a.id, (db) => readInsightsVersion(db, a.id));
    await seedCompletedInterviews(fixture.services.database, a.id, [
      { endedOn: '2025-07-01', department: 'Engineering', primaryReason: 'other' },
    ]);
    expect(await withTenant(fixture.services.database, a.id, (db) => readInsightsVersion(db, a.id))).not.toBe(
      version,
    );
    expect((await insights(a, '?period=2025')).generatedAt).toBe(first.generatedAt);
    await versionCheckPassed();
    const third = await insights(a, '?period=2025');
    expect(
      third.view.state === 'shown' &&
        first.view.state === 'shown' &&
        third.view.interviews - first.view.interviews,
    ).toBe(1);
  });

  it('should count the same from the monthly rollups as from the facts', async () => {
    for (const period of ['all', '2025', '2025-Q1', '2025-03']) {
      const fromFacts = await withTenant(fixture.services.database, a.id, (db) =>
        readViewCounts(db, a.id, period, {}),
      );
      const rollups = await withTenant(fixture.services.database, a.id, (db) => readRollups(db, a.id));
      const summed: Record<string, number> = {};
      let interviews = 0;
      for (const row of rollups) {
        if (period !== 'all' && !row.month.startsWith(period.slice(0, 4))) continue;
        if (period === '2025-Q1' && !['2025-01', '2025-02', '2025-03'].includes(row.month)) continue;
        if (period === '2025-03' && row.month !== '2025-03') continue;
        interviews += row.interviews;
        for (const [key, value] of Object.entries(row.counts)) summed[key] = (summed[key] ?? 0) + value;
      }
      expect(summed).toEqual(fromFacts.counts);
      expect(interviews).toBe(fromFacts.interviews);
    }
    const cube = await withTenant(fixture.services.database, a.id, (db) => readCubeRows(db, a.id));
    const grouped = await withTenant(fixture.services.database, a.id, async (db) => {
      const { rows } = await sql<{
        month: string;
        department: string | null;
        location: string | null;
        level: string | null;
        count: number;
      }>`
        select to_char(month, 'YYYY-MM') as month, department, location, level, count(*)::int as count
        from insight_facts where tenant_id = ${a.id} group by 1, 2, 3, 4`.execute(db);
      return rows;
    });
    const key = (row: {
      month: string;
      department?: string | null;
      location?: string | null;
      level?: string | null;
    }) => JSON.stringify([row.month, row.department ?? null, row.location ?? null, row.level ?? null]);
    expect(new Map(cube.map((row) => [key(row), row.count]))).toEqual(
      new Map(grouped.map((row) => [key(row), row.count])),
    );
  });

  it('should drop erased interviews from the aggregates', async () => {
    const before = await insights(b);
    expect(before.view).toEqual({ state: 'shown', interviews: 7 });
    await withTenant(fixture.services.database, b.id, (db) =>
      db
        .deleteFrom('interviews')
        .where('tenant_id', '=', b.id)
        .where('id', '=', ids.b?.[0] as string)
        .execute(),
    );
    await versionCheckPassed();
    const after = await insights(b);
    expect(after.view).toEqual({ state: 'shown', interviews: 6 });
  });

  it('should hide facts, rollups, cube, versions, signals and reviews from another tenant (row-level security) (row-level security)', async () => {
    const { handle } = fixture.database;
    const counts = await withTenant(handle, '00000000-0000-4000-8000-000000000000', async (db) => {
      const { rows } = await sql<{ n: number }>`
        select (select count(*) from insight_facts)::int + (select count(*) from insight_rollups)::int
             + (select count(*) from report_signals)::int + (select count(*) from report_reviews)::int as n`.execute(
        db,
      );
      return rows[0]?.n;
    });
    expect(counts).toBe(0);
  });

  it('should export aggregates and the interview list as CSV with formula cells neutralised', async () => {
    await seedCompletedInterviews(
      fixture.services.database,
      b.id,
      repeat(5, {
        endedOn: '2025-03-01',
        department: '=HYPERLINK("http://evil.example","x")',
        primaryReason: 'other',
      }),
    );
    await versionCheckPassed();
    const list = await get('/v1/admin/insights/interviews.csv', b.adminToken);
    expect(list.status).toBe(200);
    const listText = list.body as string;
    expect(listText).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(listText).not.toMatch(/(^|,)=HYPERLINK/m);
    const aggregates = await get('/v1/admin/insights/export.csv', b.adminToken);
    const text = aggregates.body as string;
    expect(text.startsWith('\uFEFFsection,key,label,count,share_percent,status')).toBe(true);
    expect(text).toContain(`'=HYPERLINK`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    for (const line of text.split('\r\n').filter((row) => row.includes('withheld'))) {
      expect(line).not.toMatch(/,0,/);
    }
  });
});
