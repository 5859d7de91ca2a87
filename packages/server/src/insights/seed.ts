// Seeds completed interviews with reports straight into the database (tests, the demo, the browser
// test). The report bodies follow the SDK's InterviewReport shape; their signals are recorded the way
// the report job records them, so facts and rollups come from the same triggers as in production.
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../db/connect.ts';
import { withTenant } from '../db/scope.ts';
import {
  type Outlook,
  recordManyReportSignals,
  reportSignalsOf,
  type SentimentLabel,
} from './insights.repository.ts';

/** One completed interview to seed. */
export interface SeedInterview {
  id?: string;
  mode?: 'identified' | 'confidential' | 'anonymous';
  /** 'YYYY-MM-DD' (UTC noon is used) or 'YYYY-MM' (the 15th). */
  endedOn: string;
  employeeName?: string | null;
  department?: string | null;
  location?: string | null;
  level?: string | null;
  tenureMonths?: number | null;
  terminationType?: string | null;
  primaryReason: string;
  secondaryReasons?: string[];
  /** Evidence quotes of the primary reason. */
  evidence?: string[];
  regrettable?: boolean;
  wouldRecommend?: Outlook;
  wouldReturn?: Outlook;
  topics?: Array<{ topicId: string; label: SentimentLabel; score?: number }>;
  summary?: string;
  source?: 'llm' | 'offline';
  locale?: 'en' | 'de' | 'fr' | 'es';
}

/** A report body in the SDK's InterviewReport shape for a seeded interview. */
export function seedReportBody(
  interviewId: string,
  input: SeedInterview,
  generatedAt: Date,
): Record<string, unknown> {
  const scoreOf = (label: SentimentLabel) => (label === 'negative' ? -0.6 : label === 'positive' ? 0.6 : 0);
  return {
    interviewId,
    locale: input.locale ?? 'en',
    source: input.source ?? 'offline',
    generatedAt: generatedAt.toISOString(),
    model:
      input.source === 'llm'
        ? { provider: 'openai', modelId: 'gpt-4o-mini', promptVersion: 'report-v1' }
        : null,
    degraded: false,
    summary:
      input.summary ?? `The employee left mainly because of ${input.primaryReason.replace(/-/g, ' ')}.`,
    reasons: {
      primary: { reason: input.primaryReason, confidence: 0.8, evidence: input.evidence ?? [] },
      secondary: (input.secondaryReasons ?? []).map((reason) => ({ reason, confidence: 0.5, evidence: [] })),
    },
    topicSentiment: (input.topics ?? []).map((topic) => ({
      topicId: topic.topicId,
      label: topic.label,
      score: topic.score ?? scoreOf(topic.label),
    })),
    keyQuotes: (input.evidence ?? [])
      .slice(0, 2)
      .map((text) => ({ text, topicId: 'reason-for-leaving', sentiment: 'negative' })),
    regrettableLoss: {
      likely: input.regrettable ?? false,
      signals: input.regrettable ? ['strong performer'] : [],
    },
    wouldReturn: input.wouldReturn ?? 'unknown',
    wouldRecommend: input.wouldRecommend ?? 'unknown',
    suggestedActions: ['Review the findings with the team lead.'],
  };
}

function endedAt(endedOn: string): Date {
  return new Date(endedOn.length === 7 ? `${endedOn}-15T12:00:00Z` : `${endedOn}T12:00:00Z`);
}

/**
 * Inserts completed interviews, their reports and report signals in one transaction per 500 rows;
 * returns the interview ids in input order.
 */
export async function seedCompletedInterviews(
  database: DatabaseHandle,
  tenantId: string,
  interviews: readonly SeedInterview[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < interviews.length; start += 500) {
    const chunk = interviews.slice(start, start + 500);
    await withTenant(database, tenantId, async (db) => {
      const rows = chunk.map((input) => {
        const id = input.id ?? randomUUID();
        ids.push(id);
        const ended = endedAt(input.endedOn);
        const anonymous = input.mode === 'anonymous';
        return {
          input,
          ended,
          row: {
            id,
            tenant_id: tenantId,
            status: 'completed' as const,
            mode: input.mode ?? 'confidential',
            locale: input.locale ?? 'en',
            employee_name: anonymous ? null : (input.employeeName ?? null),
            department: anonymous ? null : (input.department ?? null),
            location: anonymous ? null : (input.location ?? null),
            level: anonymous ? null : (input.level ?? null),
            tenure_months: anonymous ? null : (input.tenureMonths ?? null),
            termination_type: anonymous ? null : (input.terminationType ?? null),
            report_status: 'ready' as const,
            expires_at: new Date(ended.getTime() + 30 * 86_400_000),
            created_at: new Date(ended.getTime() - 7 * 86_400_000),
            started_at: new Date(ended.getTime() - 3_600_000),
            ended_at: ended,
          },
        };
      });
      await db
        .insertInto('interviews')
        .values(rows.map((entry) => entry.row))
        .execute();
      await db
        .insertInto('reports')
        .values(
          rows.map((entry) => ({
            tenant_id: tenantId,
            interview_id: entry.row.id,
            source: entry.input.source ?? 'offline',
            report: JSON.stringify(seedReportBody(entry.row.id, entry.input, entry.ended)),
          })),
        )
        .execute();
      await recordManyReportSignals(
        db,
        tenantId,
        rows.map((entry) => ({
          interviewId: entry.row.id,
          signals: reportSignalsOf(seedReportBody(entry.row.id, entry.input, entry.ended)),
        })),
      );
    });
  }
  return ids;
}
