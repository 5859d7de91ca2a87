import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, createTestApp, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

describe.each(testDatabaseKinds)('admin tokens issued and revoked through the API on %s', (kind) => {
  // A fixture of its own: the tests below revoke the fixture's admin tokens.
  let fixture: TestApp;
  let tenantBToken = '';

  beforeAll(async () => {
    fixture = await createTestApp(kind);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    callApi(fixture.app, method, path, token, body);

  async function auditActions(token: string): Promise<string[]> {
    const response = await call('GET', '/v1/privacy/audit-log?action=admin-token.*', token);
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: Array<{ action: string }> };
    return entries.map((entry) => entry.action);
  }

  it('should let an admin issue an analyst token for a colleague, with the analyst role only', async () => {
    const response = await call('POST', '/v1/admin/tokens', fixture.tenantA.adminToken, {
      role: 'analyst',
      subject: 'dana@example.com',
      ttlHours: 8,
    });
    expect(response.status).toBe(201);
    const issued = (await response.json()) as {
      token: string;
      role: string;
      subject: string;
      expiresAt: string;
      adminUrl: string;
    };
    expect(issued).toMatchObject({ role: 'analyst', subject: 'dana@example.com' });
    expect(issued.adminUrl).toBe(`${fixture.services.config.publicUrl}/admin#token=${issued.token}`);
    const claims = decodeJwt(issued.token);
    expect(claims).toMatchObject({ role: 'analyst', sub: 'dana@example.com', tid: fixture.tenantA.id });
    expect((claims.exp as number) - (claims.iat as number)).toBe(8 * 3600);
    expect(Date.parse(issued.expiresAt)).toBe((claims.exp as number) * 1000);

    expect((await call('GET', '/v1/admin/interviews', issued.token)).status).toBe(200);
    expect((await call('GET', '/v1/admin/settings', issued.token)).status).toBe(200);
    expect((await call('PATCH', '/v1/admin/settings', issued.token, { minGroupSize: 9 })).status).toBe(403);
    expect(
      (await call('POST', '/v1/admin/tokens', issued.token, { role: 'admin', subject: 'x' })).status,
    ).toBe(403);
    expect(await auditActions(fixture.tenantA.adminToken)).toContain('admin-token.issue');
  });

  it('should refuse analysts, other credentials and bad bodies, and issue nothing', async () => {
    const before = (await auditActions(fixture.tenantA.adminToken)).length;
    const good = { role: 'admin', subject: 'lee@example.com' };
    expect((await call('POST', '/v1/admin/tokens', fixture.tenantA.analystToken, good)).status).toBe(403);
    expect((await call('POST', '/v1/admin/tokens', fixture.tenantA.apiKey, good)).status).toBe(401);
    expect((await fixture.app.request('/v1/admin/tokens', { method: 'POST' })).status).toBe(401);
    expect((await call('POST', '/v1/admin/tokens/revoke', fixture.tenantA.analystToken)).status).toBe(403);
    for (const body of [
      { role: 'owner', subject: 'lee@example.com' },
      { role: 'admin' },
      { role: 'admin', subject: '   ' },
      { role: 'admin', subject: 'lee@example.com', ttlHours: 0 },
      { role: 'admin', subject: 'lee@example.com', ttlHours: 169 },
      { role: 'admin', subject: 'lee@example.com', tenantId: fixture.tenantB.id },
    ]) {
      const response = await call('POST', '/v1/admin/tokens', fixture.tenantA.adminToken, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    }
    expect((await auditActions(fixture.tenantA.adminToken)).length).toBe(before);
  });

  it('should issue a token of the caller tenant only, whatever the body says', async () => {
    const response = await call('POST', '/v1/admin/tokens', fixture.tenantB.adminToken, {
      role: 'admin',
      subject: 'b-admin@example.com',
    });
    const { token } = (await response.json()) as { token: string };
    expect(decodeJwt(token).tid).toBe(fixture.tenantB.id);
  });

  it("should revoke every admin token of the tenant issued so far, keep the caller signed in, and leave other tenants' tokens alone", async () => {
    const colleague = (await (
      await call('POST', '/v1/admin/tokens', fixture.tenantA.adminToken, {
        role: 'analyst',
        subject: 'dana@example.com',
      })
    ).json()) as { token: string };
    expect((await call('GET', '/v1/admin/interviews', colleague.token)).status).toBe(200);

    const response = await call('POST', '/v1/admin/tokens/revoke', fixture.tenantA.adminToken);
    expect(response.status).toBe(200);
    const revoked = (await response.json()) as { revokedBefore: string; token: string; role: string };
    expect(revoked.role).toBe('admin');

    for (const token of [fixture.tenantA.adminToken, fixture.tenantA.analystToken, colleague.token]) {
      const refused = await call('GET', '/v1/admin/interviews', token);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    // The caller's new token, and tokens issued from now on, work.
    expect((await call('GET', '/v1/admin/interviews', revoked.token)).status).toBe(200);
    const fresh = (await (
      await call('POST', '/v1/admin/tokens', revoked.token, { role: 'analyst', subject: 'dana@example.com' })
    ).json()) as { token: string };
    expect((await call('GET', '/v1/admin/interviews', fresh.token)).status).toBe(200);
    // Tenant B and the integrator key are untouched.
    expect((await call('GET', '/v1/admin/interviews', fixture.tenantB.adminToken)).status).toBe(200);
    expect((await call('GET', '/v1/interviews', fixture.tenantA.apiKey)).status).toBe(200);
    expect(await auditActions(revoked.token)).toContain('admin-token.revoke-all');
    expect(await auditActions(fixture.tenantB.adminToken)).not.toContain('admin-token.revoke-all');
  });

  it('should refuse a token revoked on another process a moment ago when it tries to issue new ones', async () => {
    // A second app on the same database is a second server process, with its own 5 s settings cache.
    const other = await createTestApp(kind, { database: fixture.database });
    try {
      const issued = (await (
        await call('POST', '/v1/admin/tokens', fixture.tenantB.adminToken, { role: 'admin', subject: 'b@x' })
      ).json()) as { token: string };
      const viaOther = (method: string, path: string, body?: unknown) =>
        other.app.request(path, {
          method,
          headers: { Authorization: `Bearer ${issued.token}`, 'Content-Type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      // The other process has tenant B's settings cached from before the revocation.
      expect((await viaOther('GET', '/v1/admin/settings')).status).toBe(200);
      const revoked = await call('POST', '/v1/admin/tokens/revoke', issued.token);
      expect(revoked.status).toBe(200);
      tenantBToken = ((await revoked.json()) as { token: string }).token;
      const minted = await viaOther('POST', '/v1/admin/tokens', { role: 'admin', subject: 'attacker' });
      expect(minted.status).toBe(401);
      expect((await viaOther('POST', '/v1/admin/tokens/revoke')).status).toBe(401);
    } finally {
      await other.destroy();
    }
  });

  it('should keep a revocation through later settings and guide changes', async () => {
    // Tenant B's tokens were revoked by the test above; this one was issued by that revocation.
    const before = { token: tenantBToken };
    const revoked = (await (await call('POST', '/v1/admin/tokens/revoke', before.token)).json()) as {
      token: string;
    };
    expect((await call('PATCH', '/v1/admin/settings', revoked.token, { minGroupSize: 6 })).status).toBe(200);
    expect((await call('DELETE', '/v1/admin/guide', revoked.token)).status).toBe(200);
    const refused = await call('PATCH', '/v1/admin/settings', revoked.token, { adminTokensNotBefore: null });
    expect(refused.status).toBe(400);
    expect((await call('GET', '/v1/admin/interviews', before.token)).status).toBe(401);
    expect((await call('GET', '/v1/admin/interviews', revoked.token)).status).toBe(200);
  });
});
