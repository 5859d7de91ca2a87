import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiKeyCredential } from '../auth/api-key.service.ts';
import { requireCredential, requireScope } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { payloadTooLarge } from '../http/limits.ts';
import { bulkCreateSchema, createInterviewSchema, idParamSchema, listQuerySchema } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import type { Actor } from '../interviews/interview.service.ts';
import type { Services } from '../services.ts';

/** Integrator routes (`/v1/interviews`), authorised by an API key. */
export function integratorRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireCredential(services, 'api-key'));
  const actor = (c: { get: (key: 'credential' | 'requestId') => unknown }): Actor => ({
    type: 'api-key',
    id: (c.get('credential') as ApiKeyCredential).keyId,
    requestId: c.get('requestId') as string,
  });

  app.post(
    '/',
    requireScope('interviews:write'),
    bodyLimit({ maxSize: 64 * 1024, onError: payloadTooLarge }),
    validate('json', createInterviewSchema),
    async (c) => {
      const [created] = await services.interviews.create(c.get('tenant'), [c.req.valid('json')], actor(c));
      return c.json(created, 201);
    },
  );

  app.post('/bulk', requireScope('interviews:write'), validate('json', bulkCreateSchema), async (c) => {
    const created = await services.interviews.create(
      c.get('tenant'),
      c.req.valid('json').interviews,
      actor(c),
    );
    return c.json({ interviews: created }, 201);
  });

  app.get('/', requireScope('interviews:read'), validate('query', listQuerySchema), async (c) => {
    const query = c.req.valid('query');
    return c.json(
      await services.interviews.list(
        c.get('tenant'),
        {
          ...query,
          ...(query.createdAfter
            ? { createdAfter: new Date(query.createdAfter) }
            : { createdAfter: undefined }),
          ...(query.createdBefore
            ? { createdBefore: new Date(query.createdBefore) }
            : { createdBefore: undefined }),
        },
        { identity: true },
      ),
    );
  });

  app.get('/:id', requireScope('interviews:read'), validate('param', idParamSchema), async (c) =>
    c.json(await services.interviews.get(c.get('tenant'), c.req.valid('param').id, { identity: true })),
  );

  app.get('/:id/transcript', requireScope('transcripts:read'), validate('param', idParamSchema), async (c) =>
    c.json(await services.interviews.transcript(c.get('tenant'), c.req.valid('param').id, actor(c))),
  );

  app.get('/:id/report', requireScope('reports:read'), validate('param', idParamSchema), async (c) =>
    c.json(await services.interviews.report(c.get('tenant'), c.req.valid('param').id, actor(c))),
  );

  app.delete('/:id', requireScope('interviews:delete'), validate('param', idParamSchema), async (c) => {
    await services.interviews.erase(c.get('tenant'), c.req.valid('param').id, actor(c));
    // This process drops the tenant's cached data at once; the others within their purge poll.
    services.cachePurger.applyLocal(c.get('tenant').id);
    return c.body(null, 204);
  });

  return app;
}
