// Insights: aggregates under anonymity thresholds (cached per tenant), quotes, report reviews and
// exports. The rules are in suppression.ts and cube.ts and explained in docs/insights.md.
import { createRedactor, type Guide, type LocalizedText, reasonIds, reasonTaxonomy } from '@exitbot/sdk';
import type { Kysely } from 'kysely';
import QuickLRU from 'quick-lru';
import { recordAudit } from '../audit/audit.repository.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import type { Tenant } from '../tenants/tenant.service.ts';
import { activeGuideKey, defaultGuideKey, tenantGuide } from '../tenants/tenant-guides.ts';
import { type CsvCell, toCsv } from './csv.ts';
import {
  analyzeCube,
  type CubeBreakdownEntry,
  type CubeFilters,
  type CubeSource,
  type FilterDimension,
  filterDimensions,
  monthInPeriod,
  periodKind,
  periodOf,
} from './cube.ts';
import {
  type InterviewListRow,
  insertReview,
  listInterviewsForExport,
  type QuoteSource,
  type RollupRow,
  readCubeRows,
  readInsightsVersion,
  readQuoteSources,
  readReviewState,
  readRollups,
  readViewCounts,
} from './insights.repository.ts';
import {
  type AnonymityThresholds,
  type BreakdownItem,
  isSuppressed,
  resolveThresholds,
  suppressBreakdown,
} from './suppression.ts';

/** The roles of an admin token. */
export type InsightsRole = 'admin' | 'analyst';

/** Which aggregates to compute: a period ('all', 'YYYY', 'YYYY-Qn', 'YYYY-MM') and filters. */
export interface InsightsQuery {
  period: string;
  filters: CubeFilters;
}

/** A share of the view that is shown. */
export interface ShownShare {
  count: number;
  share: number;
}

/** Any figure withheld to protect anonymity. */
export interface Withheld {
  suppressed: true;
}

/** Sentiment about one topic: how many answered it and the label split. */
export type TopicSentiment =
  | {
      topicId: string;
      answered: number;
      labels: BreakdownItem[];
      /** (positive - negative) / answered, -1..1; null when a label it needs is withheld. */
      net: number | null;
    }
  | { topicId: string; suppressed: true };

/** A theme (a reason named as primary or secondary) with representative, redacted quotes. */
export type Theme = ({ key: string; count: number; share: number } | { key: string; suppressed: true }) & {
  /** Quotes, or withheld when the theme or the view has fewer interviews than the quote threshold. */
  quotes: string[] | Withheld;
};

/** Why a whole view is withheld. */
export type ViewWithheldReason = 'small-group' | 'differencing';

/** The aggregates of one view as the API answers them. */
export interface InsightsResult {
  query: { period: string } & CubeFilters;
  thresholds: AnonymityThresholds;
  generatedAt: string;
  /** Values to filter by (null = not recorded) and the periods with data. */
  options: { periods: string[] } & Record<FilterDimension, Array<string | null>>;
  /** Names of reasons and topics in en/de/fr/es for the dashboard. */
  labels: { reasons: Record<string, LocalizedText>; topics: Record<string, LocalizedText> };
  view:
    | { state: 'shown'; interviews: number }
    | { state: 'empty' }
    | { state: 'suppressed'; reason: ViewWithheldReason };
  overview?: {
    interviews: number;
    regrettable: ShownShare | Withheld;
    /** Share of reports HR confirmed or corrected. */
    reviewed: ShownShare | Withheld;
    /** (yes - no) / answered x 100, -100..100. */
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

/** Options of `createInsightsService()`. */
export interface InsightsServiceOptions {
  database: DatabaseHandle;
  /** Most cached results kept (all tenants). Default 500. */
  cacheSize?: number;
  /** How long a cached result may be served. Default 10 minutes; a change to the tenant's data ends it sooner. */
  cacheTtlMs?: number;
  /**
   * How often the tenant's insights version is read from the database (changes made by other replicas
   * or by the report job show up within this time; reviews through this service at once). Default 1 s.
   */
  versionCheckMs?: number;
  /** Quotes shown per theme. Default 3. */
  quotesPerTheme?: number;
  /**
   * Turns a stored report body into the report (e.g. opens a report sealed at rest). Default: the
   * stored body as it is.
   */
  openReport?: (input: { tenantId: string; interviewId: string; stored: unknown }) => unknown;
  now?: () => number;
}

/** A reviewer acting on a report. */
export interface Reviewer {
  id: string;
  role: InsightsRole;
  requestId?: string;
}

/** A PATCH of a report review: undefined keeps, null returns to the report's own value. */
export interface ReviewPatch {
  primaryReason?: string | null;
  regrettable?: boolean | null;
}

/** The insights service. */
export type InsightsService = ReturnType<typeof createInsightsService>;

const reasonLabels: Record<string, LocalizedText> = Object.fromEntries(
  reasonTaxonomy.map((reason) => [reason.id, reason.label]),
);
const knownReasons = new Set<string>(reasonIds);
const maxThemes = 12;
const quoteLength = { min: 12, max: 320 };

/** Thresholds of a tenant from its settings (defaults for what is missing). */
export function thresholdsOf(tenant: Tenant): AnonymityThresholds {
  const settings = tenant.settings as Tenant['settings'] & { quoteMinGroupSize?: number };
  return resolveThresholds({
    minGroupSize: settings.minGroupSize,
    quoteMinGroupSize: settings.quoteMinGroupSize,
  });
}

function topicTitles(tenant: Tenant): Record<string, LocalizedText> {
  // Interviews may have run on the default guide or any of the tenant's own guides (and versions):
  // titles of all of them, the active guide last so its wording wins.
  const titles: Record<string, LocalizedText> = {};
  const keys = [defaultGuideKey, ...Object.keys(tenant.settings.guides), activeGuideKey(tenant.settings)];
  for (const key of keys) {
    let guide: Guide | undefined;
    try {
      guide = tenantGuide(tenant.settings, key);
    } catch {
      guide = undefined;
    }
    for (const topic of guide?.topics ?? []) titles[topic.id] = topic.title;
  }
  return titles;
}

/** Sums the counting keys of the rollup months inside a period. */
function sumRollups(rollups: readonly RollupRow[], period: string) {
  const counts: Record<string, number> = {};
  let interviews = 0;
  for (const row of rollups) {
    if (!monthInPeriod(row.month, period)) continue;
    interviews += row.interviews;
    for (const [key, value] of Object.entries(row.counts)) counts[key] = (counts[key] ?? 0) + value;
  }
  return { interviews, counts };
}

/** Cube sources from rollups: one per dimension (enough for a view without filters). */
function rollupSources(rollups: readonly RollupRow[]): CubeSource[] {
  return filterDimensions.map((dimension) => ({
    groupedBy: [dimension],
    rows: rollups.flatMap((row) =>
      Object.entries(row.counts)
        .filter(([key]) => key.startsWith(`${dimension}:`))
        .map(([key, count]) => ({
          month: row.month,
          [dimension]: key.slice(dimension.length + 1) || null,
          count,
        })),
    ),
  }));
}

/** Entries of one prefix ('reason:compensation' -> key 'compensation'), '' read as null. */
function entriesOf(
  counts: Record<string, number>,
  prefix: string,
): Array<{ key: string | null; count: number }> {
  return Object.entries(counts)
    .filter(([key]) => key.startsWith(`${prefix}:`))
    .map(([key, count]) => ({ key: key.slice(prefix.length + 1) || null, count }))
    .sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
}

function cubeItems(entries: readonly CubeBreakdownEntry[], total: number): BreakdownItem[] {
  return entries.map((entry) =>
    entry.suppressed
      ? { key: entry.value, suppressed: true as const }
      : { key: entry.value, count: entry.count, share: entry.count / total },
  );
}

function shareOf(items: readonly BreakdownItem[], key: string): ShownShare | Withheld {
  const item = items.find((entry) => entry.key === key);
  if (!item) return { count: 0, share: 0 };
  return isSuppressed(item) ? { suppressed: true } : { count: item.count, share: item.share };
}

function countOf(items: readonly BreakdownItem[], key: string): number | undefined {
  const item = items.find((entry) => entry.key === key);
  if (!item) return 0;
  return isSuppressed(item) ? undefined : item.count;
}

/** Cleans a quote for display: one line, trimmed, within the length limits; undefined when unusable. */
function cleanQuote(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length < quoteLength.min) return undefined;
  return line.length > quoteLength.max ? `${line.slice(0, quoteLength.max - 1).trimEnd()}…` : line;
}

/** The evidence a report gives for one reason (primary or secondary finding). */
function evidenceFor(report: unknown, reason: string): string[] {
  const reasons = (report as { reasons?: { primary?: unknown; secondary?: unknown } } | null)?.reasons;
  const findings = [reasons?.primary, ...(Array.isArray(reasons?.secondary) ? reasons.secondary : [])];
  const quotes: string[] = [];
  for (const finding of findings) {
    const { reason: id, evidence } = (finding ?? {}) as { reason?: unknown; evidence?: unknown };
    if (id !== reason || !Array.isArray(evidence)) continue;
    for (const quote of evidence) if (typeof quote === 'string') quotes.push(quote);
  }
  return quotes;
}

/** Creates the insights service. */
export function createInsightsService(options: InsightsServiceOptions) {
  const { database } = options;
  const now = options.now ?? Date.now;
  const quotesPerTheme = options.quotesPerTheme ?? 3;
  const cache = new QuickLRU<string, InsightsResult>({
    maxSize: options.cacheSize ?? 500,
    maxAge: options.cacheTtlMs ?? 600_000,
  });
  const latestVersion = new Map<string, string>();
  const versionCheckedAt = new Map<string, number>();
  const versionCheckMs = options.versionCheckMs ?? 1000;
  const inFlight = new Map<string, Promise<InsightsResult>>();
  let hits = 0;
  let misses = 0;

  /** Drops a tenant's cached results (all versions). */
  function forgetTenant(tenantId: string): void {
    const prefix = `${tenantId}|`;
    for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
  }

  async function compute(
    tenant: Tenant,
    query: InsightsQuery,
    thresholds: AnonymityThresholds,
  ): Promise<InsightsResult> {
    // One transaction for every read of the view (fewer round trips, one consistent tenant scope).
    // Quotes are opened and redacted after it: opening a sealed report reads the tenant's key, which
    // needs a connection of its own (PGlite has only one).
    const { result, quoteSources } = await withTenant(database, tenant.id, (db) =>
      computeIn(db, tenant, query, thresholds),
    );
    if (quoteSources.length === 0 || !result.themes) return result;
    const quotes = await quotesFrom(tenant.id, quoteSources);
    return {
      ...result,
      themes: result.themes.map((theme) =>
        'count' in theme && quotes.has(theme.key)
          ? { ...theme, quotes: quotes.get(theme.key) as string[] }
          : theme,
      ),
    };
  }

  async function computeIn(
    db: Kysely<Database>,
    tenant: Tenant,
    query: InsightsQuery,
    thresholds: AnonymityThresholds,
  ): Promise<{ result: InsightsResult; quoteSources: QuoteSource[] }> {
    const { period, filters } = query;
    const { minGroupSize, quoteMinGroupSize } = thresholds;
    const filtered = filterDimensions.some((dimension) => dimension in filters);
    const rollups = await readRollups(db, tenant.id);
    const data = filtered
      ? {
          rollups,
          sources: [{ groupedBy: filterDimensions, rows: await readCubeRows(db, tenant.id) }],
          view: await readViewCounts(db, tenant.id, period, filters),
        }
      : { rollups, sources: rollupSources(rollups), view: sumRollups(rollups, period) };

    const options: InsightsResult['options'] = {
      periods: periodsOf(data.rollups.map((row) => row.month)),
      department: optionValues(data.rollups, 'department'),
      location: optionValues(data.rollups, 'location'),
      level: optionValues(data.rollups, 'level'),
    };
    const base = {
      query: { period, ...filters },
      thresholds,
      generatedAt: new Date(now()).toISOString(),
      options,
      labels: { reasons: reasonLabels, topics: topicTitles(tenant) },
    };

    const cube = analyzeCube({ sources: data.sources, period, filters, minGroupSize });
    if (cube.view.count === 0) return { result: { ...base, view: { state: 'empty' } }, quoteSources: [] };
    if (cube.view.suppressed) {
      return {
        quoteSources: [],
        result: {
          ...base,
          view: {
            state: 'suppressed',
            reason: cube.view.count < minGroupSize ? 'small-group' : 'differencing',
          },
        },
      };
    }
    const total = cube.view.count;
    const { counts } = data.view;
    const breakdown = (prefix: string) =>
      suppressBreakdown({ total, items: entriesOf(counts, prefix), minGroupSize });

    const reasons = breakdown('reason');
    const regrettable = breakdown('regrettable');
    const reviewed = breakdown('reviewed');
    const recommend = breakdown('recommend');
    const yes = countOf(recommend, 'yes');
    const no = countOf(recommend, 'no');
    const maybe = countOf(recommend, 'maybe');
    const answered = yes !== undefined && no !== undefined && maybe !== undefined ? yes + no + maybe : 0;
    const top = reasons.find((item) => !isSuppressed(item));

    const breakdowns: NonNullable<InsightsResult['breakdowns']> = {};
    for (const dimension of filterDimensions) {
      const entries = cube.breakdowns[dimension];
      if (entries) breakdowns[dimension] = cubeItems(entries, total);
    }
    breakdowns.tenureBand = breakdown('tenure');
    breakdowns.terminationType = breakdown('termination');

    const sentiment: TopicSentiment[] = [];
    const topics = new Map<string, Array<{ key: string; count: number }>>();
    for (const [key, count] of Object.entries(counts)) {
      if (!key.startsWith('topic:')) continue;
      const separator = key.lastIndexOf(':');
      const topicId = key.slice(6, separator);
      const list = topics.get(topicId) ?? [];
      list.push({ key: key.slice(separator + 1), count });
      topics.set(topicId, list);
    }
    for (const [topicId, labelCounts] of topics) {
      const topicAnswered = labelCounts.reduce((sum, entry) => sum + entry.count, 0);
      if (topicAnswered < minGroupSize) {
        sentiment.push({ topicId, suppressed: true });
        continue;
      }
      const labels = suppressBreakdown({
        total: topicAnswered,
        items: ['negative', 'neutral', 'positive'].map((label) => ({
          key: label,
          count: labelCounts.find((entry) => entry.key === label)?.count ?? 0,
        })),
        minGroupSize,
      });
      const positive = countOf(labels, 'positive');
      const negative = countOf(labels, 'negative');
      sentiment.push({
        topicId,
        answered: topicAnswered,
        labels,
        net: positive !== undefined && negative !== undefined ? (positive - negative) / topicAnswered : null,
      });
    }
    sentiment.sort(
      (a, b) =>
        ('answered' in b ? b.answered : 0) - ('answered' in a ? a.answered : 0) ||
        a.topicId.localeCompare(b.topicId),
    );

    const themeCounts = entriesOf(counts, 'theme')
      .filter((entry): entry is { key: string; count: number } => entry.key !== null)
      .slice(0, maxThemes);
    const quoted = themeCounts
      .filter(
        (entry) =>
          entry.count >= quoteMinGroupSize && total >= quoteMinGroupSize && knownReasons.has(entry.key),
      )
      .map((entry) => entry.key);
    const quoteSources =
      quoted.length > 0
        ? await readQuoteSources(db, tenant.id, {
            period,
            filters,
            reasons: quoted,
            limit: quotesPerTheme * 4,
          })
        : [];
    const themes: Theme[] = themeCounts.map((entry) =>
      entry.count < minGroupSize
        ? { key: entry.key, suppressed: true as const, quotes: { suppressed: true as const } }
        : {
            key: entry.key,
            count: entry.count,
            share: entry.count / total,
            quotes: { suppressed: true as const },
          },
    );

    const result: InsightsResult = {
      ...base,
      view: { state: 'shown', interviews: total },
      overview: {
        interviews: total,
        regrettable: shareOf(regrettable, 'yes'),
        reviewed: shareOf(reviewed, 'yes'),
        wouldRecommend:
          answered >= minGroupSize && yes !== undefined && no !== undefined
            ? { score: Math.round(((yes - no) / answered) * 100), answered }
            : { suppressed: true },
        topReason: top && !isSuppressed(top) && top.key ? { key: top.key, share: top.share } : null,
      },
      reasons,
      breakdowns,
      recommend,
      trend: cube.trend.map((entry) =>
        entry.suppressed
          ? { month: entry.month, suppressed: true as const }
          : { month: entry.month, count: entry.count },
      ),
      sentiment,
      themes,
    };
    return { result, quoteSources };
  }

  /** Up to `quotesPerTheme` redacted quotes per reason, one per interview, from the sampled reports. */
  async function quotesFrom(
    tenantId: string,
    sources: readonly QuoteSource[],
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const source of sources) {
      const quotes = result.get(source.reason) ?? [];
      result.set(source.reason, quotes);
      if (quotes.length >= quotesPerTheme) continue;
      const redactor = createRedactor({ names: source.names });
      const report = options.openReport
        ? await options.openReport({ tenantId, interviewId: source.interviewId, stored: source.report })
        : source.report;
      // One quote per interview, so no single person speaks for a theme.
      for (const raw of evidenceFor(report, source.reason)) {
        const quote = cleanQuote(redactor.redact(raw));
        if (!quote || seen.has(quote.toLowerCase())) continue;
        seen.add(quote.toLowerCase());
        quotes.push(quote);
        break;
      }
    }
    return result;
  }

  return {
    /**
     * The aggregates of one view. Cached per tenant, query and thresholds; the tenant's insights version
     * (one indexed row) is read at most once per `versionCheckMs`, so a report landing or a review on any
     * replica ends the entry within that time.
     */
    async insights(tenant: Tenant, query: InsightsQuery): Promise<InsightsResult> {
      if (!periodKind(query.period)) {
        throw new ApiError({
          status: 400,
          code: 'invalid-request',
          message: `Unknown period ${query.period}`,
        });
      }
      const thresholds = thresholdsOf(tenant);
      let version = latestVersion.get(tenant.id);
      const checkedAt = versionCheckedAt.get(tenant.id);
      if (version === undefined || checkedAt === undefined || now() - checkedAt >= versionCheckMs) {
        const current = await withTenant(database, tenant.id, (db) => readInsightsVersion(db, tenant.id));
        versionCheckedAt.set(tenant.id, now());
        if (version !== current) forgetTenant(tenant.id);
        latestVersion.set(tenant.id, current);
        version = current;
      }
      const filters = Object.fromEntries(
        filterDimensions
          .filter((dimension) => dimension in query.filters)
          .map((dimension) => [dimension, query.filters[dimension]]),
      );
      const key = `${tenant.id}|${version}|${thresholds.minGroupSize}|${thresholds.quoteMinGroupSize}|${query.period}|${JSON.stringify(filters)}`;
      const cached = cache.get(key);
      if (cached) {
        hits += 1;
        return cached;
      }
      misses += 1;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = compute(tenant, { period: query.period, filters }, thresholds).finally(() =>
          inFlight.delete(key),
        );
        inFlight.set(key, pending);
      }
      const result = await pending;
      cache.set(key, result);
      return result;
    },

    /** Cache counters (for the benchmark and diagnostics). */
    cacheStats() {
      return { hits, misses, size: cache.size };
    },

    /** Drops every cached result of a tenant (erasure, settings change). */
    invalidate(tenantId: string): void {
      forgetTenant(tenantId);
      latestVersion.delete(tenantId);
      versionCheckedAt.delete(tenantId);
    },

    /** The aggregates of one view as CSV (withheld cells say so; never a zero). */
    async insightsCsv(
      tenant: Tenant,
      query: InsightsQuery,
      locale: 'en' | 'de' | 'fr' | 'es',
    ): Promise<string> {
      const result = await this.insights(tenant, query);
      return insightsToCsv(result, locale);
    },

    /** The review state of an interview's report (admins; analysts too unless the interview is confidential). */
    async review(tenant: Tenant, interviewId: string, role: InsightsRole) {
      return withTenant(database, tenant.id, async (db) => {
        const interview = await db
          .selectFrom('interviews')
          .select(['mode'])
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', interviewId)
          .executeTakeFirst();
        if (!interview) throw notFound('Interview');
        assertReportVisible(interview.mode, role);
        const state = await readReviewState(db, tenant.id, interviewId);
        if (!state) throw reportNotReady();
        return reviewView(state);
      });
    },

    /**
     * Confirms or overrides the primary reason and the regrettable flag (admins only), audited. The
     * aggregates use the confirmed values from the same transaction on.
     */
    async updateReview(tenant: Tenant, interviewId: string, patch: ReviewPatch, reviewer: Reviewer) {
      if (reviewer.role !== 'admin') {
        throw new ApiError({
          status: 403,
          code: 'forbidden',
          message: 'Only the admin role may review reports',
        });
      }
      if (
        patch.primaryReason !== undefined &&
        patch.primaryReason !== null &&
        !knownReasons.has(patch.primaryReason)
      ) {
        throw new ApiError({
          status: 400,
          code: 'invalid-request',
          message: `primaryReason must be one of ${reasonIds.join(', ')}`,
        });
      }
      const result = await withTenant(database, tenant.id, async (db) => {
        const interview = await db
          .selectFrom('interviews')
          .select(['mode', 'status'])
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', interviewId)
          .forUpdate()
          .executeTakeFirst();
        if (!interview) throw notFound('Interview');
        const before = await readReviewState(db, tenant.id, interviewId);
        if (!before || interview.status !== 'completed') throw reportNotReady();
        const current = before.current ?? { primaryReason: null, regrettable: null };
        const next = {
          primaryReason: patch.primaryReason === undefined ? current.primaryReason : patch.primaryReason,
          regrettable: patch.regrettable === undefined ? current.regrettable : patch.regrettable,
        };
        await insertReview(db, tenant.id, interviewId, { ...next, reviewer: reviewer.id });
        await recordAudit(db, tenant.id, [
          {
            actorType: 'admin',
            actorId: reviewer.id,
            action: 'report.review',
            targetType: 'interview',
            targetId: interviewId,
            requestId: reviewer.requestId ?? null,
            details: {
              primaryReason: {
                from: current.primaryReason,
                to: next.primaryReason,
                ai: before.ai.primaryReason,
              },
              regrettable: { from: current.regrettable, to: next.regrettable, ai: before.ai.regrettable },
            },
          },
        ]);
        const after = await readReviewState(db, tenant.id, interviewId);
        return reviewView(after ?? before);
      });
      this.invalidate(tenant.id);
      return result;
    },

    /** The interview list with confirmed report signals, newest first, under the identity and mode rules. */
    async interviewList(tenant: Tenant, role: InsightsRole, limit: number) {
      const rows = await withTenant(database, tenant.id, (db) =>
        listInterviewsForExport(db, tenant.id, { limit }),
      );
      return rows.map((row) => interviewListEntry(row, role));
    },

    /** One interview of the list, or undefined when the tenant has no such interview. */
    async interviewEntry(tenant: Tenant, role: InsightsRole, interviewId: string) {
      const [row] = await withTenant(database, tenant.id, (db) =>
        listInterviewsForExport(db, tenant.id, { limit: 1, id: interviewId }),
      );
      return row ? interviewListEntry(row, role) : undefined;
    },

    /** The interview list as CSV. */
    async interviewListCsv(tenant: Tenant, role: InsightsRole, limit: number): Promise<string> {
      const entries = await this.interviewList(tenant, role, limit);
      return toCsv(
        [
          'id',
          'status',
          'mode',
          'employee',
          'department',
          'location',
          'level',
          'tenure_months',
          'termination_type',
          'created',
          'completed',
          'report',
          'primary_reason',
          'regrettable',
          'reviewed',
        ],
        entries.map((entry) => [
          entry.id,
          entry.status,
          entry.mode,
          entry.employee,
          entry.attributes?.department,
          entry.attributes?.location,
          entry.attributes?.level,
          entry.attributes?.tenureMonths,
          entry.attributes?.terminationType,
          entry.created,
          entry.completed,
          entry.report.status,
          entry.report.primaryReason,
          entry.report.regrettable,
          entry.report.reviewed,
        ]),
      );
    },
  };
}

function reportNotReady(): ApiError {
  return new ApiError({ status: 409, code: 'conflict', message: 'The interview has no report yet' });
}

/**
 * Confidential interviews' reports are for the admin role only: analysts get 403 (they can see that the
 * interview exists and is confidential in the list, so 404 would only confuse).
 */
export function assertReportVisible(mode: string, role: InsightsRole): void {
  if (mode === 'confidential' && role !== 'admin') {
    throw new ApiError({
      status: 403,
      code: 'forbidden',
      message: 'Reports of confidential interviews are visible to the admin role only',
    });
  }
}

function reviewView(state: NonNullable<Awaited<ReturnType<typeof readReviewState>>>) {
  const confirmed = {
    primaryReason: state.current?.primaryReason ?? state.ai.primaryReason,
    regrettable: state.current?.regrettable ?? state.ai.regrettable,
  };
  return {
    ai: state.ai,
    confirmed,
    overridden: {
      primaryReason:
        state.current?.primaryReason != null && state.current.primaryReason !== state.ai.primaryReason,
      regrettable: state.current?.regrettable != null && state.current.regrettable !== state.ai.regrettable,
    },
    reviewed: state.current !== null,
    history: state.history,
  };
}

/** One interview of the list: anonymous interviews show no identity, no attributes and only the month. */
function interviewListEntry(row: InterviewListRow, role: InsightsRole) {
  const anonymous = row.mode === 'anonymous';
  const reportVisible = row.mode !== 'confidential' || role === 'admin';
  const month = (date: Date | null) => (date ? date.toISOString().slice(0, 7) : null);
  return {
    id: row.id,
    status: row.status,
    mode: row.mode,
    employee:
      role === 'admin' && row.mode === 'identified'
        ? (row.employee_name ?? row.employee_external_id ?? null)
        : null,
    attributes: anonymous
      ? null
      : {
          department: row.department,
          location: row.location,
          level: row.level,
          tenureMonths: row.tenure_months,
          terminationType: row.termination_type,
        },
    created: anonymous ? month(row.created_at) : row.created_at.toISOString(),
    completed: anonymous ? month(row.ended_at) : (row.ended_at?.toISOString() ?? null),
    report: {
      status: row.report_status,
      visible: reportVisible,
      primaryReason: reportVisible ? row.primary_reason : null,
      regrettable: reportVisible ? row.regrettable : null,
      reviewed: reportVisible ? row.reviewed : null,
    },
  };
}

/** The periods with data, newest first: years, their quarters and months, after 'all'. */
function periodsOf(months: readonly string[]): string[] {
  const sorted = [...new Set(months)].sort().reverse();
  const periods = new Set<string>(['all']);
  for (const month of sorted) {
    periods.add(periodOf(month, 'year'));
    periods.add(periodOf(month, 'quarter'));
    periods.add(month);
  }
  return [...periods];
}

function optionValues(rollups: readonly RollupRow[], dimension: FilterDimension): Array<string | null> {
  const values = new Set<string>();
  for (const row of rollups) {
    for (const key of Object.keys(row.counts))
      if (key.startsWith(`${dimension}:`)) values.add(key.slice(dimension.length + 1));
  }
  return [...values]
    .sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map((value) => (value === '' ? null : value));
}

const csvText = {
  en: { notRecorded: 'Not recorded', withheld: 'withheld (group too small)', interviews: 'Interviews' },
  de: { notRecorded: 'Nicht erfasst', withheld: 'ausgeblendet (Gruppe zu klein)', interviews: 'Gespräche' },
  fr: { notRecorded: 'Non renseigné', withheld: 'masqué (groupe trop petit)', interviews: 'Entretiens' },
  es: {
    notRecorded: 'No registrado',
    withheld: 'oculto (grupo demasiado pequeño)',
    interviews: 'Entrevistas',
  },
} as const;

/** The aggregates as CSV rows: section, key, label, count, share (%), status. */
export function insightsToCsv(result: InsightsResult, locale: 'en' | 'de' | 'fr' | 'es'): string {
  const text = csvText[locale];
  const rows: CsvCell[][] = [];
  const label = (section: string, key: string | null) => {
    if (key === null) return text.notRecorded;
    if (section === 'reasons' || section === 'themes')
      return reasonLabels[key]?.[locale] ?? reasonLabels[key]?.en ?? key;
    if (section === 'sentiment')
      return result.labels.topics[key]?.[locale] ?? result.labels.topics[key]?.en ?? key;
    return key;
  };
  const push = (
    section: string,
    item: BreakdownItem | { key: string; count: number; share: number } | { key: string; suppressed: true },
  ) => {
    if ('suppressed' in item)
      rows.push([section, item.key, label(section, item.key), null, null, text.withheld]);
    else
      rows.push([
        section,
        item.key,
        label(section, item.key),
        item.count,
        Math.round(item.share * 1000) / 10,
        'shown',
      ]);
  };
  const filters = filterDimensions
    .filter((dimension) => dimension in result.query)
    .map((dimension) => `${dimension}=${result.query[dimension] ?? text.notRecorded}`);
  rows.push(['query', 'period', result.query.period, null, null, filters.join('; ')]);
  rows.push(['query', 'minGroupSize', String(result.thresholds.minGroupSize), null, null, '']);
  if (result.view.state !== 'shown' || !result.overview) {
    rows.push([
      'view',
      result.view.state,
      result.view.state === 'suppressed' ? result.view.reason : '',
      null,
      null,
      text.withheld,
    ]);
    return toCsv(['section', 'key', 'label', 'count', 'share_percent', 'status'], rows);
  }
  rows.push(['overview', 'interviews', text.interviews, result.overview.interviews, 100, 'shown']);
  for (const [key, figure] of [
    ['regrettable', result.overview.regrettable],
    ['reviewed', result.overview.reviewed],
  ] as const) {
    if ('suppressed' in figure) rows.push(['overview', key, key, null, null, text.withheld]);
    else rows.push(['overview', key, key, figure.count, Math.round(figure.share * 1000) / 10, 'shown']);
  }
  const recommend = result.overview.wouldRecommend;
  rows.push([
    'overview',
    'wouldRecommendScore',
    'would recommend (yes - no) / answered x 100',
    'suppressed' in recommend ? null : recommend.score,
    null,
    'suppressed' in recommend ? text.withheld : 'shown',
  ]);
  for (const item of result.reasons ?? []) push('reasons', item);
  for (const [dimension, items] of Object.entries(result.breakdowns ?? {}))
    for (const item of items) push(dimension, item);
  for (const item of result.recommend ?? []) push('recommend', item);
  for (const point of result.trend ?? []) {
    if ('suppressed' in point) rows.push(['trend', point.month, point.month, null, null, text.withheld]);
    else rows.push(['trend', point.month, point.month, point.count, null, 'shown']);
  }
  for (const topic of result.sentiment ?? []) {
    if ('suppressed' in topic) {
      rows.push(['sentiment', topic.topicId, label('sentiment', topic.topicId), null, null, text.withheld]);
      continue;
    }
    for (const item of topic.labels) {
      if ('suppressed' in item)
        rows.push([
          'sentiment',
          `${topic.topicId}:${item.key}`,
          label('sentiment', topic.topicId),
          null,
          null,
          text.withheld,
        ]);
      else
        rows.push([
          'sentiment',
          `${topic.topicId}:${item.key}`,
          label('sentiment', topic.topicId),
          item.count,
          Math.round(item.share * 1000) / 10,
          'shown',
        ]);
    }
  }
  for (const theme of result.themes ?? []) push('themes', theme);
  return toCsv(['section', 'key', 'label', 'count', 'share_percent', 'status'], rows);
}
