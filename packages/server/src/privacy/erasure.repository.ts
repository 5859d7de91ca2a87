import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { deleteWebhookDataOfInterviews } from '../webhooks/webhook.repository.ts';
import { publishCachePurge } from './cache-purges.ts';

/** What `scrubInterviewTraces()` removed. */
export interface ScrubCounts {
  webhookMessages: number;
  outboxJobs: number;
  hrisEvents: number;
}

/**
 * Removes what other tables hold about these interviews, in the caller's transaction: webhook
 * messages (their personal data, deliveries and attempts), outbox jobs in any state that name them,
 * the link from HRIS event ids (the event id stays, marked erased, so a replayed event does not
 * create the interview again); and tells every replica to drop the tenant's cached data.
 */
export async function scrubInterviewTraces(
  db: Kysely<Database>,
  tenantId: string,
  interviewIds: string[],
): Promise<ScrubCounts> {
  if (interviewIds.length === 0) return { webhookMessages: 0, outboxJobs: 0, hrisEvents: 0 };
  const webhookMessages = await deleteWebhookDataOfInterviews(db, tenantId, interviewIds);
  const ids = sql.join(interviewIds.map((id) => sql`${id}`));
  const outbox = await sql`
    delete from outbox
    where tenant_id = ${tenantId}
      and (split_part(coalesce(key, ''), '@', 1) in (${ids}) or payload ->> 'interviewId' in (${ids}))`.execute(
    db,
  );
  const hris = await db
    .updateTable('hris_events')
    .set({ outcome: 'erased', reason: null, interview_id: null })
    .where('tenant_id', '=', tenantId)
    .where('interview_id', 'in', interviewIds)
    .executeTakeFirst();
  await publishCachePurge(db, tenantId);
  return {
    webhookMessages,
    outboxJobs: Number(outbox.numAffectedRows ?? 0),
    hrisEvents: Number(hris.numUpdatedRows),
  };
}
