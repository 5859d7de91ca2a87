import type { Encryption } from '../crypto/encryption.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { OutboxRow } from '../db/database.ts';
import { withTenant } from '../db/scope.ts';
import { shownTime } from '../interviews/interview.views.ts';
import { queueWebhookEvent, type WebhookEventType, webhookEventTypes } from './webhook-events.ts';

const knownTypes = new Set<string>(webhookEventTypes);

/**
 * The outbox handler of `webhook.event` (queued by the interviews trigger when a status changes):
 * describes the interview as it is now and queues one delivery per subscribed endpoint.
 */
export function createWebhookEventHandler(options: {
  database: DatabaseHandle;
  encryption: Encryption;
  onQueued?: () => void;
}) {
  const { database, encryption } = options;
  return async (job: OutboxRow): Promise<void> => {
    const type = String(job.payload.type ?? '');
    const interviewId = String(job.payload.interviewId ?? '');
    if (!knownTypes.has(type)) throw new Error(`Unknown webhook event type ${type}`);
    const cipher = await encryption.forTenant(job.tenant_id);
    const queued = await withTenant(database, job.tenant_id, async (db) => {
      const row = await db
        .selectFrom('interviews')
        .select([
          'id',
          'status',
          'mode',
          'locale',
          'employee_external_id',
          'started_at',
          'ended_at',
          'expires_at',
          'erased_at',
          'report_status',
        ])
        .where('tenant_id', '=', job.tenant_id)
        .where('id', '=', interviewId)
        .executeTakeFirst();
      // An anonymous interview's times go out by month, as the API shows them: exact times could be matched
      // with HRIS records.
      const anonymous = row?.mode === 'anonymous';
      const occurredAt = typeof job.payload.occurredAt === 'string' ? new Date(job.payload.occurredAt) : null;
      const data: Record<string, unknown> = {
        interviewId,
        occurredAt: shownTime(
          occurredAt && !Number.isNaN(occurredAt.getTime()) ? occurredAt : job.created_at,
          anonymous,
        ),
      };
      if (row) {
        // No current status: by the time this runs the interview may have moved on (see occurredAt).
        Object.assign(data, { mode: row.mode, locale: row.locale });
        if (type === 'interview.started') data.startedAt = shownTime(row.started_at, anonymous);
        if (type === 'interview.completed') data.endedAt = shownTime(row.ended_at, anonymous);
        if (type === 'interview.expired') data.expiredAt = shownTime(row.expires_at, anonymous);
        if (type === 'interview.erased') data.erasedAt = shownTime(row.erased_at, anonymous);
        if (type === 'report.ready') data.reportStatus = row.report_status;
      }
      // Who it is goes out only while the interview is not erased and not anonymous (sealed at rest).
      const personal =
        row && type !== 'interview.erased' && row.status !== 'erased' && row.employee_external_id
          ? { employee: { externalId: row.employee_external_id } }
          : null;
      return queueWebhookEvent(db, cipher, { type: type as WebhookEventType, interviewId, data, personal });
    });
    if (queued) options.onQueued?.();
  };
}
