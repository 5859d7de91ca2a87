import { type Kysely, sql } from 'kysely';
import type {
  Database,
  InterviewRow,
  InterviewStatus,
  InterviewUpdate,
  MessageRow,
  NewInterview,
  NewMessage,
} from '../db/database.ts';
import { scrubInterviewTraces } from '../privacy/erasure.repository.ts';

/** Filters of the interview list. */
export interface InterviewListFilter {
  status?: InterviewStatus;
  department?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Keyset cursor: rows strictly older than this (created_at, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** Columns of an interview without its (large) state. */
const summaryColumns = [
  'id',
  'tenant_id',
  'status',
  'mode',
  'locale',
  'employee_external_id',
  'employee_name',
  'department',
  'location',
  'level',
  'tenure_months',
  'termination_type',
  'last_day',
  'state_version',
  'last_seq',
  'turn_reply_to',
  'turn_locked_until',
  'report_status',
  'expires_at',
  'created_at',
  'updated_at',
  'started_at',
  'ended_at',
  'erased_at',
  'employee_email',
  'token_version',
  'token_revoked_at',
  'invite_at',
  'invited_at',
  'remind_at',
  'reminded_at',
  'opened_at',
  'purged_at',
] as const;

/** An interview row without `state`. */
export type InterviewSummaryRow = Omit<InterviewRow, 'state'>;

/** Inserts interviews. */
export async function insertInterviews(
  db: Kysely<Database>,
  rows: NewInterview[],
): Promise<InterviewSummaryRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('interviews')
    .values(rows)
    .returning([...summaryColumns])
    .execute();
}

/** One interview with its state. */
export function findInterview(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<InterviewRow | undefined> {
  return db
    .selectFrom('interviews')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** One interview with its state, row-locked until the transaction ends. */
export function lockInterview(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<InterviewRow | undefined> {
  return db
    .selectFrom('interviews')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** A page of interviews, newest first, without state. */
export function listInterviews(
  db: Kysely<Database>,
  tenantId: string,
  filter: InterviewListFilter,
): Promise<InterviewSummaryRow[]> {
  let query = db
    .selectFrom('interviews')
    .select([...summaryColumns])
    .where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.department) query = query.where('department', '=', filter.department);
  if (filter.createdAfter) query = query.where('created_at', '>=', filter.createdAfter);
  if (filter.createdBefore) query = query.where('created_at', '<', filter.createdBefore);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Transcript messages after `afterSeq`, in order (finish markers excluded). */
export function listMessages(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
  afterSeq: number,
  limit: number,
): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('interview_id', '=', interviewId)
    .where('seq', '>', afterSeq)
    .where('kind', '<>', 'finish')
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The employee message with this client message id. */
export function findMessageByClientId(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
  clientMessageId: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('interview_id', '=', interviewId)
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
}

/** The interviewer message that answers employee message `replyTo` (0: the opening question). */
export function findReply(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
  replyTo: number,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('interview_id', '=', interviewId)
    .where('reply_to', '=', replyTo)
    .executeTakeFirst();
}

/** The last employee message that has no reply yet (a turn that never finished). */
export function findUnansweredEmployeeMessage(
  db: Kysely<Database>,
  tenantId: string,
  interviewId: string,
  afterSeq: number,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('interview_id', '=', interviewId)
    .where('role', '=', 'employee')
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Inserts the employee's message unless the same client message id is stored already; returns it when inserted. */
export function insertEmployeeMessage(
  db: Kysely<Database>,
  message: NewMessage,
): Promise<MessageRow | undefined> {
  return db
    .insertInto('messages')
    .values(message)
    .onConflict((conflict) => conflict.constraint('messages_client_message_id_unique').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Inserts messages. */
export async function insertMessages(db: Kysely<Database>, messages: NewMessage[]): Promise<void> {
  if (messages.length > 0) await db.insertInto('messages').values(messages).execute();
}

/** Updates the interview row. */
export async function updateInterview(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  changes: InterviewUpdate,
): Promise<void> {
  await db
    .updateTable('interviews')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Erases what the employee said and who they are; keeps a tombstone row with status 'erased'. */
export async function eraseInterview(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  at: Date,
): Promise<boolean> {
  await db.deleteFrom('messages').where('tenant_id', '=', tenantId).where('interview_id', '=', id).execute();
  await db.deleteFrom('reports').where('tenant_id', '=', tenantId).where('interview_id', '=', id).execute();
  // Webhook messages, outbox jobs in any state, HRIS event links, every replica's caches.
  await scrubInterviewTraces(db, tenantId, [id]);
  const result = await db
    .updateTable('interviews')
    .set({
      status: 'erased',
      state: null,
      employee_external_id: null,
      employee_name: null,
      employee_email: null,
      department: null,
      location: null,
      level: null,
      tenure_months: null,
      termination_type: null,
      last_day: null,
      turn_reply_to: null,
      turn_locked_until: null,
      report_status: 'none',
      erased_at: at,
      updated_at: at,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '<>', 'erased')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Marks open interviews past their expiry as expired. */
export async function expireInterviews(db: Kysely<Database>, tenantId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('interviews')
    .set({ status: 'expired', updated_at: at })
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['invited', 'active'])
    .where('expires_at', '<=', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Current time on the database clock (turn locks use it so that replicas agree). */
export async function databaseNow(db: Kysely<Database>): Promise<Date> {
  const result = await sql<{ now: Date }>`select now() as now`.execute(db);
  return result.rows[0]?.now ?? new Date();
}
