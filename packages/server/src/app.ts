import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { openReport } from './crypto/report-sealing.ts';
import { ApiError } from './errors.ts';
import type { AppEnv } from './http/context.ts';
import { payloadTooLarge } from './http/limits.ts';
import { createInsightsService } from './insights/insights.service.ts';
import { adminRoutes } from './routes/admin.ts';
import { embedRoutes } from './routes/embed.ts';
import { employeeRoutes } from './routes/employee.ts';
import { healthRoutes } from './routes/health.ts';
import { hrisRoutes, interviewLinkPageRoutes, interviewSessionRoutes } from './routes/hris.ts';
import { insightsRoutes } from './routes/insights.ts';
import { integratorRoutes } from './routes/interviews.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { staticRoutes } from './routes/static.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import type { Services } from './services.ts';

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;
const allowedMethods = 'GET, POST, PATCH, DELETE, OPTIONS';
const allowedHeaders = 'Authorization, Content-Type, Accept, X-Request-Id';

/**
 * Builds the Hono app (never listens): request ids and JSON access logs, secure headers, a 1 MB body
 * ceiling, CORS preflight for origins any tenant allows (each request is then checked against its own
 * tenant), the API routes, the pages and bundles, and one error handler.
 */
export function createApp(services: Services) {
  const app = new Hono<AppEnv>();
  const { logger } = services;
  const ownOrigin = new URL(services.config.publicUrl).origin;

  app.use(async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    c.set('requestId', requestId);
    c.set('logger', logger.child({ requestId }));
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    if (logger.level === 'debug' || logger.level === 'info') {
      const tenant = c.get('tenant');
      logger.info('request', {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(tenant ? { tenantId: tenant.id } : {}),
      });
    }
  });

  app.use(
    secureHeaders({
      crossOriginResourcePolicy: 'same-site',
      crossOriginOpenerPolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      // Keep what a route set on purpose, e.g. `Cross-Origin-Resource-Policy: cross-origin` on the widget
      // bundles, without which a cross-site HR portal cannot load the classic (no-cors) script.
      overwrite: false,
    }),
  );

  // A 2 MB body is refused here with 413 before auth or parsing (Content-Length or streamed).
  app.use('/v1/*', bodyLimit({ maxSize: 1024 * 1024, onError: payloadTooLarge }));

  app.options('/v1/*', async (c) => {
    const origin = c.req.header('origin');
    if (origin && (origin === ownOrigin || (await services.tenants.allAllowedOrigins()).has(origin))) {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': allowedMethods,
        'Access-Control-Allow-Headers': allowedHeaders,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    return c.body(null, 204, { Vary: 'Origin' });
  });

  app.route('/', healthRoutes(services));
  app.route('/', openApiRoutes());
  // Before the employee routes: the link's token is exchanged for a session token.
  app.route('/', interviewSessionRoutes(services));
  app.route('/v1/interview', employeeRoutes(services));
  app.route('/v1/interviews', integratorRoutes(services));
  app.route('/v1/hris', hrisRoutes(services));
  app.route('/v1/webhooks', webhookRoutes(services));
  app.route('/v1/privacy', privacyRoutes(services));
  const insights = createInsightsService({
    database: services.database,
    // Quotes come from reports sealed at rest: opened with the tenant's key, only for what is shown.
    openReport: async ({ tenantId, interviewId, stored }) =>
      openReport(await services.encryption.forTenant(tenantId), interviewId, stored),
  });
  // An erasure drops the tenant's cached insights on every replica.
  services.cachePurger.register({ deleteTenant: (tenantId) => insights.invalidate(tenantId) });
  app.route('/v1/admin', insightsRoutes(services, insights));
  app.route('/v1/admin', adminRoutes(services));
  app.route('/', staticRoutes(services));
  app.route('/', interviewLinkPageRoutes());
  app.route('/embed', embedRoutes(services));
  app.get('/', (c) => c.redirect(services.config.demo && services.demoTenantId ? '/demo' : '/admin'));

  app.notFound((c) => c.json({ error: { code: 'not-found', message: 'No such route', details: null } }, 404));

  app.onError(async (error, c) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof HTTPException) {
      apiError = new ApiError({
        status: error.status === 413 ? 413 : error.status >= 500 ? 500 : (error.status as 400),
        code:
          error.status === 413
            ? 'payload-too-large'
            : error.status === 401
              ? 'unauthorized'
              : 'invalid-request',
        message: error.message || 'Invalid request',
      });
    } else {
      (c.get('logger') ?? logger).error('unhandled error', { requestId: c.get('requestId'), error });
      apiError = new ApiError({ status: 500, code: 'internal', message: 'Internal error' });
    }
    // Let a browser read the error when the origin is one some tenant allows.
    const origin = c.req.header('origin');
    const headers: Record<string, string> = { ...apiError.headers };
    if (
      origin &&
      c.req.path.startsWith('/v1/') &&
      (origin === ownOrigin ||
        (await services.tenants.allAllowedOrigins().catch(() => new Set<string>())).has(origin))
    ) {
      headers['Access-Control-Allow-Origin'] = origin;
      headers['Access-Control-Expose-Headers'] = 'Retry-After, X-Request-Id';
      headers.Vary = 'Origin';
    }
    return c.json(
      { error: { code: apiError.code, message: apiError.message, details: apiError.details } },
      apiError.status,
      headers,
    );
  });

  return app;
}

/** The Hono app type. */
export type App = ReturnType<typeof createApp>;
