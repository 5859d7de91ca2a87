import type {
  InsightsFilters,
  InsightsResult,
  InterviewDetail,
  InterviewEntry,
  ReportReview,
  TranscriptMessage,
} from './types.ts';

/** An API call that failed: HTTP status (0 for a network failure) and the server's error code. */
export class InsightsApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'InsightsApiError';
    this.status = status;
    this.code = code;
  }
}

/** The filter value that stands for "not recorded" in query strings. */
export const notRecordedParam = '~';

/** Query string of a view. */
export function viewQuery(
  period: string,
  filters: InsightsFilters,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({ period });
  for (const [dimension, value] of Object.entries(filters)) {
    if (value !== undefined) params.set(dimension, value === null ? notRecordedParam : value);
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/** A small client for the admin insights routes, authorised by an admin token. */
export class InsightsApi {
  readonly #base: string;
  readonly #token: string;

  constructor(options: { api: string; token: string }) {
    this.#base = options.api.replace(/\/+$/, '');
    this.#token = options.token;
  }

  async #request(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${this.#token}`, Accept: 'application/json', ...init.headers },
        credentials: 'omit',
      });
    } catch (error) {
      throw new InsightsApiError(
        0,
        'network-error',
        error instanceof Error ? error.message : 'Network error',
      );
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as {
        error?: { code?: string; message?: string };
      } | null;
      throw new InsightsApiError(
        response.status,
        body?.error?.code ?? 'http-error',
        body?.error?.message ?? `HTTP ${response.status}`,
      );
    }
    return response;
  }

  /** The aggregates of one view. */
  async insights(period: string, filters: InsightsFilters): Promise<InsightsResult> {
    return (
      await this.#request(`/v1/admin/insights?${viewQuery(period, filters)}`)
    ).json() as Promise<InsightsResult>;
  }

  /** The interview list, newest first. */
  async interviews(limit = 200): Promise<InterviewEntry[]> {
    const body = (await (await this.#request(`/v1/admin/insights/interviews?limit=${limit}`)).json()) as {
      interviews: InterviewEntry[];
    };
    return body.interviews;
  }

  /** One interview with its report and review. */
  async interview(id: string): Promise<InterviewDetail> {
    return (
      await this.#request(`/v1/admin/insights/interviews/${encodeURIComponent(id)}`)
    ).json() as Promise<InterviewDetail>;
  }

  /**
   * The interview's transcript, word for word (admin role; the server records every read in the audit log).
   * `null` when the token's role may not read transcripts.
   */
  async transcript(id: string): Promise<TranscriptMessage[] | null> {
    const body = (await (await this.#request(`/v1/admin/interviews/${encodeURIComponent(id)}`)).json()) as {
      transcript: TranscriptMessage[] | null;
    };
    return body.transcript;
  }

  /** Confirms or overrides a report's primary reason and regrettable flag (null: back to the report's value). */
  async review(
    id: string,
    patch: { primaryReason?: string | null; regrettable?: boolean | null },
  ): Promise<ReportReview> {
    const response = await this.#request(`/v1/admin/interviews/${encodeURIComponent(id)}/report`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(patch),
    });
    return response.json() as Promise<ReportReview>;
  }

  /** A CSV export as a Blob: the aggregates of a view, or the interview list. */
  async csv(kind: 'insights' | 'interviews', query: string): Promise<Blob> {
    const path =
      kind === 'insights'
        ? `/v1/admin/insights/export.csv?${query}`
        : `/v1/admin/insights/interviews.csv?${query}`;
    return (await this.#request(path, { headers: { Accept: 'text/csv' } })).blob();
  }
}

/** The role in an admin token, read without verifying it (only to hide controls; the server decides). */
export function roleOfToken(token: string | null | undefined): 'admin' | 'analyst' | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return json.role === 'admin' || json.role === 'analyst' ? json.role : undefined;
  } catch {
    return undefined;
  }
}
