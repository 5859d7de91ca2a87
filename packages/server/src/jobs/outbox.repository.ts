import { type Kysely, sql } from 'kysely';
import type { Database, OutboxRow } from '../db/database.ts';

/** Queues a job in the caller's transaction; one open job per (tenant, topic, key). */
export async function enqueueJob(
  db: Kysely<Database>,
  tenantId: string,
  job: { topic: string; key: string | null; payload: Record<string, unknown>; runAt?: Date },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      tenant_id: tenantId,
      topic: job.topic,
      key: job.key,
      payload: JSON.stringify(job.payload),
      run_at: job.runAt ?? new Date(),
    })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant_id', 'topic', 'key'])
        .where('done_at', 'is', null)
        .where('failed_at', 'is', null)
        .doNothing(),
    )
    .execute();
}

/** Claims due jobs across tenants (worker role): locks them for `leaseMs` and counts the attempt. */
export async function claimJobs(db: Kysely<Database>, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    update outbox set locked_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1
    where id in (
      select id from outbox
      where done_at is null and failed_at is null and run_at <= now()
        and (locked_until is null or locked_until < now())
      order by run_at
      limit ${limit}
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows;
}

/** Marks a job done (worker role). */
export async function completeJob(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ done_at: new Date(), locked_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** Schedules a retry, or marks the job failed when it has no attempts left (worker role). */
export async function failJob(
  db: Kysely<Database>,
  job: Pick<OutboxRow, 'id' | 'attempts' | 'max_attempts'>,
  error: string,
  retryAt: Date,
): Promise<'retry' | 'failed'> {
  const exhausted = job.attempts >= job.max_attempts;
  await db
    .updateTable('outbox')
    .set(
      exhausted
        ? { failed_at: new Date(), locked_until: null, last_error: error.slice(0, 2000) }
        : { run_at: retryAt, locked_until: null, last_error: error.slice(0, 2000) },
    )
    .where('id', '=', job.id)
    .execute();
  return exhausted ? 'failed' : 'retry';
}
