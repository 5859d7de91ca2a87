// The wire contract of the insights API (`GET /v1/admin/insights` and friends), as the dashboard reads
// it. The server's `InsightsResult` (packages/server/src/insights/insights.service.ts) is the source.

import type { TranscriptEntry } from '@exitbot/sdk/client';

/** Text in en, de, fr, es (custom guides may give only en). */
export type LocalizedText = { en: string } & Partial<Record<'de' | 'fr' | 'es', string>>;

/** A figure withheld to protect anonymity: never a zero. */
export interface Withheld {
  suppressed: true;
}

/** One entry of a breakdown. */
export type BreakdownItem =
  | { key: string | null; count: number; share: number }
  | { key: string | null; suppressed: true };

/** A filterable attribute. */
export type FilterDimension = 'department' | 'location' | 'level';

/** Filters of a view; null is "not recorded". */
export type InsightsFilters = Partial<Record<FilterDimension, string | null>>;

/** A topic's sentiment split. */
export type TopicSentiment =
  | { topicId: string; answered: number; labels: BreakdownItem[]; net: number | null }
  | { topicId: string; suppressed: true };

/** A theme with its quotes. */
export type Theme = ({ key: string; count: number; share: number } | { key: string; suppressed: true }) & {
  quotes: string[] | Withheld;
};

/** The aggregates of one view. */
export interface InsightsResult {
  query: { period: string } & InsightsFilters;
  thresholds: { minGroupSize: number; quoteMinGroupSize: number };
  generatedAt: string;
  options: { periods: string[] } & Record<FilterDimension, Array<string | null>>;
  labels: { reasons: Record<string, LocalizedText>; topics: Record<string, LocalizedText> };
  view:
    | { state: 'shown'; interviews: number }
    | { state: 'empty' }
    | { state: 'suppressed'; reason: 'small-group' | 'differencing' };
  overview?: {
    interviews: number;
    regrettable: { count: number; share: number } | Withheld;
    reviewed: { count: number; share: number } | Withheld;
    wouldRecommend: { score: number; answered: number } | Withheld;
    topReason: { key: string; share: number } | null;
  };
  reasons?: BreakdownItem[];
  breakdowns?: Partial<Record<FilterDimension | 'tenureBand' | 'terminationType', BreakdownItem[]>>;
  recommend?: BreakdownItem[];
  trend?: Array<{ month: string; count: number } | { month: string; suppressed: true }>;
  sentiment?: TopicSentiment[];
  themes?: Theme[];
}

/** One interview of the list. */
export interface InterviewEntry {
  id: string;
  status: string;
  mode: 'identified' | 'confidential' | 'anonymous';
  employee: string | null;
  attributes: {
    department: string | null;
    location: string | null;
    level: string | null;
    tenureMonths: number | null;
    terminationType: string | null;
  } | null;
  /** ISO timestamp, or 'YYYY-MM' for anonymous interviews. */
  created: string;
  completed: string | null;
  report: {
    status: string;
    visible: boolean;
    primaryReason: string | null;
    regrettable: boolean | null;
    reviewed: boolean | null;
  };
}

/** The review of a report: the report's own values, the confirmed ones and the history. */
export interface ReportReview {
  ai: { primaryReason: string; regrettable: boolean };
  confirmed: { primaryReason: string; regrettable: boolean };
  overridden: { primaryReason: boolean; regrettable: boolean };
  reviewed: boolean;
  history: Array<{
    primaryReason: string | null;
    regrettable: boolean | null;
    reviewer: string;
    reviewedAt: string;
  }>;
}

/** A finding of the report (reason with evidence). */
export interface ReportFinding {
  reason: string;
  confidence: number;
  evidence?: string[];
}

/** The SDK's InterviewReport as the dashboard shows it (every field read defensively). */
export interface InterviewReport {
  summary?: string;
  source?: 'llm' | 'offline';
  degraded?: boolean;
  anonymised?: boolean;
  generatedAt?: string;
  locale?: string;
  model?: { provider?: string; modelId?: string } | null;
  reasons?: { primary?: ReportFinding | null; secondary?: ReportFinding[] };
  topicSentiment?: Array<{ topicId: string; score: number; label: string }>;
  keyQuotes?: Array<{ text: string; topicId: string; sentiment: string }>;
  regrettableLoss?: { likely: boolean; signals?: string[] };
  wouldReturn?: string;
  wouldRecommend?: string;
  suggestedActions?: string[];
}

/**
 * One message of a transcript as `GET /v1/admin/interviews/:id` gives it to the admin role: the SDK's
 * transcript entry (`at` by month only for an anonymous interview) with the answer's offline sentiment.
 */
export type TranscriptMessage = TranscriptEntry & { sentiment?: { score: number | null; label: string } };

/** `GET /v1/admin/insights/interviews/:id`. */
export interface InterviewDetail {
  interview: InterviewEntry;
  report: InterviewReport | null;
  review: ReportReview | null;
}
