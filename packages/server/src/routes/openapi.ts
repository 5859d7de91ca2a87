import { guideSchema } from '@exitbot/sdk';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiKeyScope } from '../auth/api-key-scopes.ts';
import type { AppEnv } from '../http/context.ts';
import {
  bulkCreateSchema,
  createApiKeySchema,
  createdInterviewSchema,
  createInterviewSchema,
  employeeInterviewSchema,
  errorSchema,
  interviewPageSchema,
  interviewSchema,
  issueAdminTokenSchema,
  issuedAdminTokenSchema,
  listQuerySchema,
  messagesPageSchema,
  messagesQuerySchema,
  postMessageResultSchema,
  postMessageSchema,
  registerKeySchema,
  reportResultSchema,
  settingsResultSchema,
  tenantSettingsPatchSchema,
  transcriptSchema,
} from '../http/schemas.ts';
import { insightsOperations } from '../insights/openapi-operations.ts';
import { privacyOperations } from '../privacy/openapi-operations.ts';

type Security = 'interviewToken' | 'apiKey' | 'adminToken' | 'none';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  security: Security;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: { status: number; schema?: z.ZodType; description?: string };
  sse?: boolean;
  /** API-key routes: the key scope the route requires (listed as the security requirement's role, 403 without). */
  scope?: ApiKeyScope;
  errors: number[];
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

const operations: Operation[] = [
  {
    method: 'get',
    path: '/v1/interview',
    tag: 'Employee',
    summary: 'The interview of the token: status, progress, transcript so far',
    security: 'interviewToken',
    response: { status: 200, schema: employeeInterviewSchema },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/interview/messages',
    tag: 'Employee',
    summary: 'Messages stored after sequence number `after` (resume after a disconnect)',
    security: 'interviewToken',
    query: messagesQuerySchema,
    response: { status: 200, schema: messagesPageSchema },
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/interview/messages',
    tag: 'Employee',
    summary:
      'Start, answer, decline or finish; the reply streams as Server-Sent Events with `Accept: text/event-stream`',
    security: 'interviewToken',
    body: postMessageSchema,
    response: { status: 200, schema: postMessageResultSchema },
    sse: true,
    errors: [400, 401, 403, 404, 409, 413, 429],
  },
  {
    method: 'post',
    path: '/v1/interviews',
    tag: 'Integrator',
    summary: 'Create an interview; returns its interview token and a link',
    security: 'apiKey',
    body: createInterviewSchema,
    response: { status: 201, schema: createdInterviewSchema },
    scope: 'interviews:write',
    errors: [400, 401, 403, 413, 429],
  },
  {
    method: 'post',
    path: '/v1/interviews/bulk',
    tag: 'Integrator',
    summary: 'Create up to 500 interviews in one transaction',
    security: 'apiKey',
    body: bulkCreateSchema,
    response: { status: 201, schema: z.object({ interviews: z.array(createdInterviewSchema) }) },
    scope: 'interviews:write',
    errors: [400, 401, 403, 413, 429],
  },
  {
    method: 'get',
    path: '/v1/interviews',
    tag: 'Integrator',
    summary: 'List interviews, newest first (keyset pagination with `cursor`)',
    security: 'apiKey',
    query: listQuerySchema,
    response: { status: 200, schema: interviewPageSchema },
    scope: 'interviews:read',
    errors: [400, 401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/interviews/{id}',
    tag: 'Integrator',
    summary: 'One interview',
    security: 'apiKey',
    response: { status: 200, schema: interviewSchema },
    scope: 'interviews:read',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/interviews/{id}/transcript',
    tag: 'Integrator',
    summary: 'The transcript with per-answer sentiment (audited)',
    security: 'apiKey',
    response: { status: 200, schema: transcriptSchema },
    scope: 'transcripts:read',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/interviews/{id}/report',
    tag: 'Integrator',
    summary: 'The report (404 with details.reportStatus until it is ready)',
    security: 'apiKey',
    response: { status: 200, schema: reportResultSchema },
    scope: 'reports:read',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'delete',
    path: '/v1/interviews/{id}',
    tag: 'Integrator',
    summary: 'Erase the interview: messages, report and identity are deleted, an audited tombstone stays',
    security: 'apiKey',
    response: { status: 204, description: 'Erased' },
    scope: 'interviews:delete',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/interviews',
    tag: 'Admin',
    summary: "The tenant's interviews (identity shown to admins in identified mode only)",
    security: 'adminToken',
    query: listQuerySchema,
    response: { status: 200, schema: interviewPageSchema },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/interviews/{id}',
    tag: 'Admin',
    summary: 'One interview; `transcript` for the admin role only (null for analysts)',
    security: 'adminToken',
    response: {
      status: 200,
      schema: z.object({
        interview: interviewSchema,
        transcript: transcriptSchema.shape.messages.nullable(),
      }),
    },
    errors: [400, 401, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/interviews/{id}/report',
    tag: 'Admin',
    summary: 'The report of one interview',
    security: 'adminToken',
    response: { status: 200, schema: reportResultSchema },
    errors: [400, 401, 404, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/settings',
    tag: 'Admin',
    summary: 'Tenant settings',
    security: 'adminToken',
    response: { status: 200, schema: settingsResultSchema },
    errors: [401, 429],
  },
  {
    method: 'patch',
    path: '/v1/admin/settings',
    tag: 'Admin',
    summary: 'Change tenant settings (admin role)',
    security: 'adminToken',
    body: tenantSettingsPatchSchema,
    response: { status: 200, schema: settingsResultSchema },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/guide',
    tag: 'Admin',
    summary: "The guide new interviews start on (the tenant's own, or the default), and the stored versions",
    security: 'adminToken',
    response: { status: 200 },
    errors: [401, 429],
  },
  {
    method: 'put',
    path: '/v1/admin/guide',
    tag: 'Admin',
    summary:
      "Upload the tenant's own guide (admin role): validated, stored as <id>@<version>, used by new interviews; running ones finish on their version",
    security: 'adminToken',
    body: guideSchema,
    response: { status: 200 },
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: 'delete',
    path: '/v1/admin/guide',
    tag: 'Admin',
    summary: 'Go back to the default guide for new interviews (admin role)',
    security: 'adminToken',
    response: { status: 200 },
    errors: [401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/keys',
    tag: 'Admin',
    summary: 'Signing keys (public parts): server keys and registered tenant keys (admin role)',
    security: 'adminToken',
    response: { status: 200 },
    errors: [401, 403, 429],
  },
  {
    method: 'post',
    path: '/v1/admin/keys',
    tag: 'Admin',
    summary: "Register the tenant's own public key (JWK) to sign interview tokens itself (admin role)",
    security: 'adminToken',
    body: registerKeySchema,
    response: { status: 201 },
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: 'delete',
    path: '/v1/admin/keys/{kid}',
    tag: 'Admin',
    summary: 'Revoke a registered tenant key at once; interview tokens it signed stop verifying (admin role)',
    security: 'adminToken',
    response: { status: 204, description: 'Removed' },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/admin/keys/rotate',
    tag: 'Admin',
    summary: 'Rotate the server signing key; old tokens keep verifying until they expire (admin role)',
    security: 'adminToken',
    response: { status: 201 },
    errors: [401, 403, 429],
  },
  {
    method: 'get',
    path: '/v1/admin/api-keys',
    tag: 'Admin',
    summary: 'API keys (prefix and scopes, never the key) (admin role)',
    security: 'adminToken',
    response: { status: 200 },
    errors: [401, 403, 429],
  },
  {
    method: 'post',
    path: '/v1/admin/api-keys',
    tag: 'Admin',
    summary:
      'Create an API key with the scopes it needs (all when omitted); the key is shown once (admin role)',
    security: 'adminToken',
    body: createApiKeySchema,
    response: { status: 201 },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'delete',
    path: '/v1/admin/api-keys/{id}',
    tag: 'Admin',
    summary: 'Revoke an API key (at once on this server, within 30 s on the others) (admin role)',
    security: 'adminToken',
    response: { status: 204, description: 'Revoked' },
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/v1/admin/tokens',
    tag: 'Admin',
    summary:
      'Issue an admin or analyst token (for a colleague, or a fresh one for yourself); audited with its subject (admin role)',
    security: 'adminToken',
    body: issueAdminTokenSchema,
    response: { status: 201, schema: issuedAdminTokenSchema },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'post',
    path: '/v1/admin/tokens/revoke',
    tag: 'Admin',
    summary:
      'Revoke every admin and analyst token of the tenant issued so far; the answer carries a fresh admin token for the caller (admin role)',
    security: 'adminToken',
    response: {
      status: 200,
      schema: issuedAdminTokenSchema.extend({ revokedBefore: z.iso.datetime() }),
    },
    errors: [401, 403, 429],
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    summary: 'The process answers',
    security: 'none',
    response: { status: 200 },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    summary: 'The database answers (503 otherwise)',
    security: 'none',
    response: { status: 200 },
    errors: [503],
  },
  ...privacyOperations,
  ...insightsOperations,
];

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request (details.issues names the fields)',
  401: 'Missing or invalid credentials',
  403: 'Origin not allowed for the tenant, role not allowed, or the API key lacks the scope (details.requiredScope)',
  404: 'Not found (also for another tenant’s resources)',
  409: 'Conflict (turn in progress, reply pending, interview closed, clientMessageId reused)',
  413: 'Body too large',
  429: 'Rate limited (Retry-After)',
  503: 'Database unavailable',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const parameters: unknown[] = [];
    for (const [, name] of operation.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push(
        name === 'id' ? idParameter : { name, in: 'path', required: true, schema: { type: 'string' } },
      );
    }
    if (operation.query) {
      const shape = jsonSchema(operation.query, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) {
        parameters.push({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema });
      }
    }
    const responses: Record<string, unknown> = {};
    const response = operation.response;
    if (response) {
      const content: Record<string, unknown> = {};
      if (response.schema) content['application/json'] = { schema: jsonSchema(response.schema, 'output') };
      if (operation.sse) {
        content['text/event-stream'] = {
          schema: {
            type: 'string',
            description:
              'Events `event: <type>` / `data: <JSON WireEvent>`: answer-accepted, question-start, question-delta…, question-end, topic-change, interview-end, reply-stored (or error)',
          },
        };
      }
      responses[String(response.status)] = {
        description: response.description ?? 'OK',
        ...(Object.keys(content).length > 0 ? { content } : {}),
      };
    }
    for (const status of operation.errors) {
      responses[String(status)] = {
        description: errorDescriptions[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[operation.path] ??= {};
    (paths[operation.path] as Record<string, unknown>)[operation.method] = {
      tags: [operation.tag],
      summary: operation.summary,
      ...(operation.scope
        ? { description: `Requires an API key with the scope \`${operation.scope}\`.` }
        : {}),
      security:
        operation.security === 'none'
          ? []
          : [{ [operation.security]: operation.scope ? [operation.scope] : [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ExitBot API',
      version: '0.1.0',
      description:
        'Confidential AI exit interviews. Errors are `{ "error": { "code", "message", "details" } }`. The tenant always comes from the credential.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: {
        interviewToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (typ exitbot-interview+jwt)' },
        adminToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (typ exitbot-admin+jwt)' },
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'exb_… API key' },
      },
    },
  };
}

/** Serves `/openapi.json` (built once). */
export function openApiRoutes() {
  const app = new Hono<AppEnv>();
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= buildOpenApiDocument();
    return c.json(document, 200, { 'Access-Control-Allow-Origin': '*' });
  });
  return app;
}
