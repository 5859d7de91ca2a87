import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, postMessage, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

type Kind = 'interview' | 'api-key' | 'admin';

interface RouteCase {
  name: string;
  kind: Kind;
  method: string;
  path: (interviewId: string) => string;
  body?: () => Record<string, unknown>;
  ownStatus: number;
}

const routes: RouteCase[] = [
  {
    name: 'GET /v1/interview',
    kind: 'interview',
    method: 'GET',
    path: () => '/v1/interview',
    ownStatus: 200,
  },
  {
    name: 'GET /v1/interview/messages',
    kind: 'interview',
    method: 'GET',
    path: () => '/v1/interview/messages?after=0',
    ownStatus: 200,
  },
  {
    name: 'POST /v1/interview/messages',
    kind: 'interview',
    method: 'POST',
    path: () => '/v1/interview/messages',
    body: () => ({ clientMessageId: messageId(), type: 'start' }),
    ownStatus: 200,
  },
  {
    name: 'GET /v1/interviews/:id',
    kind: 'api-key',
    method: 'GET',
    path: (id) => `/v1/interviews/${id}`,
    ownStatus: 200,
  },
  {
    name: 'GET /v1/interviews/:id/transcript',
    kind: 'api-key',
    method: 'GET',
    path: (id) => `/v1/interviews/${id}/transcript`,
    ownStatus: 200,
  },
  {
    name: 'GET /v1/interviews/:id/report',
    kind: 'api-key',
    method: 'GET',
    path: (id) => `/v1/interviews/${id}/report`,
    ownStatus: 200,
  },
  {
    name: 'DELETE /v1/interviews/:id',
    kind: 'api-key',
    method: 'DELETE',
    path: (id) => `/v1/interviews/${id}`,
    ownStatus: 204,
  },
  {
    name: 'GET /v1/admin/interviews/:id',
    kind: 'admin',
    method: 'GET',
    path: (id) => `/v1/admin/interviews/${id}`,
    ownStatus: 200,
  },
  {
    name: 'GET /v1/admin/interviews/:id/report',
    kind: 'admin',
    method: 'GET',
    path: (id) => `/v1/admin/interviews/${id}/report`,
    ownStatus: 200,
  },
];

const listRoutes: { name: string; kind: Kind; path: string }[] = [
  { name: 'GET /v1/interviews', kind: 'api-key', path: '/v1/interviews' },
  { name: 'GET /v1/admin/interviews', kind: 'admin', path: '/v1/admin/interviews' },
];

describe.each(testDatabaseKinds)('tenant isolation on %s', (databaseKind) => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp(databaseKind);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  /** A finished interview with a stored report. */
  async function finishedInterview(tenant: TestTenant) {
    const interview = await fixture.createInterview(tenant, {
      mode: 'identified',
      employee: { name: 'Kim Doe' },
    });
    await postMessage(fixture.app, interview.token, { clientMessageId: messageId(), type: 'start' });
    await postMessage(fixture.app, interview.token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'Pay was too low.',
    });
    await postMessage(fixture.app, interview.token, { clientMessageId: messageId(), type: 'finish' });
    await fixture.services.jobs.runOnce();
    return interview;
  }

  /** Everything stored about an interview of tenant B, to prove a request touched nothing. */
  async function snapshot(tenantId: string, interviewId: string) {
    return withTenant(fixture.database.handle, tenantId, async (db) => ({
      interview: await db
        .selectFrom('interviews')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', interviewId)
        .executeTakeFirst(),
      messages: await db
        .selectFrom('messages')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('interview_id', '=', interviewId)
        .orderBy('seq')
        .execute(),
      reports: await db.selectFrom('reports').selectAll().where('tenant_id', '=', tenantId).execute(),
      audit: await db.selectFrom('audit_log').select(['id']).where('tenant_id', '=', tenantId).execute(),
      outbox: await db.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId).execute(),
    }));
  }

  function credential(tenant: TestTenant, kind: Kind, interviewToken: string): string {
    if (kind === 'interview') return interviewToken;
    return kind === 'api-key' ? tenant.apiKey : tenant.adminToken;
  }

  async function call(route: RouteCase, interviewId: string, authorization: string | undefined) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (authorization) headers.Authorization = `Bearer ${authorization}`;
    return fixture.app.request(route.path(interviewId), {
      method: route.method,
      headers,
      ...(route.body ? { body: JSON.stringify(route.body()) } : {}),
    });
  }

  for (const route of routes) {
    it(`should answer ${route.name}: own tenant ${route.ownStatus}, other tenant 404 touching nothing, no token 401, wrong kind 401`, async () => {
      const own = await finishedInterview(fixture.tenantA);
      const other = await finishedInterview(fixture.tenantB);
      const before = await snapshot(fixture.tenantB.id, other.id);

      // Other tenant: tenant A's credential aimed at tenant B's interview. For the employee routes that is
      // a token signed by tenant A naming tenant B's interview.
      const crossToken = await fixture.services.tokens.issueInterviewToken({
        tenantId: fixture.tenantA.id,
        interviewId: other.id,
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      const otherResponse = await call(route, other.id, credential(fixture.tenantA, route.kind, crossToken));
      expect(otherResponse.status).toBe(404);
      expect(((await otherResponse.json()) as { error: { code: string } }).error.code).toBe('not-found');
      expect(await snapshot(fixture.tenantB.id, other.id)).toEqual(before);

      const noToken = await call(route, own.id, undefined);
      expect(noToken.status).toBe(401);
      for (const wrongKind of (['interview', 'api-key', 'admin'] as const).filter(
        (kind) => kind !== route.kind,
      )) {
        const response = await call(route, own.id, credential(fixture.tenantA, wrongKind, own.token));
        expect(response.status, `${wrongKind} credential`).toBe(401);
      }
      expect(await snapshot(fixture.tenantB.id, other.id)).toEqual(before);

      const ownResponse = await call(route, own.id, credential(fixture.tenantA, route.kind, own.token));
      expect(ownResponse.status).toBe(route.ownStatus);
    }, 30_000);
  }

  for (const route of listRoutes) {
    it(`should list only the caller's interviews on ${route.name}`, async () => {
      const own = await fixture.createInterview(fixture.tenantA);
      const other = await fixture.createInterview(fixture.tenantB);
      const response = await fixture.app.request(`${route.path}?limit=200`, {
        headers: { Authorization: `Bearer ${credential(fixture.tenantA, route.kind, '')}` },
      });
      expect(response.status).toBe(200);
      const ids = ((await response.json()) as { interviews: { id: string }[] }).interviews.map(
        (interview) => interview.id,
      );
      expect(ids).toContain(own.id);
      expect(ids).not.toContain(other.id);
      const unauthenticated = await fixture.app.request(route.path);
      expect(unauthenticated.status).toBe(401);
    });
  }

  it("should show each tenant only its own settings and refuse an analyst's change", async () => {
    const mine = await fixture.app.request('/v1/admin/settings', {
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect(((await mine.json()) as { tenant: { id: string } }).tenant.id).toBe(fixture.tenantA.id);
    const patch = await fixture.app.request('/v1/admin/settings', {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${fixture.tenantA.analystToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ minGroupSize: 7 }),
    });
    expect(patch.status).toBe(403);
    const apiKey = await fixture.app.request('/v1/admin/settings', {
      headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}` },
    });
    expect(apiKey.status).toBe(401);
  });
});
