import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/context.ts';
import { validate } from '../http/validation.ts';
import { actorOf, requireAdmin, requireApiKeyOrAdmin } from '../privacy/route-auth.ts';
import type { Services } from '../services.ts';

/** `POST /v1/privacy/erasures` body: one interview, or every interview of one employee. */
export const erasureSchema = z.union([
  z.object({ interviewId: z.uuid() }).strict(),
  z.object({ employeeExternalId: z.string().min(1).max(200) }).strict(),
]);

/** `POST /v1/privacy/exports` body. */
export const exportSchema = z.object({ employeeExternalId: z.string().min(1).max(200) }).strict();

/** `GET /v1/privacy/audit-log` query. */
export const auditLogQuerySchema = z.object({
  action: z
    .string()
    .max(100)
    .optional()
    .describe('Exact action, or a prefix ending in .* (e.g. interview.*)'),
  actorType: z.enum(['api-key', 'admin', 'employee', 'system', 'cli']).optional(),
  actorId: z.string().max(200).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Erasure (API key or admin), export, audit log and retention run (admins) under `/v1/privacy`. */
export function privacyRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  const { privacy } = services;

  app.post(
    '/erasures',
    requireApiKeyOrAdmin(services, 'interviews:delete'),
    validate('json', erasureSchema),
    async (c) => c.json(await privacy.erase(c.get('tenant'), c.req.valid('json'), actorOf(c))),
  );

  app.post('/exports', requireAdmin(services), validate('json', exportSchema), async (c) => {
    const body = c.req.valid('json');
    const exported = await privacy.exportEmployee(c.get('tenant'), body.employeeExternalId, actorOf(c));
    return c.json(exported, 200, {
      'Content-Disposition': `attachment; filename="exitbot-export-${new Date().toISOString().slice(0, 10)}.json"`,
      'Cache-Control': 'no-store',
    });
  });

  app.get('/audit-log', requireAdmin(services), validate('query', auditLogQuerySchema), async (c) =>
    c.json(await privacy.auditLog(c.get('tenant'), c.req.valid('query'))),
  );

  app.post('/retention/run', requireAdmin(services), async (c) =>
    c.json(await privacy.sweepTenant(c.get('tenant').id)),
  );

  return app;
}
