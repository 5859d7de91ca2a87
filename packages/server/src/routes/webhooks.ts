import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository.ts';
import { withTenant } from '../db/scope.ts';
import type { AppEnv } from '../http/context.ts';
import { idParamSchema } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { actorOf, requireApiKeyOrAdmin } from '../privacy/route-auth.ts';
import type { Services } from '../services.ts';
import { webhookEventTypes } from '../webhooks/webhook-events.ts';

const eventTypesSchema = z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length);

/** `POST /v1/webhooks/endpoints` body. */
export const createEndpointSchema = z
  .object({
    url: z.string().min(8).max(2000).describe('https:// URL of the receiver'),
    eventTypes: eventTypesSchema,
    description: z.string().max(500).nullable().optional(),
  })
  .strict();

/** `PATCH /v1/webhooks/endpoints/:id` body. */
export const updateEndpointSchema = z
  .object({
    url: z.string().min(8).max(2000).optional(),
    eventTypes: eventTypesSchema.optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** `POST /v1/webhooks/endpoints/:id/recover` body. */
export const recoverSchema = z.object({ since: z.iso.datetime({ offset: true }) }).strict();

/** `GET /v1/webhooks/deliveries` query. */
export const deliveriesQuerySchema = z.object({
  endpointId: z.uuid().optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  eventType: z.string().max(100).optional(),
  interviewId: z.uuid().optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Webhook endpoints, deliveries with their attempts, re-sending (`/v1/webhooks`; API key or admin). */
export function webhookRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireApiKeyOrAdmin(services, 'webhooks:manage'));
  const { webhooks } = services;

  async function audit(
    c: Parameters<typeof actorOf>[0],
    action: string,
    endpointId: string,
    details?: Record<string, unknown>,
  ) {
    const tenantId = c.get('tenant').id;
    const actor = actorOf(c);
    await withTenant(services.database, tenantId, (db) =>
      recordAudit(db, tenantId, [
        {
          actorType: actor.type,
          actorId: actor.id,
          action,
          targetType: 'webhook-endpoint',
          targetId: endpointId,
          requestId: actor.requestId ?? null,
          details: details ?? null,
        },
      ]),
    );
  }

  app.get('/event-types', (c) => c.json({ eventTypes: webhookEventTypes }));

  app.get('/endpoints', async (c) => c.json({ endpoints: await webhooks.listEndpoints(c.get('tenant').id) }));

  app.post('/endpoints', validate('json', createEndpointSchema), async (c) => {
    const body = c.req.valid('json');
    const created = await webhooks.createEndpoint(c.get('tenant').id, body);
    await audit(c, 'webhook.endpoint.create', created.endpoint.id, {
      host: new URL(created.endpoint.url).host,
      eventTypes: created.endpoint.eventTypes,
    });
    return c.json(created, 201);
  });

  app.get('/endpoints/:id', validate('param', idParamSchema), async (c) =>
    c.json(await webhooks.getEndpoint(c.get('tenant').id, c.req.valid('param').id)),
  );

  app.patch(
    '/endpoints/:id',
    validate('param', idParamSchema),
    validate('json', updateEndpointSchema),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const endpoint = await webhooks.updateEndpoint(c.get('tenant').id, id, body);
      await audit(c, 'webhook.endpoint.update', id, { fields: Object.keys(body) });
      return c.json(endpoint);
    },
  );

  app.delete('/endpoints/:id', validate('param', idParamSchema), async (c) => {
    const { id } = c.req.valid('param');
    await webhooks.deleteEndpoint(c.get('tenant').id, id);
    await audit(c, 'webhook.endpoint.delete', id);
    return c.body(null, 204);
  });

  app.post('/endpoints/:id/rotate-secret', validate('param', idParamSchema), async (c) => {
    const { id } = c.req.valid('param');
    const rotated = await webhooks.rotateSecret(c.get('tenant').id, id);
    await audit(c, 'webhook.endpoint.rotate-secret', id);
    return c.json(rotated);
  });

  app.post('/endpoints/:id/test', validate('param', idParamSchema), async (c) =>
    c.json(await webhooks.sendTestEvent(c.get('tenant').id, c.req.valid('param').id), 202),
  );

  app.post(
    '/endpoints/:id/recover',
    validate('param', idParamSchema),
    validate('json', recoverSchema),
    async (c) =>
      c.json(
        await webhooks.recover(
          c.get('tenant').id,
          c.req.valid('param').id,
          new Date(c.req.valid('json').since),
        ),
        202,
      ),
  );

  app.get('/deliveries', validate('query', deliveriesQuerySchema), async (c) =>
    c.json(await webhooks.listDeliveries(c.get('tenant').id, c.req.valid('query'))),
  );

  app.get('/deliveries/:id', validate('param', idParamSchema), async (c) =>
    c.json(await webhooks.getDelivery(c.get('tenant').id, c.req.valid('param').id)),
  );

  app.post('/deliveries/:id/resend', validate('param', idParamSchema), async (c) =>
    c.json(await webhooks.resend(c.get('tenant').id, c.req.valid('param').id)),
  );

  return app;
}
