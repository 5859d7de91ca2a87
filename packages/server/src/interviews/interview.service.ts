import { randomUUID } from 'node:crypto';
import { createRedactor, type Guide, type InterviewState, type Locale } from '@exitbot/sdk';
import { type AuditEntry, recordAudit } from '../audit/audit.repository.ts';
import type { TokenService } from '../auth/token.service.ts';
import { type Encryption, isSealed } from '../crypto/encryption.ts';
import { openReport } from '../crypto/report-sealing.ts';
import { openMessage, openState } from '../crypto/row-sealing.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { InterviewStatus, NewInterview } from '../db/database.ts';
import { withTenant } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import { findReport } from '../reports/report.repository.ts';
import type { Tenant } from '../tenants/tenant.service.ts';
import { activeGuide, tenantGuide } from '../tenants/tenant-guides.ts';
import {
  eraseInterview,
  findInterview,
  type InterviewSummaryRow,
  insertInterviews,
  listInterviews,
  listMessages,
} from './interview.repository.ts';
import {
  employeeStatus,
  interviewView,
  progressOf,
  shownTime,
  transcriptEntry,
  transcriptEntryWithSentiment,
} from './interview.views.ts';

/** Associated data of sealed list cursors. */
const listCursorContext = 'interview-list-cursor';

/** What an integrator sends to create one interview. */
export interface CreateInterviewInput {
  mode?: 'identified' | 'confidential' | 'anonymous';
  locale?: Locale;
  expiresAt?: string;
  expiresInDays?: number;
  employee?: { externalId?: string; name?: string };
  attributes?: {
    department?: string;
    location?: string;
    level?: string;
    tenureMonths?: number;
    terminationType?: string;
    lastDay?: string;
  };
}

/** Who is acting, for the audit log. */
export interface Actor {
  type: AuditEntry['actorType'];
  id: string | null;
  requestId?: string;
}

/** Options of `createInterviewService()`. */
export interface InterviewServiceOptions {
  database: DatabaseHandle;
  tokens: TokenService;
  /** Opens message text, state and reports (per-tenant data key). */
  encryption: Encryption;
  publicUrl: string;
  defaultTtlDays: number;
  now?: () => number;
}

const dayMs = 86_400_000;
/** The guide an interview runs on: its state's guide once started, else the tenant's active guide. */
function guideOf(tenant: Tenant, state: unknown): Guide {
  const started = state as InterviewState | null;
  return (started && tenantGuide(tenant.settings, started.guideId)) || activeGuide(tenant.settings);
}

/** Creating, listing, reading and erasing interviews (every call scoped to one tenant). */
export type InterviewService = ReturnType<typeof createInterviewService>;

/** Creates the interview service. */
export function createInterviewService(options: InterviewServiceOptions) {
  const { database, tokens } = options;
  const now = options.now ?? Date.now;

  function toRow(tenant: Tenant, input: CreateInterviewInput): NewInterview {
    const mode = input.mode ?? tenant.settings.defaultMode;
    const anonymous = mode === 'anonymous';
    const expiresAt = input.expiresAt
      ? new Date(input.expiresAt)
      : new Date(now() + (input.expiresInDays ?? options.defaultTtlDays) * dayMs);
    if (expiresAt.getTime() <= now()) {
      throw new ApiError({
        status: 400,
        code: 'invalid-request',
        message: 'expiresAt must be in the future',
      });
    }
    const attributes = anonymous ? undefined : input.attributes;
    return {
      id: randomUUID(),
      tenant_id: tenant.id,
      status: 'invited',
      mode,
      locale: input.locale ?? tenant.settings.defaultLocale,
      employee_external_id: anonymous ? null : (input.employee?.externalId ?? null),
      employee_name: anonymous ? null : (input.employee?.name ?? null),
      department: attributes?.department ?? null,
      location: attributes?.location ?? null,
      level: attributes?.level ?? null,
      tenure_months: attributes?.tenureMonths ?? null,
      termination_type: attributes?.terminationType ?? null,
      last_day: attributes?.lastDay ?? null,
      state: null,
      turn_reply_to: null,
      turn_locked_until: null,
      expires_at: expiresAt,
    };
  }

  async function withToken(tenant: Tenant, row: InterviewSummaryRow) {
    const token = await tokens.issueInterviewToken({
      tenantId: tenant.id,
      interviewId: row.id,
      expiresAt: row.expires_at,
      version: row.token_version,
    });
    return {
      interview: interviewView(row, { identity: true, now: now() }),
      token,
      link: `${options.publicUrl}/i#token=${token}`,
    };
  }

  return {
    /** Creates interviews (one transaction) and signs an interview token for each. */
    async create(tenant: Tenant, inputs: CreateInterviewInput[], actor: Actor) {
      const rows = inputs.map((input) => toRow(tenant, input));
      const inserted = await withTenant(database, tenant.id, async (db) => {
        const result = await insertInterviews(db, rows);
        await recordAudit(
          db,
          tenant.id,
          // An anonymous interview's entry names neither it nor the request (with the time, they would
          // tie it to the integrator's record of whom it was created for).
          result.map((row) => ({
            actorType: actor.type,
            actorId: actor.id,
            action: 'interview.create',
            targetType: row.mode === 'anonymous' ? null : 'interview',
            targetId: row.mode === 'anonymous' ? null : row.id,
            requestId: row.mode === 'anonymous' ? null : (actor.requestId ?? null),
            details: { mode: row.mode },
          })),
        );
        return result;
      });
      return Promise.all(inserted.map((row) => withToken(tenant, row)));
    },

    /** A page of the tenant's interviews, newest first. */
    async list(
      tenant: Tenant,
      query: {
        status?: InterviewStatus;
        department?: string;
        createdAfter?: Date;
        createdBefore?: Date;
        cursor?: string;
        limit: number;
      },
      view: { identity: boolean },
    ) {
      // The cursor holds the last row's exact creation time: sealed, so that it tells nothing (an anonymous
      // interview's time is shown by month only).
      const cipher = await options.encryption.forTenant(tenant.id);
      let before: { createdAt: Date; id: string } | undefined;
      if (query.cursor) {
        try {
          if (!isSealed(query.cursor)) throw new Error('bad cursor');
          const parsed = cipher.openJson<{ c: string; i: string }>(query.cursor, listCursorContext);
          before = { createdAt: new Date(parsed.c), id: parsed.i };
          if (Number.isNaN(before.createdAt.getTime()) || typeof before.id !== 'string')
            throw new Error('bad cursor');
        } catch {
          throw new ApiError({ status: 400, code: 'invalid-request', message: 'Invalid cursor' });
        }
      }
      const rows = await withTenant(database, tenant.id, (db) =>
        listInterviews(db, tenant.id, { ...query, before, limit: query.limit + 1 }),
      );
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        interviews: page.map((row) =>
          interviewView(row, { identity: view.identity && row.mode === 'identified', now: now() }),
        ),
        nextCursor:
          rows.length > query.limit && last
            ? cipher.sealJson({ c: last.listed_at.toISOString(), i: last.id }, listCursorContext)
            : null,
      };
    },

    /** One interview with its progress; 404 when the tenant has no such interview. */
    async get(tenant: Tenant, id: string, view: { identity: boolean }) {
      const cipher = await options.encryption.forTenant(tenant.id);
      const row = await withTenant(database, tenant.id, (db) => findInterview(db, tenant.id, id));
      if (!row) throw notFound('Interview');
      const state = openState(cipher, id, row.state);
      return interviewView(row, {
        identity: view.identity && row.mode === 'identified',
        now: now(),
        progress: progressOf(state, guideOf(tenant, state).topics.length),
      });
    },

    /** The full transcript with per-answer sentiment; the read is audited. */
    async transcript(tenant: Tenant, id: string, actor: Actor) {
      const cipher = await options.encryption.forTenant(tenant.id);
      return withTenant(database, tenant.id, async (db) => {
        const row = await findInterview(db, tenant.id, id);
        if (!row) throw notFound('Interview');
        const messages = await listMessages(db, tenant.id, id, 0, 10_000);
        await recordAudit(db, tenant.id, [
          {
            actorType: actor.type,
            actorId: actor.id,
            action: 'interview.transcript.read',
            targetType: 'interview',
            targetId: id,
            requestId: actor.requestId ?? null,
          },
        ]);
        return {
          interviewId: id,
          status: row.status,
          messages: messages.map((message) =>
            transcriptEntryWithSentiment(openMessage(cipher, message), row.mode === 'anonymous'),
          ),
        };
      });
    },

    /**
     * The stored report; 404 when there is no interview or no report yet. The read is audited when `actor` is
     * given. `identity: false` (analysts) replaces the employee's name and id, and any e-mail address, phone
     * number or link in the report's text, by placeholders.
     */
    async report(
      tenant: Tenant,
      id: string,
      actor?: Actor,
      view: { identity: boolean } = { identity: true },
    ) {
      const cipher = await options.encryption.forTenant(tenant.id);
      return withTenant(database, tenant.id, async (db) => {
        const row = await findInterview(db, tenant.id, id);
        if (!row) throw notFound('Interview');
        const report = await findReport(db, tenant.id, id);
        if (!report) {
          throw new ApiError({
            status: 404,
            code: 'not-found',
            message: 'The report is not ready',
            details: { reportStatus: row.report_status },
          });
        }
        if (actor) {
          await recordAudit(db, tenant.id, [
            {
              actorType: actor.type,
              actorId: actor.id,
              action: 'report.read',
              targetType: 'interview',
              targetId: id,
              requestId: actor.requestId ?? null,
            },
          ]);
        }
        const anonymous = row.mode === 'anonymous';
        const opened = openReport(cipher, id, report.report);
        const dated = anonymous ? monthOnlyTimes(opened) : opened;
        return {
          interviewId: id,
          source: report.source,
          createdAt: shownTime(report.created_at, anonymous),
          report: view.identity
            ? dated
            : withoutIdentity(dated, [row.employee_name, row.employee_external_id]),
        };
      });
    },

    /** Erases the interview's content and identity (right to erasure); keeps an audited tombstone. */
    async erase(tenant: Tenant, id: string, actor: Actor): Promise<void> {
      await withTenant(database, tenant.id, async (db) => {
        const row = await findInterview(db, tenant.id, id);
        if (!row) throw notFound('Interview');
        await eraseInterview(db, tenant.id, id, new Date(now()));
        await recordAudit(db, tenant.id, [
          {
            actorType: actor.type,
            actorId: actor.id,
            action: 'interview.erase',
            targetType: 'interview',
            targetId: id,
            requestId: actor.requestId ?? null,
          },
        ]);
      });
    },

    /** The employee's view: status, progress, transcript. */
    async employeeView(tenant: Tenant, id: string) {
      const cipher = await options.encryption.forTenant(tenant.id);
      return withTenant(database, tenant.id, async (db) => {
        const row = await findInterview(db, tenant.id, id);
        if (!row || row.status === 'erased') throw notFound('Interview');
        const messages = await listMessages(db, tenant.id, id, 0, 10_000);
        const state = openState(cipher, id, row.state);
        const guide = guideOf(tenant, state);
        return {
          interview: {
            id: row.id,
            status: employeeStatus(row, now()),
            mode: row.mode,
            locale: row.locale,
            progress: progressOf(state, guide.topics.length),
            estimatedMinutes: guide.budget.targetMinutes,
          },
          messages: messages.map((message) => transcriptEntry(openMessage(cipher, message))),
        };
      });
    },

    /** Messages after `after`, for a client that reconnects. */
    async employeeMessages(tenant: Tenant, id: string, after: number) {
      const cipher = await options.encryption.forTenant(tenant.id);
      return withTenant(database, tenant.id, async (db) => {
        const row = await db
          .selectFrom('interviews')
          .select(['status', 'expires_at'])
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row || row.status === 'erased') throw notFound('Interview');
        const messages = await listMessages(db, tenant.id, id, after, 1000);
        return {
          messages: messages.map((message) => transcriptEntry(openMessage(cipher, message))),
          status: employeeStatus(row, now()),
        };
      });
    },
  };
}

/** Report fields that are never free text (ids, enums, dates, numbers): left as they are. */
const reportKeysNotText = new Set([
  'interviewId',
  'locale',
  'source',
  'generatedAt',
  'anonymisedAt',
  'reason',
  'topicId',
  'label',
  'sentiment',
  'wouldReturn',
  'wouldRecommend',
  'model',
  'likely',
  'degraded',
]);

/**
 * The report with every text redacted (the employee's name and id, e-mail addresses, phone numbers, links)
 * except the fields known not to be text: a text field added later is redacted too.
 */
function withoutIdentity(report: Record<string, unknown>, identity: ReadonlyArray<string | null>) {
  const redactor = createRedactor({ names: identity.filter((value): value is string => Boolean(value)) });
  const redact = (value: unknown, key?: string): unknown => {
    if (key !== undefined && reportKeysNotText.has(key)) return value;
    if (typeof value === 'string') return redactor.redact(value);
    if (Array.isArray(value)) return value.map((item) => redact(item));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([inner, item]) => [inner, redact(item, inner)]));
    return value;
  };
  return redact(report) as Record<string, unknown>;
}

/** An anonymous interview's report with every time (`generatedAt`, `anonymisedAt`, ...) by month only. */
function monthOnlyTimes(report: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(report).map(([key, value]) =>
      key.endsWith('At') && typeof value === 'string' && /^\d{4}-\d{2}-/.test(value)
        ? [key, value.slice(0, 7)]
        : [key, value],
    ),
  );
}
