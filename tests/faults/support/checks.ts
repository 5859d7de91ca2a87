// Row-by-row checks of what the database holds against what the clients sent.
import type { DatabaseHandle } from '@exitbot/server';
import { sql } from 'kysely';

/** One message a client sent and got accepted (or retried until accepted). */
export interface SentMessage {
  interviewId: string;
  clientMessageId: string;
  type: string;
  text?: string;
}

/** What the comparison found. */
export interface StoredCheck {
  /** Sent messages with no row. */
  lost: SentMessage[];
  /** Sent messages with more than one row (by client message id). */
  duplicated: SentMessage[];
  /** Rows whose text differs from what was sent. */
  altered: SentMessage[];
  /** Employee messages (start excluded) that have no interviewer reply stored. */
  unanswered: number;
  /** Employee messages with more than one reply. */
  answeredTwice: number;
  /** Employee rows the clients never sent (phantoms). */
  phantoms: number;
  rows: number;
}

/** Decrypted transcripts by interview id (message text is encrypted at rest, so texts come from the API). */
export type Transcripts = Map<string, { clientMessageId?: string; text: string }[]>;

/** Reads each interview's transcript through the integrator API (the server decrypts it). */
export async function fetchTranscripts(
  baseUrl: string,
  apiKey: string,
  interviewIds: string[],
): Promise<Transcripts> {
  const transcripts: Transcripts = new Map();
  for (const id of interviewIds) {
    const response = await fetch(`${baseUrl}/v1/interviews/${id}/transcript`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    if (response.status !== 200)
      throw new Error(`transcript of ${id}: ${response.status} ${await response.text()}`);
    transcripts.set(
      id,
      ((await response.json()) as { messages: { clientMessageId?: string; text: string }[] }).messages,
    );
  }
  return transcripts;
}

/**
 * Compares the employee messages of `interviewIds` in the database with `sent`, row by row (by client
 * message id); with `transcripts`, also checks each stored text is exactly what was sent.
 */
export async function checkStoredMessages(
  handle: DatabaseHandle,
  interviewIds: string[],
  sent: SentMessage[],
  transcripts?: Transcripts,
): Promise<StoredCheck> {
  if (interviewIds.length === 0) {
    return { lost: [], duplicated: [], altered: [], unanswered: 0, answeredTwice: 0, phantoms: 0, rows: 0 };
  }
  const rows = await sql<{
    interview_id: string;
    seq: number;
    client_message_id: string | null;
    kind: string;
    replies: number;
  }>`
    select m.interview_id, m.seq, m.client_message_id, m.kind,
      (select count(*)::int from messages r where r.tenant_id = m.tenant_id and r.interview_id = m.interview_id and r.reply_to = m.seq) as replies
    from messages m
    where m.role = 'employee' and m.interview_id in (${sql.join(interviewIds)})`.execute(handle.db);
  const byId = new Map<string, typeof rows.rows>();
  for (const row of rows.rows) {
    const key = `${row.interview_id}/${row.client_message_id}`;
    byId.set(key, [...(byId.get(key) ?? []), row]);
  }
  const result: StoredCheck = {
    lost: [],
    duplicated: [],
    altered: [],
    unanswered: 0,
    answeredTwice: 0,
    phantoms: 0,
    rows: rows.rows.length,
  };
  const sentKeys = new Set<string>();
  for (const message of sent) {
    if (message.type === 'start') continue;
    const key = `${message.interviewId}/${message.clientMessageId}`;
    sentKeys.add(key);
    const found = byId.get(key) ?? [];
    if (found.length === 0) result.lost.push(message);
    else if (found.length > 1) result.duplicated.push(message);
    else if (message.type === 'answer' && transcripts) {
      const entry = transcripts
        .get(message.interviewId)
        ?.find((item) => item.clientMessageId === message.clientMessageId);
      if (entry?.text !== (message.text ?? '').trim()) result.altered.push(message);
    }
  }
  for (const row of rows.rows) {
    if (!sentKeys.has(`${row.interview_id}/${row.client_message_id}`)) result.phantoms += 1;
    if (row.replies === 0) result.unanswered += 1;
    if (row.replies > 1) result.answeredTwice += 1;
  }
  return result;
}

/** Interviewer replies per `reply_to` of one interview (0 is the opening question): any count above 1 is a duplicate. */
export async function replyCounts(handle: DatabaseHandle, interviewId: string): Promise<Map<number, number>> {
  const rows = await sql<{ reply_to: number; n: number }>`
    select reply_to, count(*)::int as n from messages
    where interview_id = ${interviewId} and role = 'interviewer' group by reply_to`.execute(handle.db);
  return new Map(rows.rows.map((row) => [row.reply_to, row.n]));
}
