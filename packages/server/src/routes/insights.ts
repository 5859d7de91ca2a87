import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository.ts';
import { withTenant } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import { adminCredential, requireCredential } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { validate } from '../http/validation.ts';
import { type CubeFilters, filterDimensions, periodKind } from '../insights/cube.ts';
import {
  assertReportVisible,
  createInsightsService,
  type InsightsService,
  type Reviewer,
} from '../insights/insights.service.ts';
import type { Services } from '../services.ts';

/** The filter value that stands for "not recorded" (anonymous interviews, missing HRIS data). */
export const notRecordedParam = '~';

const filterValue = z.string().trim().min(1).max(200);

/** Query of `GET /v1/admin/insights`: period and filters; `~` filters for "not recorded". */
export const insightsQuerySchema = z.object({
  period: z
    .string()
    .default('all')
    .refine(
      (value) => periodKind(value) !== undefined,
      "must be 'all', a year (2025), a quarter (2025-Q3) or a month (2025-08)",
    ),
  department: filterValue.optional(),
  location: filterValue.optional(),
  level: filterValue.optional(),
  lang: z.enum(['en', 'de', 'fr', 'es']).default('en'),
});

/** `PATCH /v1/admin/interviews/:id/report` body: confirm or override; null returns to the report's value. */
export const reviewPatchSchema = z
  .object({
    primaryReason: z.string().min(1).max(60).nullable().optional(),
    regrettable: z.boolean().nullable().optional(),
  })
  .strict()
  .refine(
    (body) => body.primaryReason !== undefined || body.regrettable !== undefined,
    'give primaryReason or regrettable',
  );

const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(50_000).default(500) });
const idParamSchema = z.object({ id: z.uuid() });

function filtersOf(query: z.output<typeof insightsQuerySchema>): CubeFilters {
  const filters: CubeFilters = {};
  for (const dimension of filterDimensions) {
    const value = query[dimension];
    if (value !== undefined) filters[dimension] = value === notRecordedParam ? null : value;
  }
  return filters;
}

const csvHeaders = (name: string) => ({
  'Content-Type': 'text/csv; charset=utf-8',
  'Content-Disposition': `attachment; filename="${name}"`,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

/**
 * Insights routes, mounted at `/v1/admin` before the other admin routes: aggregates, exports, the
 * interview list with confirmed reasons, one interview's report with its review, and the review PATCH.
 * Each route carries its own auth middleware so the other admin routes are untouched.
 */
export function insightsRoutes(
  services: Services,
  insights: InsightsService = createInsightsService({ database: services.database }),
) {
  const app = new Hono<AppEnv>();
  const auth = requireCredential(services, 'admin');
  const reviewerOf = (c: Parameters<typeof adminCredential>[0]): Reviewer => {
    const credential = adminCredential(c);
    return { id: credential.subject, role: credential.role, requestId: c.get('requestId') };
  };

  app.get('/insights', auth, validate('query', insightsQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const result = await insights.insights(c.get('tenant'), {
      period: query.period,
      filters: filtersOf(query),
    });
    return c.json(result, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/insights/export.csv', auth, validate('query', insightsQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const tenant = c.get('tenant');
    const csv = await insights.insightsCsv(
      tenant,
      { period: query.period, filters: filtersOf(query) },
      query.lang,
    );
    await withTenant(services.database, tenant.id, (db) =>
      recordAudit(db, tenant.id, [
        {
          actorType: 'admin',
          actorId: reviewerOf(c).id,
          action: 'insights.export',
          requestId: c.get('requestId'),
          details: { period: query.period },
        },
      ]),
    );
    // c.body keeps the CORS headers the auth middleware set (a browser on the HR portal reads this).
    return c.body(`\uFEFF${csv}`, 200, csvHeaders(`exitbot-insights-${query.period}.csv`));
  });

  app.get('/insights/interviews', auth, validate('query', listQuerySchema), async (c) => {
    const { limit } = c.req.valid('query');
    const interviews = await insights.interviewList(c.get('tenant'), reviewerOf(c).role, limit);
    return c.json({ interviews }, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/insights/interviews.csv', auth, validate('query', listQuerySchema), async (c) => {
    const { limit } = c.req.valid('query');
    const tenant = c.get('tenant');
    const csv = await insights.interviewListCsv(tenant, reviewerOf(c).role, limit);
    await withTenant(services.database, tenant.id, (db) =>
      recordAudit(db, tenant.id, [
        {
          actorType: 'admin',
          actorId: reviewerOf(c).id,
          action: 'interviews.export',
          requestId: c.get('requestId'),
        },
      ]),
    );
    return c.body(`\uFEFF${csv}`, 200, csvHeaders('exitbot-interviews.csv'));
  });

  // One interview for the dashboard: the list entry, its report (AI or offline) and its review.
  app.get('/insights/interviews/:id', auth, validate('param', idParamSchema), async (c) => {
    const tenant = c.get('tenant');
    const { id } = c.req.valid('param');
    const reviewer = reviewerOf(c);
    const entry = await insights.interviewEntry(tenant, reviewer.role, id);
    if (!entry) throw notFound('Interview');
    assertReportVisible(entry.mode, reviewer.role);
    let report: unknown = null;
    let review: Awaited<ReturnType<InsightsService['review']>> | null = null;
    if (entry.report.status === 'ready') {
      // The interview service opens the sealed report and audits the read.
      const stored = await services.interviews
        .report(
          tenant,
          id,
          { type: 'admin', id: reviewer.id, requestId: c.get('requestId') },
          { identity: reviewer.role === 'admin' },
        )
        .catch((error: unknown) => {
          if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return null;
          throw error;
        });
      report = stored?.report ?? null;
      review = await insights.review(tenant, id, reviewer.role).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 409) return null;
        throw error;
      });
    }
    return c.json({ interview: entry, report, review }, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/interviews/:id/review', auth, validate('param', idParamSchema), async (c) =>
    c.json(await insights.review(c.get('tenant'), c.req.valid('param').id, reviewerOf(c).role)),
  );

  app.patch(
    '/interviews/:id/report',
    auth,
    validate('param', idParamSchema),
    validate('json', reviewPatchSchema),
    async (c) => {
      const body = c.req.valid('json');
      const review = await insights.updateReview(
        c.get('tenant'),
        c.req.valid('param').id,
        body,
        reviewerOf(c),
      );
      return c.json(review);
    },
  );

  return app;
}
