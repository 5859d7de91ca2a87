// API key scopes: an admin gives an integrator's key only what it needs (an HRIS connector that creates
// interviews need not read confidential transcripts). Every integrator route checks its scope.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { callApi, createTestApp, messageId, postMessage, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

const everyScope = [
  'interviews:write',
  'interviews:read',
  'transcripts:read',
  'reports:read',
  'interviews:delete',
  'webhooks:manage',
];

describe.each(testDatabaseKinds)('API key scopes on %s', (kind) => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp(kind);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    callApi(fixture.app, method, path, token, body);

  async function createKey(body: Record<string, unknown>) {
    const response = await call('POST', '/v1/admin/api-keys', fixture.tenantA.adminToken, body);
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; key: string; scopes: string[] };
  }

  const keyCount = async () =>
    (
      (await (await call('GET', '/v1/admin/api-keys', fixture.tenantA.adminToken)).json()) as {
        apiKeys: unknown[];
      }
    ).apiKeys.length;

  it('should give a key created without scopes every scope, and list the scopes of each key', async () => {
    const created = await createKey({ name: 'everything' });
    expect(created.scopes).toEqual(everyScope);
    const listed = (await (await call('GET', '/v1/admin/api-keys', fixture.tenantA.adminToken)).json()) as {
      apiKeys: Array<{ id: string; scopes: string[] }>;
    };
    expect(listed.apiKeys.find((key) => key.id === created.id)?.scopes).toEqual(everyScope);
    // The key the fixture made at tenant creation has them all too.
    expect((await call('GET', '/v1/interviews', fixture.tenantA.apiKey)).status).toBe(200);
  });

  it('should let a create-only key create interviews and nothing else: 403 naming the scope, and nothing read or erased', async () => {
    const connector = await createKey({ name: 'HRIS connector', scopes: ['interviews:write'] });
    expect(connector.scopes).toEqual(['interviews:write']);
    const created = await call('POST', '/v1/interviews', connector.key, { locale: 'en' });
    expect(created.status).toBe(201);
    const { interview } = (await created.json()) as { interview: { id: string } };
    const bulk = await call('POST', '/v1/interviews/bulk', connector.key, { interviews: [{ locale: 'en' }] });
    expect(bulk.status).toBe(201);
    // The HRIS routes create and manage invitations: the same scope.
    const invitation = await call('GET', `/v1/hris/interviews/${interview.id}/invitation`, connector.key);
    expect(invitation.status).toBe(200);
    const other = await fixture.createInterview(fixture.tenantB);
    const refused: Array<[string, string, string]> = [
      ['GET', '/v1/interviews', 'interviews:read'],
      ['GET', `/v1/interviews/${interview.id}`, 'interviews:read'],
      ['GET', `/v1/interviews/${interview.id}/transcript`, 'transcripts:read'],
      ['GET', `/v1/interviews/${interview.id}/report`, 'reports:read'],
      ['DELETE', `/v1/interviews/${interview.id}`, 'interviews:delete'],
      ['POST', '/v1/privacy/erasures', 'interviews:delete'],
      ['GET', '/v1/webhooks/endpoints', 'webhooks:manage'],
      // Another tenant's id: the same 403, so a missing scope tells nothing about the id.
      ['GET', `/v1/interviews/${other.id}/transcript`, 'transcripts:read'],
    ];
    for (const [method, path, scope] of refused) {
      const response = await call(method, path, connector.key);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toEqual({
        error: {
          code: 'forbidden',
          message: `This API key does not have the scope ${scope}`,
          details: { requiredScope: scope },
        },
      });
    }
    // The DELETE changed nothing, and no transcript read was audited.
    const full = await call('GET', `/v1/interviews/${interview.id}`, fixture.tenantA.apiKey);
    expect(((await full.json()) as { status: string }).status).toBe('invited');
    const reads = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('audit_log')
        .select('action')
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('target_id', '=', interview.id)
        .execute(),
    );
    expect(reads.map((row) => row.action)).not.toContain('interview.transcript.read');
  });

  it('should let a transcript-only key read its tenant transcripts, and still answer 404 for another tenant', async () => {
    const reader = await createKey({ name: 'case system', scopes: ['transcripts:read'] });
    const own = await fixture.createInterview(fixture.tenantA);
    const other = await fixture.createInterview(fixture.tenantB);
    expect((await call('GET', `/v1/interviews/${own.id}/transcript`, reader.key)).status).toBe(200);
    expect((await call('GET', `/v1/interviews/${other.id}/transcript`, reader.key)).status).toBe(404);
    expect((await call('POST', '/v1/interviews', reader.key, { locale: 'en' })).status).toBe(403);
  });

  it("should withhold a started interview's link (it opens the answers) from a key that may not read transcripts", async () => {
    const connector = await createKey({ name: 'leavers feed', scopes: ['interviews:write'] });
    const reader = await createKey({ name: 'full HRIS', scopes: ['interviews:write', 'transcripts:read'] });
    const event = {
      eventId: `evt-scopes-${kind}-${Date.now()}`,
      employeeId: `E-scopes-${kind}`,
      name: 'Robin Park',
      email: 'robin.park@example.com',
      lastDay: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
      terminationType: 'voluntary',
    };
    const received = await call('POST', '/v1/hris/events', connector.key, event);
    expect(received.status).toBe(201);
    const outcome = (await received.json()) as { link: string; interview: { interviewId: string } };
    // Not started yet: the link opens nothing but the invitation, and the connector gets it.
    expect(outcome.link).toContain('/i#token=');
    const interviewId = outcome.interview.interviewId;
    const session = await fixture.app.request('/v1/interview/session', {
      method: 'POST',
      headers: { Authorization: `Bearer ${outcome.link.split('#token=')[1]}` },
    });
    const { token } = (await session.json()) as { token: string };
    expect(
      (await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' })).status,
    ).toBe(200);

    const linkFor = async (credential: string) =>
      (
        (await (await call('GET', `/v1/hris/events/${event.eventId}`, credential)).json()) as {
          link: unknown;
        }
      ).link;
    expect(await linkFor(connector.key)).toBeNull();
    expect(await linkFor(reader.key)).toEqual(expect.stringContaining('/i#token='));
    // Handed out, the link of a started interview is in the audit log (it opens the answers).
    const issued = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('audit_log')
        .select(['actor_id'])
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('target_id', '=', interviewId)
        .where('action', '=', 'interview.link.issue')
        .execute(),
    );
    expect(issued.map((entry) => entry.actor_id)).toEqual([reader.id]);
    expect(await linkFor(fixture.tenantA.adminToken)).toEqual(expect.stringContaining('/i#token='));
    const repeated = await call('POST', '/v1/hris/events', connector.key, event);
    expect(((await repeated.json()) as { link: unknown }).link).toBeNull();

    // A new link would do the same (and lock the employee out): refused, and nothing changed.
    const reissued = await call('POST', `/v1/hris/interviews/${interviewId}/reissue`, connector.key, {});
    expect(reissued.status).toBe(403);
    expect(((await reissued.json()) as { error: { details: unknown } }).error.details).toEqual({
      requiredScope: 'transcripts:read',
    });
    const stillValid = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(stillValid.status).toBe(200);
  });

  it('should let a webhooks-only key manage endpoints and nothing else, and leave admin tokens as they were', async () => {
    const hooks = await createKey({ name: 'automation', scopes: ['webhooks:manage'] });
    expect((await call('GET', '/v1/webhooks/endpoints', hooks.key)).status).toBe(200);
    expect((await call('GET', '/v1/interviews', hooks.key)).status).toBe(403);
    const own = await fixture.createInterview(fixture.tenantA);
    expect((await call('GET', `/v1/hris/interviews/${own.id}/invitation`, hooks.key)).status).toBe(403);
    // Admin tokens do not carry scopes: the admin role decides.
    expect((await call('GET', '/v1/webhooks/endpoints', fixture.tenantA.adminToken)).status).toBe(200);
    expect(
      (await call('GET', `/v1/hris/interviews/${own.id}/invitation`, fixture.tenantA.adminToken)).status,
    ).toBe(200);
  });

  it('should refuse unknown, repeated or no scopes with 400 and create no key', async () => {
    const before = await keyCount();
    for (const scopes of [[], ['interviews:admin'], ['reports:read', 'reports:read'], 'reports:read']) {
      const response = await call('POST', '/v1/admin/api-keys', fixture.tenantA.adminToken, {
        name: 'bad',
        scopes,
      });
      expect(response.status, JSON.stringify(scopes)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    }
    expect(await keyCount()).toBe(before);
  });

  it('should audit a key creation with its scopes', async () => {
    const created = await createKey({ name: 'audited', scopes: ['reports:read', 'interviews:read'] });
    // Stored and answered in the canonical order.
    expect(created.scopes).toEqual(['interviews:read', 'reports:read']);
    const entry = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('target_id', '=', created.id)
        .executeTakeFirst(),
    );
    expect(entry).toMatchObject({
      action: 'api-key.create',
      details: { scopes: ['interviews:read', 'reports:read'] },
    });
  });

  it('should refuse a stored scope the server does not know (check constraint)', async () => {
    await expect(
      sql`insert into api_keys (tenant_id, name, prefix, key_hash, scopes)
          values (${fixture.tenantA.id}, 'x', 'x', 'hash-unknown-scope', array['everything']::text[])`.execute(
        fixture.database.handle.db,
      ),
    ).rejects.toThrow(/api_keys_scopes_known/);
  });
});
