// The HRIS, webhook and privacy routes in /openapi.json (built from the schemas that validate them).
import { z } from 'zod';
import type { ApiKeyScope } from '../auth/api-key-scopes.ts';
import { bulkEventsSchema, employeeLeftEventSchema, reissueSchema } from '../hris/hris.schemas.ts';
import { auditLogQuerySchema, erasureSchema, exportSchema } from '../routes/privacy.ts';
import {
  createEndpointSchema,
  deliveriesQuerySchema,
  recoverSchema,
  updateEndpointSchema,
} from '../routes/webhooks.ts';

/** One documented operation (the shape `routes/openapi.ts` reads). */
export interface DocumentedOperation {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  security: 'interviewToken' | 'apiKey' | 'adminToken' | 'none';
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: { status: number; schema?: z.ZodType; description?: string };
  /** The scope an API key needs on this route (admin tokens need the admin role instead). */
  scope?: ApiKeyScope;
  errors: number[];
}

const eventOutcomeSchema = z.object({
  eventId: z.string(),
  outcome: z.enum(['created', 'updated', 'skipped', 'erased']),
  reason: z.string().nullable().describe('Why skipped: involuntary-termination, interview-exists'),
  duplicate: z.boolean().describe('The event id was seen before; nothing changed'),
  interview: z
    .object({
      interviewId: z.string(),
      status: z.string(),
      tokenVersion: z.number(),
      revokedAt: z.string().nullable(),
      inviteAt: z.string().nullable(),
      invitedAt: z.string().nullable(),
      remindAt: z.string().nullable(),
      remindedAt: z.string().nullable(),
      openedAt: z.string().nullable(),
      expiresAt: z.string(),
    })
    .nullable(),
  link: z.string().nullable().describe('<public url>/i#token=… while the interview is open'),
});

const both = ' (API key, or admin token with the admin role)';

/** Operations of issue 6. */
export const privacyOperations: DocumentedOperation[] = [
  {
    method: 'post',
    path: '/v1/hris/events',
    tag: 'HRIS',
    summary: `An "employee left" event: creates a scheduled interview, idempotent on eventId${both}`,
    security: 'apiKey',
    scope: 'interviews:write',
    body: employeeLeftEventSchema,
    response: {
      status: 201,
      schema: eventOutcomeSchema,
      description: 'Created (200 for a duplicate, skipped or updated event)',
    },
    errors: [400, 401, 403, 413, 429],
  },
  {
    method: 'post',
    path: '/v1/hris/events/bulk',
    tag: 'HRIS',
    summary: `Up to 500 "employee left" events, one outcome each${both}`,
    security: 'apiKey',
    scope: 'interviews:write',
    body: bulkEventsSchema,
    response: { status: 200, schema: z.object({ results: z.array(eventOutcomeSchema) }) },
    errors: [400, 401, 403, 413, 429],
  },
  {
    method: 'get',
    path: '/v1/hris/events/{eventId}',
    tag: 'HRIS',
    summary: `The recorded outcome of one event id${both}`,
    security: 'apiKey',
    scope: 'interviews:write',
    response: { status: 200, schema: eventOutcomeSchema },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/hris/interviews/{id}/invitation',
    tag: 'HRIS',
    summary: `Invitation state: schedule, token version, revoked, opened${both}`,
    security: 'apiKey',
    scope: 'interviews:write',
    response: { status: 200 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/hris/interviews/{id}/reissue',
    tag: 'HRIS',
    summary: `A new link; every older token stops working; reopens an expired interview${both}`,
    security: 'apiKey',
    scope: 'interviews:write',
    body: reissueSchema,
    response: { status: 200 },
    errors: [400, 401, 403, 404, 409, 429],
  },
  {
    method: 'post',
    path: '/v1/hris/interviews/{id}/revoke',
    tag: 'HRIS',
    summary: `Revoke every token of the interview at once${both}`,
    security: 'apiKey',
    scope: 'interviews:write',
    response: { status: 200 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/interview/session',
    tag: 'Employee',
    summary:
      "Exchange the link's token for a session token (the /i page does this and removes the token from the address bar)",
    security: 'interviewToken',
    response: {
      status: 200,
      schema: z.object({ token: z.string(), expiresAt: z.string(), interviewId: z.string() }),
    },
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'get',
    path: '/v1/webhooks/event-types',
    tag: 'Webhooks',
    summary: `The event types an endpoint can subscribe to${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 200, schema: z.object({ eventTypes: z.array(z.string()) }) },
    errors: [401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/webhooks/endpoints/{id}',
    tag: 'Webhooks',
    summary: `One endpoint (never its secret)${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 200 },
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/webhooks/endpoints',
    tag: 'Webhooks',
    summary: `The tenant's endpoints (never their secrets)${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 200 },
    errors: [401, 403, 429],
  },
  {
    method: 'post',
    path: '/v1/webhooks/endpoints',
    tag: 'Webhooks',
    summary: `Register an endpoint; its whsec_ secret is shown once${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    body: createEndpointSchema,
    response: { status: 201 },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'patch',
    path: '/v1/webhooks/endpoints/{id}',
    tag: 'Webhooks',
    summary: `Change url, events, description or enabled${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    body: updateEndpointSchema,
    response: { status: 200 },
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'delete',
    path: '/v1/webhooks/endpoints/{id}',
    tag: 'Webhooks',
    summary: `Delete an endpoint and its delivery history${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 204 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/webhooks/endpoints/{id}/rotate-secret',
    tag: 'Webhooks',
    summary: `A new secret (shown once); the old one keeps signing for 24 hours${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 200 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/webhooks/endpoints/{id}/test',
    tag: 'Webhooks',
    summary: `Queue a webhook.test event to this endpoint${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 202 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/webhooks/endpoints/{id}/recover',
    tag: 'Webhooks',
    summary: `Re-send every failed delivery since a time (after an outage)${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    body: recoverSchema,
    response: { status: 202 },
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/webhooks/deliveries',
    tag: 'Webhooks',
    summary: `Deliveries, newest first, with status and next attempt${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    query: deliveriesQuerySchema,
    response: { status: 200 },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/webhooks/deliveries/{id}',
    tag: 'Webhooks',
    summary: `One delivery with every attempt (status code, error, duration, response excerpt)${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 200 },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/webhooks/deliveries/{id}/resend',
    tag: 'Webhooks',
    summary: `Send a delivery again now, whatever its status${both}`,
    security: 'apiKey',
    scope: 'webhooks:manage',
    response: { status: 200 },
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'post',
    path: '/v1/privacy/erasures',
    tag: 'Privacy',
    summary: `Erase one interview, or every interview of one employee (HRIS employee id), everywhere${both}`,
    security: 'apiKey',
    scope: 'interviews:delete',
    body: erasureSchema,
    response: { status: 200 },
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/privacy/exports',
    tag: 'Privacy',
    summary: "An employee's own data as JSON (admin role; audited)",
    security: 'adminToken',
    body: exportSchema,
    response: { status: 200 },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/privacy/audit-log',
    tag: 'Privacy',
    summary: 'The audit log, newest first (admin role): reads, exports, erasures, settings changes',
    security: 'adminToken',
    query: auditLogQuerySchema,
    response: { status: 200 },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'post',
    path: '/v1/privacy/retention/run',
    tag: 'Privacy',
    summary:
      'Run the retention sweep of the tenant now: expire overdue interviews, purge expired data (admin role)',
    security: 'adminToken',
    response: { status: 200 },
    errors: [401, 403, 429],
  },
];
