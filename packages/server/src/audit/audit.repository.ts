import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../db/database.ts';

/** One audit entry. */
export interface AuditEntry {
  actorType: AuditLogTable['actor_type'];
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
}

/** Appends entries to the tenant's audit log (in the caller's transaction). */
export async function recordAudit(
  db: Kysely<Database>,
  tenantId: string,
  entries: AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((entry) => ({
        tenant_id: tenantId,
        actor_type: entry.actorType,
        actor_id: entry.actorId ?? null,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        request_id: entry.requestId ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
      })),
    )
    .execute();
}
