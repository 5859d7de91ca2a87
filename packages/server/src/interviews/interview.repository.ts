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
import type { Statement } from '../db/scope.ts';
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
  'listed_at',
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
  // On listed_at: an anonymous interview counts as created at the start of its month (it shows no more).
  if (filter.createdAfter) query = query.where('listed_at', '>=', filter.createdAfter);
  if (filter.createdBefore) query = query.where('listed_at', '<', filter.createdBefore);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb('listed_at', '<', createdAt), eb.and([eb('listed_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('listed_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
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
  // The row lock first: a report job or a turn storing under it finishes before the deletes below run
  // (they then see what it stored), and any later one sees the interview erased.
  await db
    .selectFrom('interviews')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .execute();
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

// The message path's statements, as plain SQL: they run for every turn, where building them with Kysely
// would cost more CPU than Postgres spends running them. They go through `withTenantPipeline()`.

/** The interview row with its state, row-locked until the transaction ends (the turn's first statement). */
export function lockInterviewStatement(tenantId: string, id: string): Statement {
  return { name: 'turn_lock_interview', sql: lockInterviewSql, parameters: [tenantId, id] };
}
const lockInterviewSql = `select ${[...summaryColumns, 'state'].join(', ')} from interviews
  where tenant_id = $1 and id = $2 for update`;

const messageColumns = [
  'tenant_id',
  'interview_id',
  'seq',
  'role',
  'kind',
  'topic_id',
  'text',
  'client_message_id',
  'reply_to',
  'sentiment_score',
  'sentiment_label',
  'degraded',
  'events',
  'created_at',
] as const satisfies readonly (keyof MessageRow)[];
const openingSql = `select ${messageColumns.join(', ')} from messages
  where tenant_id = $1 and interview_id = $2 and reply_to = 0`;
const messageAndReplySql = `select ${messageColumns.join(', ')} from messages
  where tenant_id = $1 and interview_id = $2 and (client_message_id = $3 or reply_to = (
    select seq from messages where tenant_id = $1 and interview_id = $2 and client_message_id = $3))`;

/**
 * What is stored for a posted message: without `clientMessageId` (a start), the opening question; with it,
 * the employee message with that id and the interviewer's reply to it (0, 1 or 2 rows; tell them by `role`).
 * Sent right after the lock: as a statement of its own it sees what a concurrent duplicate committed
 * while this request waited for the lock.
 */
export function turnMessagesStatement(
  tenantId: string,
  interviewId: string,
  clientMessageId: string | undefined,
): Statement {
  if (clientMessageId === undefined) {
    return { name: 'turn_opening', sql: openingSql, parameters: [tenantId, interviewId] };
  }
  return {
    name: 'turn_message_and_reply',
    sql: messageAndReplySql,
    parameters: [tenantId, interviewId, clientMessageId],
  };
}

const storeAnswerSql = (setStatus: boolean) => `with inserted as (
    insert into messages (tenant_id, interview_id, seq, role, kind, topic_id, text, client_message_id, sentiment_score, sentiment_label)
    values ($1, $2, $3, 'employee', $4, $5, $6, $7, $8, $9)
    on conflict on constraint messages_client_message_id_unique do nothing
    returning seq
  )
  update interviews set last_seq = $3, turn_reply_to = $3, turn_locked_until = $10, updated_at = $11${setStatus ? ", status = 'active'" : ''}
  where tenant_id = $1 and id = $2 and exists (select 1 from inserted)
  returning last_seq`;
const storeAnswerSqls = { keepStatus: storeAnswerSql(false), activate: storeAnswerSql(true) };

/**
 * Stores the employee's message (sealed already) and claims the turn for it in one statement: the
 * interview row moves to the message's seq only if the message was inserted (not a duplicate client id).
 * Returns one row (`last_seq`) when stored, none for a duplicate.
 */
export function storeAnswerStatement(input: {
  message: NewMessage;
  lockedUntil: Date;
  at: Date;
  /** Set `status = 'active'` (the interview was still 'invited'). */
  activate: boolean;
}): Statement {
  const { message } = input;
  return {
    ...(input.activate
      ? { name: 'turn_store_answer_activate', sql: storeAnswerSqls.activate }
      : { name: 'turn_store_answer', sql: storeAnswerSqls.keepStatus }),
    parameters: [
      message.tenant_id,
      message.interview_id,
      message.seq,
      message.kind,
      message.topic_id ?? null,
      message.text,
      message.client_message_id ?? null,
      message.sentiment_score ?? null,
      message.sentiment_label ?? null,
      input.lockedUntil,
      input.at,
    ],
  };
}

const storeReplySql = (ended: boolean) => `with claimed as (
    update interviews set state = $3, state_version = $4 + 1, last_seq = $5, turn_reply_to = null,
      turn_locked_until = null, updated_at = $6${ended ? ", status = 'ending', ended_at = $6, report_status = 'pending'" : ''}
    where tenant_id = $1 and id = $2 and turn_reply_to = $7 and state_version = $4 and last_seq = $5 - 1
    returning last_seq
  ), stored as (
    insert into messages (tenant_id, interview_id, seq, role, kind, topic_id, text, reply_to, degraded, events)
    select $1::uuid, $2::uuid, last_seq, 'interviewer', $8::text, $9::text, $10::text, $7::integer, $11::boolean, $12::jsonb
    from claimed
  )${
    ended
      ? `, queued as (
    insert into outbox (tenant_id, topic, key, payload, run_at)
    select $1::uuid, $13::text, $15::text, $14::jsonb, $6::timestamptz from claimed
    on conflict (tenant_id, topic, key) where done_at is null and failed_at is null do nothing
  )`
      : ''
  }
  select last_seq from claimed`;
const storeReplySqls = { continuing: storeReplySql(false), ended: storeReplySql(true) };

/**
 * Stores the interviewer's reply (sealed already, its seq taken in advance) with the new state in one
 * statement, guarded: only while this turn still owns the interview (`turn_reply_to`, `state_version`
 * and `last_seq` unchanged). When the interview ended, also moves it to 'ending' and queues `endJob`.
 * Returns one row (`last_seq`, the reply's seq) when stored, none when another request took the turn over.
 */
export function storeReplyStatement(input: {
  message: NewMessage;
  /** The sealed state (`sealState()`). */
  state: string;
  stateVersion: number;
  at: Date;
  endJob?: { topic: string; key: string; payload: Record<string, unknown> };
}): Statement {
  const { message } = input;
  const parameters: unknown[] = [
    message.tenant_id,
    message.interview_id,
    input.state,
    input.stateVersion,
    message.seq,
    input.at,
    message.reply_to,
    message.kind,
    message.topic_id ?? null,
    message.text,
    message.degraded ?? false,
    message.events ?? null,
  ];
  if (input.endJob)
    parameters.push(input.endJob.topic, JSON.stringify(input.endJob.payload), input.endJob.key);
  return input.endJob
    ? { name: 'turn_store_last_reply', sql: storeReplySqls.ended, parameters }
    : { name: 'turn_store_reply', sql: storeReplySqls.continuing, parameters };
}
