import type { Kysely } from 'kysely';
import type { Database, ReportRow } from '../db/database.ts';

/** The interview's report. */
export function findReport(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
): Promise<ReportRow | undefined> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('interview_id', '=', interviewId)
    .executeTakeFirst();
}

/** Stores (or replaces) the interview's report. */
export async function upsertReport(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
  report: { source: string; body: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('reports')
    .values({
      tenant_id: tenantId,
      interview_id: interviewId,
      source: report.source,
      report: JSON.stringify(report.body),
    })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant_id', 'interview_id'])
        .doUpdateSet({ source: report.source, report: JSON.stringify(report.body) }),
    )
    .execute();
}
