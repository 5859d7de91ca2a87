// A stored report keeps its categorical facets in clear (reason ids and confidences, topic sentiment,
// would-return, would-recommend, regrettable loss yes/no), which is what aggregates need, and seals the
// whole report (summary, quotes, evidence, signals, suggested actions) under the tenant's data key.
// Retention anonymises a report by dropping the sealed part: the facets stay for the statistics.
import type { TenantCipher } from './encryption.ts';
import { isSealed } from './encryption.ts';

/** The clear, aggregate-friendly part of a report (no free text). */
export interface ReportFacets {
  interviewId?: string;
  locale?: string;
  source?: string;
  generatedAt?: string;
  degraded?: boolean;
  model?: unknown;
  reasons?: {
    primary: { reason: string; confidence: number } | null;
    secondary: Array<{ reason: string; confidence: number }>;
  };
  topicSentiment?: Array<{ topicId: string; score: number; label: string }>;
  wouldReturn?: string;
  wouldRecommend?: string;
  regrettableLoss?: { likely: boolean };
}

/** A report as stored in `reports.report`: facets, plus the sealed full report until it is anonymised. */
export interface StoredReport extends ReportFacets {
  /** The full report, sealed; absent once anonymised. */
  sealed?: string;
  /** When retention removed the free text. */
  anonymisedAt?: string;
}

type UnknownRecord = Record<string, unknown>;

const asRecord = (value: unknown): UnknownRecord | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as UnknownRecord) : undefined;

function finding(value: unknown): { reason: string; confidence: number } | null {
  const record = asRecord(value);
  if (!record || typeof record.reason !== 'string') return null;
  return { reason: record.reason, confidence: typeof record.confidence === 'number' ? record.confidence : 0 };
}

/** Copies only the whitelisted categorical fields, so a new free-text field of the report never lands in clear. */
export function reportFacets(report: UnknownRecord): ReportFacets {
  const facets: ReportFacets = {};
  for (const key of [
    'interviewId',
    'locale',
    'source',
    'generatedAt',
    'wouldReturn',
    'wouldRecommend',
  ] as const) {
    if (typeof report[key] === 'string') facets[key] = report[key] as string;
  }
  if (typeof report.degraded === 'boolean') facets.degraded = report.degraded;
  if (report.model !== undefined) {
    const model = asRecord(report.model);
    facets.model = model
      ? { provider: model.provider, modelId: model.modelId, promptVersion: model.promptVersion }
      : null;
  }
  const reasons = asRecord(report.reasons);
  if (reasons) {
    facets.reasons = {
      primary: finding(reasons.primary),
      secondary: Array.isArray(reasons.secondary)
        ? reasons.secondary.map(finding).filter((item) => item !== null)
        : [],
    };
  }
  if (Array.isArray(report.topicSentiment)) {
    facets.topicSentiment = report.topicSentiment.flatMap((item) => {
      const record = asRecord(item);
      return record && typeof record.topicId === 'string' && typeof record.score === 'number'
        ? [{ topicId: record.topicId, score: record.score, label: String(record.label ?? '') }]
        : [];
    });
  }
  const regrettable = asRecord(report.regrettableLoss);
  if (regrettable && typeof regrettable.likely === 'boolean')
    facets.regrettableLoss = { likely: regrettable.likely };
  return facets;
}

/** The associated-data context of an interview's report. */
export function reportContext(interviewId: string): string {
  return `reports/${interviewId}/report`;
}

/** What to store for a report: its facets and the whole report sealed. */
export function sealReport(cipher: TenantCipher, interviewId: string, report: UnknownRecord): StoredReport {
  return { ...reportFacets(report), sealed: cipher.sealJson(report, reportContext(interviewId)) };
}

/**
 * The report to show: the whole report when it is sealed (or stored in clear by an older version),
 * the facets with `anonymised: true` once retention removed the text.
 */
export function openReport(cipher: TenantCipher, interviewId: string, stored: unknown): UnknownRecord {
  const record = asRecord(stored) ?? {};
  if (isSealed(record.sealed))
    return cipher.openJson<UnknownRecord>(record.sealed, reportContext(interviewId));
  if (record.anonymisedAt) {
    const { sealed: _sealed, ...facets } = record;
    return { ...facets, anonymised: true };
  }
  return record;
}

/** The stored report without its free text (retention). */
export function anonymiseStoredReport(stored: unknown, at: Date): StoredReport {
  const record = asRecord(stored) ?? {};
  return { ...reportFacets(record), anonymisedAt: at.toISOString() };
}
