// Request and response schemas of the HTTP API: used to validate requests and to build /openapi.json.
import { z } from 'zod';
import { apiKeyScopes } from '../auth/api-key-scopes.ts';
import { tenantSettingsPatchSchema, tenantSettingsSchema } from '../tenants/tenant-settings.ts';

/** `POST /v1/interview/messages` body. */
export const postMessageSchema = z
  .object({
    clientMessageId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters of A-Z, a-z, 0-9, _ and -')
      .describe(
        'Idempotency key chosen by the client; the same id twice stores the message once and replays the reply',
      ),
    type: z.enum(['start', 'answer', 'decline', 'finish']),
    text: z.string().max(4000).optional().describe('The answer (type answer only), 1-4000 characters'),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.type === 'answer' && (!body.text || body.text.trim().length === 0)) {
      context.addIssue({
        code: 'custom',
        path: ['text'],
        message: 'is required for an answer (1-4000 characters)',
      });
    }
    if (body.type !== 'answer' && body.text !== undefined) {
      context.addIssue({ code: 'custom', path: ['text'], message: 'is only allowed for type answer' });
    }
  });

/** `GET /v1/interview/messages` query. */
export const messagesQuerySchema = z.object({
  after: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** One interview to create. */
export const createInterviewSchema = z
  .object({
    mode: z
      .enum(['identified', 'confidential', 'anonymous'])
      .optional()
      .describe('Default: the tenant default mode'),
    locale: z.enum(['en', 'de', 'fr', 'es']).optional().describe('Default: the tenant default locale'),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    expiresInDays: z.number().int().min(1).max(365).optional(),
    employee: z
      .object({
        externalId: z.string().min(1).max(200).optional(),
        name: z.string().min(1).max(200).optional(),
      })
      .strict()
      .optional()
      .describe('Not stored in anonymous mode'),
    attributes: z
      .object({
        department: z.string().min(1).max(200).optional(),
        location: z.string().min(1).max(200).optional(),
        level: z.string().min(1).max(100).optional(),
        tenureMonths: z.number().int().min(0).max(1200).optional(),
        terminationType: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe('e.g. voluntary, involuntary, retirement, end-of-contract'),
        lastDay: dateOnly.optional(),
      })
      .strict()
      .optional()
      .describe('HRIS attributes; not stored in anonymous mode'),
  })
  .strict()
  .refine((body) => !(body.expiresAt && body.expiresInDays), {
    message: 'give expiresAt or expiresInDays, not both',
  });

/** `POST /v1/interviews/bulk` body. */
export const bulkCreateSchema = z
  .object({ interviews: z.array(createInterviewSchema).min(1).max(500) })
  .strict();

/** `GET /v1/interviews` and `GET /v1/admin/interviews` query. */
export const listQuerySchema = z.object({
  status: z.enum(['invited', 'active', 'ending', 'completed', 'expired', 'erased']).optional(),
  department: z.string().min(1).max(200).optional(),
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Path parameter `:id`. */
export const idParamSchema = z.object({ id: z.uuid() });

/** `POST /v1/admin/keys` body: a tenant's own public key for interview tokens. */
export const registerKeySchema = z
  .object({
    jwk: z.record(z.string(), z.unknown()),
    alg: z.enum(['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256']),
    kid: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/)
      .optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** `POST /v1/admin/api-keys` body. */
export const createApiKeySchema = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z
      .array(z.enum(apiKeyScopes))
      .min(1)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'each scope once')
      .optional()
      .describe('What the key may do; all of them when omitted. Give an HRIS connector only what it needs.'),
  })
  .strict();

/** Error answer. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
});

/** One transcript entry. */
export const transcriptEntrySchema = z.object({
  seq: z.number().int(),
  role: z.enum(['interviewer', 'employee']),
  kind: z.string(),
  text: z.string(),
  topicId: z.string().nullable(),
  at: z.string(),
  degraded: z.boolean().optional(),
  clientMessageId: z.string().optional(),
  sentiment: z.object({ score: z.number(), label: z.enum(['negative', 'neutral', 'positive']) }).optional(),
});

const progressSchema = z.object({
  covered: z.number(),
  total: z.number(),
  currentTopicId: z.string().nullable(),
});

/** `GET /v1/interview` answer. */
export const employeeInterviewSchema = z.object({
  interview: z.object({
    id: z.string(),
    status: z.enum(['invited', 'active', 'completed', 'expired']),
    mode: z.enum(['identified', 'confidential', 'anonymous']),
    locale: z.string(),
    progress: progressSchema,
    estimatedMinutes: z.number(),
  }),
  messages: z.array(transcriptEntrySchema),
});

/** `GET /v1/interview/messages` answer. */
export const messagesPageSchema = z.object({
  messages: z.array(transcriptEntrySchema),
  status: z.enum(['invited', 'active', 'completed', 'expired']),
});

/** A wire event (SSE `data:` or an element of `events`). */
export const wireEventSchema = z
  .object({ type: z.string() })
  .passthrough()
  .describe(
    'answer-accepted | question-start | question-delta | question-end | topic-change | interview-end | reply-stored | error (see @exitbot/sdk protocol)',
  );

/** JSON answer of `POST /v1/interview/messages` without `Accept: text/event-stream`. */
export const postMessageResultSchema = z.object({
  accepted: wireEventSchema.nullable(),
  events: z.array(wireEventSchema),
});

/** The interview as integrators and admins see it. */
export const interviewSchema = z.object({
  id: z.string(),
  status: z.enum(['invited', 'active', 'ending', 'completed', 'expired', 'erased']),
  mode: z.enum(['identified', 'confidential', 'anonymous']),
  locale: z.string(),
  employee: z.object({ externalId: z.string().nullable(), name: z.string().nullable() }).nullable(),
  attributes: z
    .object({
      department: z.string().nullable(),
      location: z.string().nullable(),
      level: z.string().nullable(),
      tenureMonths: z.number().nullable(),
      terminationType: z.string().nullable(),
      lastDay: z.string().nullable(),
    })
    .nullable(),
  progress: progressSchema.optional(),
  messageCount: z.number(),
  report: z.object({ status: z.enum(['none', 'pending', 'ready', 'failed']) }),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  expiresAt: z.string(),
  erasedAt: z.string().nullable(),
});

/** A created interview with its token and link. */
export const createdInterviewSchema = z.object({
  interview: interviewSchema,
  token: z.string(),
  link: z.string(),
});

/** A page of interviews. */
export const interviewPageSchema = z.object({
  interviews: z.array(interviewSchema),
  nextCursor: z.string().nullable(),
});

/** A transcript. */
export const transcriptSchema = z.object({
  interviewId: z.string(),
  status: z.string(),
  messages: z.array(transcriptEntrySchema),
});

/** A stored report. */
export const reportResultSchema = z.object({
  interviewId: z.string(),
  source: z.string(),
  createdAt: z.string(),
  report: z.record(z.string(), z.unknown()),
});

/** Tenant settings answer. */
export const settingsResultSchema = z.object({
  tenant: z.object({ id: z.string(), name: z.string() }),
  settings: tenantSettingsSchema,
});

export { tenantSettingsPatchSchema, tenantSettingsSchema };

/** An admin token to issue (`POST /v1/admin/tokens`). */
export const issueAdminTokenSchema = z
  .object({
    role: z
      .enum(['admin', 'analyst'])
      .describe('analyst: dashboards and reports; admin: also transcripts and settings'),
    subject: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe(
        'Who the token is for (an e-mail address or user id of your HR portal); kept in the audit log',
      ),
    ttlHours: z.number().int().min(1).max(168).optional().describe('Default: EXITBOT_ADMIN_TOKEN_TTL_HOURS'),
  })
  .strict();

/** An issued admin token (`POST /v1/admin/tokens`). */
export const issuedAdminTokenSchema = z.object({
  token: z.string(),
  role: z.enum(['admin', 'analyst']),
  subject: z.string(),
  expiresAt: z.iso.datetime(),
  adminUrl: z.string().describe('The HR admin page with this token'),
});
