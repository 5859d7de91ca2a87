import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * Finished or expired interviews whose retention ran out, row-locked; rows another replica is
 * purging right now are skipped (FOR UPDATE SKIP LOCKED), so no interview is purged twice.
 */
export async function claimPurgeCandidates(
  db: Kysely<Database>,
  tenantId: string,
  cutoff: Date,
  limit: number,
): Promise<Array<{ id: string; mode: string }>> {
  const result = await sql<{ id: string; mode: string }>`
    select id, mode from interviews
    where tenant_id = ${tenantId}
      and purged_at is null
      and status in ('ending', 'completed', 'expired')
      and coalesce(ended_at, expires_at) < ${cutoff}
    order by coalesce(ended_at, expires_at)
    limit ${limit}
    for update skip locked`.execute(db);
  return result.rows;
}

/** Deletes the transcript of these interviews; returns the number of messages deleted. */
export async function deleteTranscripts(
  db: Kysely<Database>,
  tenantId: string,
  interviewIds: string[],
): Promise<number> {
  if (interviewIds.length === 0) return 0;
  const result = await db
    .deleteFrom('messages')
    .where('tenant_id', '=', tenantId)
    .where('interview_id', 'in', interviewIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The stored reports of these interviews. */
export function findReports(db: Kysely<Database>, tenantId: string, interviewIds: string[]) {
  if (interviewIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('reports')
    .select(['interview_id', 'report'])
    .where('tenant_id', '=', tenantId)
    .where('interview_id', 'in', interviewIds)
    .execute();
}

/** Replaces a stored report (anonymised). */
export async function replaceReport(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
  report: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('reports')
    .set({ report: JSON.stringify(report) })
    .where('tenant_id', '=', tenantId)
    .where('interview_id', '=', interviewId)
    .execute();
}

/**
 * Removes identity and state of purged interviews and coarsens the last day to its month; keeps the
 * attributes the aggregates group by (department, location, level, tenure, termination type).
 */
export async function anonymiseInterviews(
  db: Kysely<Database>,
  tenantId: string,
  interviewIds: string[],
  at: Date,
): Promise<void> {
  if (interviewIds.length === 0) return;
  await db
    .updateTable('interviews')
    .set({
      state: null,
      employee_external_id: null,
      employee_name: null,
      employee_email: null,
      last_day: sql<string>`date_trunc('month', last_day)::date`,
      turn_reply_to: null,
      turn_locked_until: null,
      token_revoked_at: sql<Date>`coalesce(token_revoked_at, ${at})`,
      purged_at: at,
      updated_at: at,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', interviewIds)
    .execute();
}
