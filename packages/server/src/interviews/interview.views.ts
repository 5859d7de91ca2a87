import { type InterviewState, interviewProgress } from '@exitbot/sdk';
import type { MessageRow } from '../db/database.ts';
import type { InterviewSummaryRow } from './interview.repository.ts';

/** Status as the employee sees it ('ending': the report is being written, the conversation is over). */
export function employeeStatus(row: Pick<InterviewSummaryRow, 'status' | 'expires_at'>, now: number) {
  if (row.status === 'ending' || row.status === 'completed') return 'completed' as const;
  if (row.status === 'expired' || row.status === 'erased') return 'expired' as const;
  if (row.expires_at.getTime() <= now) return 'expired' as const;
  return row.status;
}

/**
 * A time as integrators and HR see it: ISO, or only its month ('2026-11') for anonymous interviews (an exact
 * time could be matched with HRIS records and undo the anonymity).
 */
export function shownTime<T extends Date | null>(
  date: T,
  anonymous: boolean,
): T extends Date ? string : string | null {
  if (!date) return null as never;
  return (anonymous ? date.toISOString().slice(0, 7) : date.toISOString()) as never;
}

/** Progress through the guide (zeros before the first question). */
export function progressOf(state: unknown, totalTopics: number) {
  if (!state) return { covered: 0, total: totalTopics, currentTopicId: null };
  return interviewProgress(state as InterviewState);
}

/** One transcript entry of the API. */
export function transcriptEntry(row: MessageRow) {
  return {
    seq: row.seq,
    role: row.role,
    kind: row.kind,
    text: row.text,
    topicId: row.topic_id,
    at: row.created_at.toISOString(),
    ...(row.degraded ? { degraded: true } : {}),
    ...(row.client_message_id ? { clientMessageId: row.client_message_id } : {}),
  };
}

/** A transcript entry with the answer's offline sentiment (integrator and admin views; month only when anonymous). */
export function transcriptEntryWithSentiment(row: MessageRow, anonymous = false) {
  return {
    ...transcriptEntry(row),
    at: shownTime(row.created_at, anonymous),
    ...(row.sentiment_label ? { sentiment: { score: row.sentiment_score, label: row.sentiment_label } } : {}),
  };
}

/** The interview as integrators and admins see it. `identity: false` hides who the employee is. */
export function interviewView(
  row: InterviewSummaryRow,
  options: {
    identity: boolean;
    now: number;
    progress?: { covered: number; total: number; currentTopicId: string | null };
  },
) {
  const expired =
    (row.status === 'invited' || row.status === 'active') && row.expires_at.getTime() <= options.now;
  const anonymous = row.mode === 'anonymous';
  return {
    id: row.id,
    status: expired ? 'expired' : row.status,
    mode: row.mode,
    locale: row.locale,
    employee:
      options.identity && (row.employee_external_id || row.employee_name)
        ? { externalId: row.employee_external_id, name: row.employee_name }
        : null,
    attributes:
      row.mode === 'anonymous' || row.status === 'erased'
        ? null
        : {
            department: row.department,
            location: row.location,
            level: row.level,
            tenureMonths: row.tenure_months,
            terminationType: row.termination_type,
            lastDay: row.last_day,
          },
    ...(options.progress ? { progress: options.progress } : {}),
    messageCount: row.last_seq,
    report: { status: row.report_status },
    createdAt: shownTime(row.created_at, anonymous),
    startedAt: shownTime(row.started_at, anonymous),
    endedAt: shownTime(row.ended_at, anonymous),
    expiresAt: shownTime(row.expires_at, anonymous),
    erasedAt: shownTime(row.erased_at, anonymous),
  };
}
