import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../db/database.ts';

/** Filters of the audit log. */
export interface AuditLogFilter {
  action?: string;
  actorType?: AuditLogTable['actor_type'];
  actorId?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  before?: { at: Date; id: string };
  limit: number;
}

/** A page of the tenant's audit log, newest first. */
export function listAuditEntries(db: Kysely<Database>, tenantId: string, filter: AuditLogFilter) {
  let query = db
    .selectFrom('audit_log')
    .select([
      'id',
      'at',
      'actor_type',
      'actor_id',
      'action',
      'target_type',
      'target_id',
      'request_id',
      'details',
    ])
    .where('tenant_id', '=', tenantId);
  if (filter.action) {
    query = filter.action.endsWith('.*')
      ? query.where(
          'action',
          'like',
          `${filter.action.slice(0, -1).replaceAll('%', '\\%').replaceAll('_', '\\_')}%`,
        )
      : query.where('action', '=', filter.action);
  }
  if (filter.actorType) query = query.where('actor_type', '=', filter.actorType);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.until) query = query.where('at', '<', filter.until);
  if (filter.before) {
    const { at, id } = filter.before;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}
