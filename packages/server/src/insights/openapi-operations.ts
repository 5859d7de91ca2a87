// The insights routes in /openapi.json, built from the schemas that validate them.
import { z } from 'zod';
import type { DocumentedOperation } from '../privacy/openapi-operations.ts';
import { insightsQuerySchema, reviewPatchSchema } from '../routes/insights.ts';

const withheld = z.object({ suppressed: z.literal(true) });
const breakdownItem = z.union([
  z.object({ key: z.string().nullable(), count: z.number().int(), share: z.number() }),
  z.object({ key: z.string().nullable(), suppressed: z.literal(true) }),
]);
const reviewSchema = z.object({
  ai: z.object({ primaryReason: z.string(), regrettable: z.boolean() }),
  confirmed: z.object({ primaryReason: z.string(), regrettable: z.boolean() }),
  overridden: z.object({ primaryReason: z.boolean(), regrettable: z.boolean() }),
  reviewed: z.boolean(),
  history: z.array(
    z.object({
      primaryReason: z.string().nullable(),
      regrettable: z.boolean().nullable(),
      reviewer: z.string(),
      reviewedAt: z.string(),
    }),
  ),
});
const insightsResultSchema = z
  .object({
    query: z.record(z.string(), z.string().nullable()),
    thresholds: z.object({ minGroupSize: z.number().int(), quoteMinGroupSize: z.number().int() }),
    generatedAt: z.string(),
    view: z.object({
      state: z.enum(['shown', 'empty', 'suppressed']),
      interviews: z.number().int().optional(),
      reason: z.enum(['small-group', 'differencing']).optional(),
    }),
    reasons: z.array(breakdownItem).optional(),
    breakdowns: z.record(z.string(), z.array(breakdownItem)).optional(),
    trend: z
      .array(
        z.union([
          z.object({ month: z.string(), count: z.number().int() }),
          z.object({ month: z.string(), suppressed: z.literal(true) }),
        ]),
      )
      .optional(),
    themes: z
      .array(
        z.object({
          key: z.string(),
          count: z.number().int().optional(),
          quotes: z.union([z.array(z.string()), withheld]),
        }),
      )
      .optional(),
  })
  .describe('Withheld figures are { "suppressed": true }, never 0; see docs/insights.md for every field');
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(50_000).optional() });

/** Operations of the insights routes (issue 5). */
export const insightsOperations: DocumentedOperation[] = [
  {
    method: 'get',
    path: '/v1/admin/insights',
    tag: 'Insights',
    summary:
      'Aggregates of one view (period, department, location, level; `~` = not recorded) under the anonymity thresholds',
    security: 'adminToken',
    query: insightsQuerySchema,
    response: { status: 200, schema: insightsResultSchema },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/insights/export.csv',
    tag: 'Insights',
    summary: 'The same view as CSV (RFC 4180, formula cells neutralised, withheld cells say so)',
    security: 'adminToken',
    query: insightsQuerySchema,
    response: { status: 200, description: 'text/csv' },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/insights/interviews',
    tag: 'Insights',
    summary: 'Interviews with status, mode and confirmed reason (identity and confidential reports by role)',
    security: 'adminToken',
    query: listQuery,
    response: { status: 200 },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/insights/interviews.csv',
    tag: 'Insights',
    summary: 'The interview list as CSV',
    security: 'adminToken',
    query: listQuery,
    response: { status: 200, description: 'text/csv' },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/insights/interviews/{id}',
    tag: 'Insights',
    summary:
      'One interview with its report (AI-generated or offline) and HR review; 403 for analysts on confidential interviews',
    security: 'adminToken',
    response: { status: 200 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/interviews/{id}/review',
    tag: 'Insights',
    summary:
      "The report's own primary reason and regrettable flag, the confirmed values and the review history",
    security: 'adminToken',
    response: { status: 200, schema: reviewSchema },
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'patch',
    path: '/v1/admin/interviews/{id}/report',
    tag: 'Insights',
    summary:
      'Confirm or override the primary reason and the regrettable flag (admin role; null returns to the report value; audited)',
    security: 'adminToken',
    body: reviewPatchSchema,
    response: { status: 200, schema: reviewSchema },
    errors: [400, 401, 403, 404, 409, 429],
  },
];
