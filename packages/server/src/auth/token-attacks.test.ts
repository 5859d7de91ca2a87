import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { createSecretBox } from './secret-box.ts';
import { createTokenService } from './token.service.ts';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(testDatabaseKinds)('token attacks on %s', (kind) => {
  let fixture: TestApp;
  let interview: { id: string; token: string };
  let tenantKey: CryptoKeyPair;
  const tenantKid = 'hr-system-2026';

  beforeAll(async () => {
    fixture = await createTestApp(kind);
    interview = await fixture.createInterview(fixture.tenantA);
    tenantKey = (await generateKeyPair('ES256', { extractable: true })) as CryptoKeyPair;
    const response = await fixture.app.request('/v1/admin/keys', {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jwk: await exportJWK(tenantKey.publicKey), alg: 'ES256', kid: tenantKid }),
    });
    expect(response.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  const get = (token: string, path = '/v1/interview') =>
    fixture.app.request(path, { headers: { Authorization: `Bearer ${token}` } });

  /** Signs an interview token with the tenant's registered key; `header`/`claims` override the defaults. */
  function tenantSigned(
    options: { claims?: Record<string, unknown>; header?: Record<string, unknown>; exp?: number | null } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({
      tid: fixture.tenantA.id,
      sub: interview.id,
      aud: 'exitbot:interview',
      iat: now,
      ...options.claims,
    });
    jwt.setProtectedHeader({
      alg: 'ES256',
      typ: 'exitbot-interview+jwt',
      kid: tenantKid,
      ...options.header,
    } as { alg: string });
    if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 600);
    return jwt.sign(tenantKey.privateKey);
  }

  it('should accept the server-issued token and a token signed with the tenant registered key', async () => {
    expect((await get(interview.token)).status).toBe(200);
    expect((await get(await tenantSigned())).status).toBe(200);
  });

  it('should refuse alg none', async () => {
    const header = base64url({ alg: 'none', typ: 'exitbot-interview+jwt', kid: tenantKid });
    const payload = base64url({
      tid: fixture.tenantA.id,
      sub: interview.id,
      aud: 'exitbot:interview',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    expect((await get(`${header}.${payload}.`)).status).toBe(401);
    expect((await get(`${header}.${payload}.c2lnbmF0dXJl`)).status).toBe(401);
  });

  it('should refuse HS256 signed with the public key (algorithm confusion)', async () => {
    const keys = (await (
      await fixture.app.request('/v1/admin/keys', {
        headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
      })
    ).json()) as { keys: { kid: string; origin: string; publicJwk: Record<string, unknown> }[] };
    const serverKey = keys.keys.find((key) => key.origin === 'server');
    expect(serverKey).toBeDefined();
    for (const secret of [JSON.stringify(serverKey?.publicJwk), String(serverKey?.publicJwk.x)]) {
      const forged = await new SignJWT({
        tid: fixture.tenantA.id,
        sub: interview.id,
        aud: 'exitbot:interview',
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'exitbot-interview+jwt', kid: serverKey?.kid ?? '' })
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(secret));
      expect((await get(forged)).status).toBe(401);
    }
  });

  it('should refuse a token of another kind, a wrong typ or a wrong audience', async () => {
    expect((await get(fixture.tenantA.adminToken)).status).toBe(401);
    expect((await get(interview.token, '/v1/admin/settings')).status).toBe(401);
    expect((await get(await tenantSigned({ header: { typ: 'JWT' } }))).status).toBe(401);
    expect(
      (
        await get(
          await tenantSigned({
            header: { typ: 'exitbot-admin+jwt' },
            claims: { aud: 'exitbot:admin', role: 'admin' },
          }),
          '/v1/admin/settings',
        )
      ).status,
    ).toBe(401);
    expect((await get(await tenantSigned({ claims: { aud: 'exitbot:admin' } }))).status).toBe(401);
  });

  it('should refuse expired tokens and tokens not yet valid, within a small clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await get(await tenantSigned({ exp: now - 60 }))).status).toBe(401);
    expect((await get(await tenantSigned({ exp: now - 2 }))).status).toBe(200);
    expect((await get(await tenantSigned({ claims: { nbf: now + 120 } }))).status).toBe(401);
    expect((await get(await tenantSigned({ exp: null }))).status).toBe(401);
    const past = createTokenService({
      database: fixture.database.handle,
      secretBox: await createSecretBox('test-secret-test-secret-test-secret-0123456789'),
      issuer: 'exitbot',
      retiredKeyLifetimeMs: 0,
      now: () => Date.now() - 7_200_000,
    });
    const expired = await past.issueInterviewToken({
      tenantId: fixture.tenantA.id,
      interviewId: interview.id,
      expiresAt: new Date(Date.now() - 3_600_000),
    });
    expect((await get(expired)).status).toBe(401);
  });

  it('should refuse a tampered payload, an unknown kid, and a tenant key used for another tenant', async () => {
    const [header, payload, signature] = interview.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(
      (await get(`${header}.${base64url({ ...claims, sub: crypto.randomUUID() })}.${signature}`)).status,
    ).toBe(401);
    expect((await get(await tenantSigned({ header: { kid: 'nope' } }))).status).toBe(401);
    expect((await get(await tenantSigned({ claims: { tid: fixture.tenantB.id } }))).status).toBe(401);
    expect((await get('not-a-jwt-at-all')).status).toBe(401);
  });

  it('should never accept an admin token signed by a tenant key', async () => {
    const forged = await new SignJWT({
      tid: fixture.tenantA.id,
      sub: 'attacker',
      aud: 'exitbot:admin',
      role: 'admin',
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'exitbot-admin+jwt', kid: tenantKid })
      .setExpirationTime('10m')
      .sign(tenantKey.privateKey);
    expect((await get(forged, '/v1/admin/settings')).status).toBe(401);
  });

  it('should keep verifying tokens of a rotated key until they expire, and sign new ones with the new key', async () => {
    const rotate = await fixture.app.request('/v1/admin/keys/rotate', {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect(rotate.status).toBe(201);
    const { kid } = (await rotate.json()) as { kid: string };
    expect((await get(interview.token)).status).toBe(200);
    const fresh = await fixture.services.tokens.issueInterviewToken({
      tenantId: fixture.tenantA.id,
      interviewId: interview.id,
      expiresAt: new Date(Date.now() + 600_000),
    });
    expect(JSON.parse(Buffer.from(fresh.split('.')[0] ?? '', 'base64url').toString()).kid).toBe(kid);
    expect((await get(fresh)).status).toBe(200);
  });

  it('should refuse a revoked tenant key and revoked or malformed API keys', async () => {
    const token = await tenantSigned();
    // Verified (and remembered) once before the revocation: the revocation still holds at once.
    expect((await get(token)).status).toBe(200);
    const revoke = await fixture.app.request(`/v1/admin/keys/${tenantKid}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect(revoke.status).toBe(204);
    expect((await get(token)).status).toBe(401);

    const created = (await (
      await fixture.app.request('/v1/admin/api-keys', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${fixture.tenantA.adminToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ name: 'to revoke' }),
      })
    ).json()) as { id: string; key: string };
    expect((await get(created.key, '/v1/interviews')).status).toBe(200);
    await fixture.app.request(`/v1/admin/api-keys/${created.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect((await get(created.key, '/v1/interviews')).status).toBe(401);
    expect((await get(`${created.key.slice(0, -2)}xx`, '/v1/interviews')).status).toBe(401);
    expect((await get('exb_nothing', '/v1/interviews')).status).toBe(401);
  });

  it('should refuse a token that verified earlier once it has expired', async () => {
    let clock = Date.now();
    const tokens = createTokenService({
      database: fixture.database.handle,
      secretBox: await createSecretBox('test-secret-test-secret-test-secret-0123456789'),
      issuer: 'exitbot',
      retiredKeyLifetimeMs: 0,
      now: () => clock,
    });
    const token = await tokens.issueInterviewToken({
      tenantId: fixture.tenantA.id,
      interviewId: interview.id,
      expiresAt: new Date(clock + 60_000),
    });
    expect((await tokens.verifyInterviewToken(token)).interviewId).toBe(interview.id);
    clock += 60_000;
    expect((await tokens.verifyInterviewToken(token)).interviewId).toBe(interview.id);
    clock += 6_000;
    await expect(tokens.verifyInterviewToken(token)).rejects.toThrow();
  });

  it('should refuse to register a private or symmetric key', async () => {
    const withPrivate = await exportJWK(tenantKey.privateKey);
    const response = await fixture.app.request('/v1/admin/keys', {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jwk: withPrivate, alg: 'ES256' }),
    });
    expect(response.status).toBe(400);
  });
});
