// Privacy operations of a tenant: erasure (one interview or every interview of one employee), the
// employee's data export, the audit log, and the retention sweep (expire overdue interviews, delete
// transcripts and anonymise reports whose retention ran out) with its per-tenant schedule.
import { type AuditEntry, recordAudit } from '../audit/audit.repository.ts';
import { type Encryption, encryptionContexts } from '../crypto/encryption.ts';
import { anonymiseStoredReport, openReport } from '../crypto/report-sealing.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { AuditLogTable, OutboxRow } from '../db/database.ts';
import { withTenant, withWorker } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import { eraseInterview, expireInterviews, listMessages } from '../interviews/interview.repository.ts';
import type { Actor } from '../interviews/interview.service.ts';
import type { Logger } from '../logger.ts';
import { findReport } from '../reports/report.repository.ts';
import type { Tenant, TenantService } from '../tenants/tenant.service.ts';
import { listAuditEntries } from './audit-log.repository.ts';
import { type CachePurger, pruneCachePurges } from './cache-purges.ts';
import { scrubInterviewTraces } from './erasure.repository.ts';
import {
  anonymiseInterviews,
  claimPurgeCandidates,
  deleteTranscripts,
  findReports,
  replaceReport,
} from './retention.repository.ts';

/** Outbox topic of the per-tenant retention sweep. */
export const privacySweepTopic = 'privacy.sweep';

const dayMs = 86_400_000;

/** What to erase: one interview, or every interview of one employee (HRIS employee id). */
export type ErasureTarget = { interviewId: string } | { employeeExternalId: string };

/** Options of `createPrivacyService()`. */
export interface PrivacyServiceOptions {
  database: DatabaseHandle;
  encryption: Encryption;
  tenants: TenantService;
  logger: Logger;
  cachePurger?: CachePurger;
  /** Interviews purged per transaction. Default 100. */
  purgeBatchSize?: number;
  /** How often each tenant is swept. Default 15 minutes. */
  sweepIntervalMs?: number;
  now?: () => number;
}

function cursorOf(at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ a: at.toISOString(), i: id })).toString('base64url');
}

function parseCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { a: string; i: string };
    const at = new Date(parsed.a);
    if (Number.isNaN(at.getTime()) || typeof parsed.i !== 'string') throw new Error('bad cursor');
    return { at, id: parsed.i };
  } catch {
    throw new ApiError({ status: 400, code: 'invalid-request', message: 'Invalid cursor' });
  }
}

/** Erasure, export, audit log and retention. */
export type PrivacyService = ReturnType<typeof createPrivacyService>;

/** Creates the privacy service. */
export function createPrivacyService(options: PrivacyServiceOptions) {
  const { database, encryption, tenants, logger } = options;
  const now = options.now ?? Date.now;
  const batchSize = options.purgeBatchSize ?? 100;
  const sweepIntervalMs = options.sweepIntervalMs ?? 15 * 60_000;
  let sweepTimer: NodeJS.Timeout | undefined;

  const entry = (
    actor: Actor,
    action: string,
    targetId: string | null,
    details?: Record<string, unknown>,
  ): AuditEntry => ({
    actorType: actor.type,
    actorId: actor.id,
    action,
    targetType: targetId ? 'interview' : null,
    targetId,
    requestId: actor.requestId ?? null,
    details: details ?? null,
  });

  /** Expires overdue interviews and purges those whose retention ran out, in batches. */
  async function sweepTenant(
    tenantId: string,
  ): Promise<{ expired: number; purged: number; messagesDeleted: number }> {
    const tenant = await tenants.find(tenantId);
    if (!tenant) return { expired: 0, purged: 0, messagesDeleted: 0 };
    const retentionDays = tenant.settings.retentionDays;
    const expired = await withTenant(database, tenantId, (db) =>
      expireInterviews(db, tenantId, new Date(now())),
    );
    let purged = 0;
    let messagesDeleted = 0;
    for (;;) {
      const batch = await withTenant(database, tenantId, async (db) => {
        const at = new Date(now());
        const candidates = await claimPurgeCandidates(
          db,
          tenantId,
          new Date(now() - retentionDays * dayMs),
          batchSize,
        );
        if (candidates.length === 0) return { count: 0, messages: 0 };
        const ids = candidates.map((candidate) => candidate.id);
        const messages = await deleteTranscripts(db, tenantId, ids);
        const reports = await findReports(db, tenantId, ids);
        for (const report of reports) {
          await replaceReport(db, tenantId, report.interview_id, {
            ...anonymiseStoredReport(report.report, at),
          });
        }
        await anonymiseInterviews(db, tenantId, ids, at);
        await scrubInterviewTraces(db, tenantId, ids);
        const withReport = new Set(reports.map((report) => report.interview_id));
        await recordAudit(
          db,
          tenantId,
          ids.map((id) =>
            entry({ type: 'system', id: 'retention' }, 'retention.purge', id, {
              retentionDays,
              transcriptDeleted: true,
              reportAnonymised: withReport.has(id),
            }),
          ),
        );
        await pruneCachePurges(db, tenantId, new Date(now() - dayMs));
        return { count: ids.length, messages };
      });
      purged += batch.count;
      messagesDeleted += batch.messages;
      if (batch.count < batchSize) break;
    }
    if (purged > 0) {
      options.cachePurger?.applyLocal(tenantId);
      logger.info('retention purge', { tenantId, purged, messagesDeleted, retentionDays });
    }
    return { expired, purged, messagesDeleted };
  }

  /** Queues one sweep per tenant for the current interval (skipped when one is queued already). */
  async function queueSweeps(): Promise<number> {
    const bucket = `sweep-${Math.floor(now() / sweepIntervalMs)}`;
    return withWorker(database, async (db) => {
      const result = await db
        .insertInto('outbox')
        .columns(['tenant_id', 'topic', 'key', 'payload'])
        .expression((eb) =>
          eb
            .selectFrom('tenants as t')
            .select((inner) => [
              't.id',
              inner.val(privacySweepTopic).as('topic'),
              inner.val(bucket).as('key'),
              inner.val('{}').as('payload'),
            ])
            .where((inner) =>
              inner.not(
                inner.exists(
                  inner
                    .selectFrom('outbox as o')
                    .select('o.id')
                    .whereRef('o.tenant_id', '=', 't.id')
                    .where('o.topic', '=', privacySweepTopic)
                    .where('o.key', '=', bucket),
                ),
              ),
            ),
        )
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    });
  }

  return {
    /**
     * Erases one interview or all interviews of one employee: transcript, report, state, identity,
     * webhook messages, outbox jobs, HRIS links and cached data everywhere; audited per interview.
     */
    async erase(tenant: Tenant, target: ErasureTarget, actor: Actor) {
      const at = new Date(now());
      const result = await withTenant(database, tenant.id, async (db) => {
        let query = db.selectFrom('interviews').select(['id', 'status']).where('tenant_id', '=', tenant.id);
        query =
          'interviewId' in target
            ? query.where('id', '=', target.interviewId)
            : query.where('employee_external_id', '=', target.employeeExternalId);
        const rows = await query.forUpdate().execute();
        if ('interviewId' in target && rows.length === 0) throw notFound('Interview');
        const erased: string[] = [];
        for (const row of rows) {
          if (await eraseInterview(db, tenant.id, row.id, at)) erased.push(row.id);
        }
        const already = rows.filter((row) => row.status === 'erased').map((row) => row.id);
        if (already.length > 0) await scrubInterviewTraces(db, tenant.id, already);
        await recordAudit(db, tenant.id, [
          ...erased.map((id) =>
            entry(actor, 'interview.erase', id, {
              scope: 'interviewId' in target ? 'interview' : 'employee',
            }),
          ),
          ...('employeeExternalId' in target && rows.length === 0
            ? [entry(actor, 'privacy.erase.none-found', null, { scope: 'employee' })]
            : []),
        ]);
        return { erased, alreadyErased: already };
      });
      options.cachePurger?.applyLocal(tenant.id);
      return { erasedInterviewIds: result.erased, alreadyErasedInterviewIds: result.alreadyErased };
    },

    /** Everything stored about one employee (by HRIS employee id) as JSON; audited. */
    async exportEmployee(tenant: Tenant, employeeExternalId: string, actor: Actor) {
      const cipher = await encryption.forTenant(tenant.id);
      return withTenant(database, tenant.id, async (db) => {
        const interviews = await db
          .selectFrom('interviews')
          .selectAll()
          .where('tenant_id', '=', tenant.id)
          .where('employee_external_id', '=', employeeExternalId)
          .orderBy('created_at')
          .execute();
        const exported = [];
        for (const row of interviews) {
          const messages = await listMessages(db, tenant.id, row.id, 0, 100_000);
          const report = await findReport(db, tenant.id, row.id);
          const hrisEvents = await db
            .selectFrom('hris_events')
            .select(['event_id', 'outcome', 'received_at'])
            .where('tenant_id', '=', tenant.id)
            .where('interview_id', '=', row.id)
            .orderBy('received_at')
            .execute();
          const notifications = await db
            .selectFrom('webhook_messages')
            .select(['event_type', 'created_at'])
            .where('tenant_id', '=', tenant.id)
            .where('interview_id', '=', row.id)
            .orderBy('created_at')
            .execute();
          exported.push({
            id: row.id,
            status: row.status,
            mode: row.mode,
            locale: row.locale,
            employee: {
              externalId: row.employee_external_id,
              name: row.employee_name,
              email: row.employee_email,
            },
            attributes: {
              department: row.department,
              location: row.location,
              level: row.level,
              tenureMonths: row.tenure_months,
              terminationType: row.termination_type,
              lastDay: row.last_day,
            },
            timeline: {
              createdAt: row.created_at.toISOString(),
              invitedAt: row.invited_at?.toISOString() ?? null,
              remindedAt: row.reminded_at?.toISOString() ?? null,
              openedAt: row.opened_at?.toISOString() ?? null,
              startedAt: row.started_at?.toISOString() ?? null,
              endedAt: row.ended_at?.toISOString() ?? null,
              expiresAt: row.expires_at.toISOString(),
              purgedAt: row.purged_at?.toISOString() ?? null,
            },
            transcript: messages.map((message) => ({
              seq: message.seq,
              role: message.role,
              kind: message.kind,
              topicId: message.topic_id,
              text: cipher.open(message.text, encryptionContexts.messageText(row.id, message.seq)),
              at: message.created_at.toISOString(),
              ...(message.sentiment_label
                ? { sentiment: { score: message.sentiment_score, label: message.sentiment_label } }
                : {}),
            })),
            report: report ? openReport(cipher, row.id, report.report) : null,
            hrisEvents: hrisEvents.map((event) => ({
              eventId: event.event_id,
              outcome: event.outcome,
              receivedAt: event.received_at.toISOString(),
            })),
            notifications: notifications.map((message) => ({
              eventType: message.event_type,
              at: message.created_at.toISOString(),
            })),
          });
        }
        await recordAudit(db, tenant.id, [
          ...exported.map((item) => entry(actor, 'privacy.export', item.id, { scope: 'employee' })),
          ...(exported.length === 0
            ? [entry(actor, 'privacy.export', null, { scope: 'employee', interviews: 0 })]
            : []),
        ]);
        return {
          exportedAt: new Date(now()).toISOString(),
          tenant: { id: tenant.id, name: tenant.name },
          employee: { externalId: employeeExternalId },
          note: 'Interviews in anonymous mode are not linked to an employee and cannot be part of this export; erased interviews hold nothing.',
          interviews: exported,
        };
      });
    },

    /** A page of the tenant's audit log, newest first. */
    async auditLog(
      tenant: Tenant,
      query: {
        action?: string;
        actorType?: AuditLogTable['actor_type'];
        actorId?: string;
        targetType?: string;
        targetId?: string;
        since?: string;
        until?: string;
        cursor?: string;
        limit: number;
      },
    ) {
      const rows = await withTenant(database, tenant.id, (db) =>
        listAuditEntries(db, tenant.id, {
          ...query,
          since: query.since ? new Date(query.since) : undefined,
          until: query.until ? new Date(query.until) : undefined,
          before: parseCursor(query.cursor),
          limit: query.limit + 1,
        }),
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        entries: page.map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          actor: { type: row.actor_type, id: row.actor_id },
          action: row.action,
          target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
          requestId: row.request_id,
          details: row.details,
        })),
        nextCursor: rows.length > query.limit && last ? cursorOf(last.at, last.id) : null,
      };
    },

    sweepTenant,
    queueSweeps,

    /** The outbox handler of `privacy.sweep`. */
    sweepJob: async (job: OutboxRow): Promise<void> => {
      await sweepTenant(job.tenant_id);
    },

    /** Queues sweeps now and then every interval (each replica; the outbox keeps one per tenant and interval). */
    startSchedule(onQueued?: () => void): void {
      if (sweepTimer) return;
      const tick = () =>
        queueSweeps()
          .then((count) => {
            if (count > 0) onQueued?.();
          })
          .catch((error) => logger.warn('queueing retention sweeps failed', { error }));
      void tick();
      sweepTimer = setInterval(tick, Math.min(sweepIntervalMs, 60_000));
      sweepTimer.unref();
    },

    /** Stops queueing sweeps. */
    stopSchedule(): void {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
    },
  };
}
