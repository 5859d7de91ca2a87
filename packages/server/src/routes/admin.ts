import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type AuditEntry, recordAudit } from '../audit/audit.repository.ts';
import { withTenant } from '../db/scope.ts';
import { ApiError, notFound, unauthorized } from '../errors.ts';
import { adminCredential, adminTokenRevoked, requireCredential, requireRole } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import {
  createApiKeySchema,
  idParamSchema,
  issueAdminTokenSchema,
  listQuerySchema,
  registerKeySchema,
  tenantSettingsPatchSchema,
} from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { assertReportVisible } from '../insights/insights.service.ts';
import type { Actor } from '../interviews/interview.service.ts';
import type { Services } from '../services.ts';
import { acceptGuide, activeGuide, activeGuideKey, defaultGuideKey } from '../tenants/tenant-guides.ts';

/** HR admin routes (`/v1/admin`), authorised by an admin token; analysts read, admins also change. */
export function adminRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireCredential(services, 'admin'));
  const onlyAdmins = requireRole(['admin']);
  const actor = (c: { get: (key: 'credential' | 'requestId') => unknown }): Actor => ({
    type: 'admin',
    id: (c.get('credential') as { subject: string }).subject,
    requestId: c.get('requestId') as string,
  });
  /** Records what the admin did in the tenant's audit log. */
  const audit = (
    c: { get: (key: 'credential' | 'requestId') => unknown },
    tenantId: string,
    entry: Pick<AuditEntry, 'action' | 'targetType' | 'targetId' | 'details'>,
  ) =>
    withTenant(services.database, tenantId, (db) =>
      recordAudit(db, tenantId, [
        { actorType: 'admin', actorId: actor(c).id, requestId: c.get('requestId') as string, ...entry },
      ]),
    );

  app.get('/interviews', validate('query', listQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const identity = adminCredential(c).role === 'admin';
    return c.json(
      await services.interviews.list(
        c.get('tenant'),
        {
          ...query,
          createdAfter: query.createdAfter ? new Date(query.createdAfter) : undefined,
          createdBefore: query.createdBefore ? new Date(query.createdBefore) : undefined,
        },
        { identity },
      ),
    );
  });

  app.get('/interviews/:id', validate('param', idParamSchema), async (c) => {
    const tenant = c.get('tenant');
    const { id } = c.req.valid('param');
    const isAdmin = adminCredential(c).role === 'admin';
    const interview = await services.interviews.get(tenant, id, { identity: isAdmin });
    // Analysts see reports and aggregates, not what the employee wrote word for word.
    const transcript = isAdmin ? (await services.interviews.transcript(tenant, id, actor(c))).messages : null;
    return c.json({ interview, transcript });
  });

  app.get('/interviews/:id/report', validate('param', idParamSchema), async (c) => {
    const { id } = c.req.valid('param');
    // Confidential interviews' reports are for the admin role only (docs/insights.md).
    const { role } = adminCredential(c);
    if (role !== 'admin')
      assertReportVisible(
        (await services.interviews.get(c.get('tenant'), id, { identity: false })).mode,
        role,
      );
    return c.json(
      await services.interviews.report(c.get('tenant'), id, actor(c), { identity: role === 'admin' }),
    );
  });

  app.get('/settings', async (c) => {
    const tenant = c.get('tenant');
    return c.json({ tenant: { id: tenant.id, name: tenant.name }, settings: tenant.settings });
  });

  app.patch('/settings', onlyAdmins, validate('json', tenantSettingsPatchSchema), async (c) => {
    const patch = c.req.valid('json');
    const tenant = await services.tenants.updateSettings(c.get('tenant').id, patch);
    await audit(c, tenant.id, { action: 'settings.update', details: { fields: Object.keys(patch) } });
    return c.json({ tenant: { id: tenant.id, name: tenant.name }, settings: tenant.settings });
  });

  app.get('/guide', async (c) => {
    const { settings } = c.get('tenant');
    const key = activeGuideKey(settings);
    return c.json({
      key,
      isDefault: key === defaultGuideKey,
      guide: activeGuide(settings),
      versions: Object.keys(settings.guides),
    });
  });

  // The guide's own schema (the SDK's parseGuide) validates the body and names the bad field.
  app.put('/guide', onlyAdmins, validate('json', z.unknown()), async (c) => {
    const tenant = c.get('tenant');
    const { key, guide } = acceptGuide(tenant.settings, c.req.valid('json'));
    const updated = await services.tenants.updateSettings(tenant.id, (current) => ({
      guides: { ...current.guides, [key]: guide },
      activeGuide: key,
    }));
    await audit(c, updated.id, { action: 'guide.update', details: { key } });
    return c.json({ key, isDefault: false, guide: activeGuide(updated.settings) });
  });

  app.delete('/guide', onlyAdmins, async (c) => {
    const tenant = c.get('tenant');
    // Stored versions stay: interviews started on them finish on them.
    const updated = await services.tenants.updateSettings(tenant.id, { activeGuide: undefined });
    await audit(c, updated.id, { action: 'guide.reset', details: { key: defaultGuideKey } });
    return c.json({ key: defaultGuideKey, isDefault: true, guide: activeGuide(updated.settings) });
  });

  app.get('/keys', onlyAdmins, async (c) =>
    c.json({ keys: await services.tokens.listKeys(c.get('tenant').id) }),
  );

  app.post('/keys', onlyAdmins, validate('json', registerKeySchema), async (c) => {
    const body = c.req.valid('json');
    const tenantId = c.get('tenant').id;
    const result = await services.tokens.registerTenantKey({
      tenantId,
      jwk: body.jwk,
      alg: body.alg,
      ...(body.kid ? { kid: body.kid } : {}),
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
    await audit(c, tenantId, { action: 'key.register', targetType: 'signing-key', targetId: result.kid });
    return c.json(result, 201);
  });

  app.delete('/keys/:kid', onlyAdmins, async (c) => {
    const kid = c.req.param('kid');
    if (!(await services.tokens.revokeTenantKey(c.get('tenant').id, kid))) throw notFound('Key');
    return c.body(null, 204);
  });

  app.post('/keys/rotate', onlyAdmins, async (c) => {
    const kid = await services.tokens.rotateServerKey(c.get('tenant').id);
    return c.json({ kid }, 201);
  });

  app.get('/api-keys', onlyAdmins, async (c) =>
    c.json({ apiKeys: await services.apiKeys.list(c.get('tenant').id) }),
  );

  app.post('/api-keys', onlyAdmins, validate('json', createApiKeySchema), async (c) => {
    const tenantId = c.get('tenant').id;
    const body = c.req.valid('json');
    const created = await services.apiKeys.create({
      tenantId,
      name: body.name,
      ...(body.scopes ? { scopes: body.scopes } : {}),
    });
    await audit(c, tenantId, {
      action: 'api-key.create',
      targetType: 'api-key',
      targetId: created.id,
      details: { scopes: created.scopes },
    });
    return c.json(created, 201);
  });

  app.delete('/api-keys/:id', onlyAdmins, validate('param', idParamSchema), async (c) => {
    if (!(await services.apiKeys.revoke(c.get('tenant').id, c.req.valid('param').id)))
      throw notFound('API key');
    return c.body(null, 204);
  });

  // Admins hand out tokens (an analyst token for a colleague, a fresh one for themselves) without the operator.
  app.post('/tokens', onlyAdmins, validate('json', issueAdminTokenSchema), async (c) => {
    const tenantId = c.get('tenant').id;
    const body = c.req.valid('json');
    const notBefore = await currentRevocation(c);
    const issued = await issueToken(tenantId, body.role, body.subject, body.ttlHours, notBefore);
    await audit(c, tenantId, {
      action: 'admin-token.issue',
      details: { role: body.role, subject: body.subject, expiresAt: issued.expiresAt },
    });
    c.header('Cache-Control', 'no-store');
    return c.json(issued, 201);
  });

  // Revokes every admin token of the tenant issued until now (a leaked token, a colleague who left); the caller
  // gets a fresh admin token in the answer, so the revocation does not lock them out.
  app.post('/tokens/revoke', onlyAdmins, async (c) => {
    const tenantId = c.get('tenant').id;
    const { subject } = adminCredential(c);
    await currentRevocation(c);
    // Token times are whole seconds: everything issued up to the end of this second is revoked and the
    // caller's new token carries the next second; a second revocation within that second moves on by one
    // more, so that the token the first one handed out is revoked too.
    const updated = await services.tenants.updateSettings(tenantId, (current) => {
      const previous = current.adminTokensNotBefore ? Date.parse(current.adminTokensNotBefore) : 0;
      const next = Math.max((Math.floor(Date.now() / 1000) + 1) * 1000, previous + 1000);
      return { adminTokensNotBefore: new Date(next).toISOString() };
    });
    const notBefore = new Date(updated.settings.adminTokensNotBefore as string);
    const issued = await issueToken(tenantId, 'admin', subject, undefined, notBefore);
    await audit(c, tenantId, {
      action: 'admin-token.revoke-all',
      details: { revokedBefore: notBefore.toISOString() },
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ revokedBefore: notBefore.toISOString(), ...issued });
  });

  /**
   * The tenant's revocation time read from the database, not the 5 s settings cache: a token revoked on
   * another process a moment ago must not mint new ones. 401 when the caller's own token is revoked.
   */
  async function currentRevocation(c: Context<AppEnv>): Promise<Date | undefined> {
    const tenant = await services.tenants.find(c.get('tenant').id, { fresh: true });
    if (!tenant || adminTokenRevoked(adminCredential(c), tenant.settings)) throw unauthorized();
    const notBefore = tenant.settings.adminTokensNotBefore;
    return notBefore ? new Date(notBefore) : undefined;
  }

  /** Signs an admin token; never dated before `notBefore` (a revocation's time, up to a second ahead). */
  async function issueToken(
    tenantId: string,
    role: 'admin' | 'analyst',
    subject: string,
    ttlHours = services.config.adminTokenTtlHours,
    notBefore?: Date,
  ) {
    const issuedSeconds = Math.max(
      Math.floor(Date.now() / 1000),
      notBefore ? Math.ceil(notBefore.getTime() / 1000) : 0,
    );
    const issuedAt = new Date(issuedSeconds * 1000);
    const expiresAt = new Date((issuedSeconds + ttlHours * 3600) * 1000);
    const token = await services.tokens.issueAdminToken({ tenantId, subject, role, expiresAt, issuedAt });
    return {
      token,
      role,
      subject,
      expiresAt: expiresAt.toISOString(),
      adminUrl: `${services.config.publicUrl}/admin#token=${token}`,
    };
  }

  app.all('*', () => {
    throw new ApiError({ status: 404, code: 'not-found', message: 'No such route' });
  });

  return app;
}
