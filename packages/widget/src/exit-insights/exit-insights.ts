import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { InsightsApi, InsightsApiError, roleOfToken, viewQuery } from './api.ts';
import {
  Chart,
  type ChartPalette,
  registerCharts,
  sentimentConfig,
  shareBarConfig,
  trendConfig,
} from './charts.ts';
import { exitInsightsStyles } from './exit-insights.styles.ts';
import {
  formatMonthShort,
  formatPeriod,
  type InsightsLocale,
  type InsightsStrings,
  insightsStringsFor,
  pick,
  resolveInsightsLocale,
} from './localize.ts';
import type {
  BreakdownItem,
  FilterDimension,
  InsightsFilters,
  InsightsResult,
  InterviewDetail,
  InterviewEntry,
  ReportReview,
  Theme,
  TranscriptMessage,
} from './types.ts';

/** Details of the events `<exit-insights>` fires. */
export interface ExitInsightsEventDetails {
  /** Loading or saving failed (`status` 401: the token was refused). */
  'exit-insights-error': { status: number; code: string; message: string };
  /** A report review was saved. */
  'exit-insights-review': { interviewId: string; review: ReportReview };
}

/** Names of the events `<exit-insights>` fires. */
export const exitInsightsEventNames = ['exit-insights-error', 'exit-insights-review'] as const;

type BreakdownKey = FilterDimension | 'tenureBand' | 'terminationType';
const breakdownKeys: readonly BreakdownKey[] = [
  'department',
  'location',
  'level',
  'tenureBand',
  'terminationType',
];
const filterKeys: readonly FilterDimension[] = ['department', 'location', 'level'];
const notRecordedValue = '\u0000not-recorded';
/** Interviews shown at first and added by "Show more". */
const pageSize = 15;
/** Interviews fetched for the list at first; "Show more" past them fetches four times as many, up to the API's limit. */
const firstListLimit = 200;
const maxListLimit = 50_000;
/** Statuses whose conversation is over: an admin may read their transcript even without a report. */
const conversationOver = new Set(['ending', 'completed', 'expired']);

const defaultPalette: ChartPalette = {
  accent: '#3d52c4',
  accentSoft: '#eef0fb',
  text: '#1b1f24',
  muted: '#5b6471',
  grid: '#eceef1',
  negative: '#c2410c',
  neutral: '#a3acb9',
  positive: '#15803d',
  font: "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
};

/**
 * The HR insights dashboard: why people leave, where, over time, how they felt and in their own words,
 * under the tenant's anonymity thresholds; the interview list with each report, its HR review and, for the
 * admin role, the transcript on request (every read is audited).
 * Figures come from the server already protected: withheld cells arrive as `{ suppressed: true }` and
 * are shown as "withheld", never as zero. Every text from the data is rendered as text, never as HTML.
 *
 * @example
 * <script type="module" src="https://exitbot.example.com/insights.js"></script>
 * <exit-insights token="ADMIN_TOKEN" lang="de"></exit-insights>
 *
 * @fires exit-insights-error - Loading or saving failed; `detail.status` 401 means the token was refused.
 * @fires exit-insights-review - A report review was saved; `detail` has the interview id and the review.
 * @csspart base - The dashboard's outer box.
 * @csspart tile - An overview tile.
 * @csspart card - A section card.
 * @csspart filters - The filter bar.
 * @cssprop --exit-background - Page background of the dashboard.
 * @cssprop --exit-surface - Card and tile background.
 * @cssprop --exit-text - Main text colour.
 * @cssprop --exit-text-muted - Secondary text colour.
 * @cssprop --exit-border - Borders and chart grid.
 * @cssprop --exit-accent - Accent colour of buttons and bars.
 * @cssprop --exit-accent-contrast - Text on the accent colour.
 * @cssprop --exit-accent-soft - Soft accent background.
 * @cssprop --exit-focus-ring - Focus outline colour.
 * @cssprop --exit-radius - Card corner radius (default 14px).
 * @cssprop --exit-font-family - Font stack (default: the system UI font).
 */
export class ExitInsights extends LitElement {
  static override styles = exitInsightsStyles;
  static override properties = {
    token: { type: String },
    api: { type: String },
    lang: { type: String, reflect: true },
    period: { type: String },
    _result: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _filters: { state: true },
    _breakdown: { state: true },
    _interviews: { state: true },
    _detail: { state: true },
    _detailError: { state: true },
    _transcript: { state: true },
    _draft: { state: true },
    _saveState: { state: true },
    _printing: { state: true },
    _listShown: { state: true },
  };

  /** Origin of the server the script was loaded from: the default of `api`. */
  static defaultApi: string | undefined;

  /** An admin token of the tenant (role admin or analyst). */
  declare token: string | null | undefined;
  /** Base URL of the ExitBot server; defaults to the origin the script was loaded from. */
  declare api: string | null | undefined;
  /** Language of the dashboard (en, de, fr, es); defaults to the page's language. */
  declare lang: string;
  /** The period shown first: 'all' (default), a year ('2025'), a quarter ('2025-Q3') or a month ('2025-08'). */
  declare period: string;

  declare _result: InsightsResult | undefined;
  declare _loading: boolean;
  declare _error: string | undefined;
  declare _filters: InsightsFilters;
  declare _breakdown: BreakdownKey;
  declare _interviews: InterviewEntry[] | undefined;
  declare _detail: InterviewDetail | 'loading' | undefined;
  declare _detailError: string | undefined;
  /** The open report's transcript: read only when an admin asks for it (every read is audited). */
  declare _transcript: TranscriptMessage[] | 'loading' | { error: string } | undefined;
  declare _draft: { primaryReason: string; regrettable: string };
  declare _saveState: 'idle' | 'saving' | 'saved' | { error: string };
  declare _printing: boolean;
  declare _listShown: number;

  #charts = new Map<string, Chart<'bar'>>();
  #request = 0;
  /** Bumped whenever the dialog opens or closes: answers for an earlier opening are dropped. */
  #dialogSession = 0;
  #listLimit = firstListLimit;
  #loadedKey: string | undefined;
  #opener: HTMLElement | undefined;
  #onBeforePrint = () => {
    this._printing = true;
    for (const chart of this.#charts.values()) chart.resize();
  };
  #onAfterPrint = () => {
    this._printing = false;
  };

  constructor() {
    super();
    this.period = 'all';
    this._loading = false;
    this._filters = {};
    this._breakdown = 'department';
    this._draft = { primaryReason: '', regrettable: '' };
    this._saveState = 'idle';
    this._printing = false;
    this._listShown = pageSize;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.addEventListener?.('beforeprint', this.#onBeforePrint);
    globalThis.addEventListener?.('afterprint', this.#onAfterPrint);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.removeEventListener?.('beforeprint', this.#onBeforePrint);
    globalThis.removeEventListener?.('afterprint', this.#onAfterPrint);
    for (const chart of this.#charts.values()) chart.destroy();
    this.#charts.clear();
  }

  get #locale(): InsightsLocale {
    return resolveInsightsLocale(
      this.lang || document.documentElement.lang || globalThis.navigator?.language,
    );
  }

  get #text(): InsightsStrings {
    return insightsStringsFor(this.#locale);
  }

  get #api(): InsightsApi | undefined {
    const base = this.api || ExitInsights.defaultApi || globalThis.location?.origin;
    return this.token && base ? new InsightsApi({ api: base, token: this.token }) : undefined;
  }

  get #isAdmin(): boolean {
    return roleOfToken(this.token) !== 'analyst';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('period') && !this._result) this.#loadedKey = undefined;
  }

  protected override updated(): void {
    const key = `${this.token}|${this.api}`;
    if (key !== this.#loadedKey && this.token) {
      this.#loadedKey = key;
      void this.#load();
      void this.#loadInterviews();
    }
    this.#drawCharts();
  }

  async #load(): Promise<void> {
    const api = this.#api;
    if (!api) return;
    const request = ++this.#request;
    this._loading = true;
    this._error = undefined;
    try {
      const result = await api.insights(this.period || 'all', this._filters);
      if (request !== this.#request) return;
      this._result = result;
    } catch (error) {
      if (request !== this.#request) return;
      this._error = this.#describe(error);
    } finally {
      if (request === this.#request) this._loading = false;
    }
  }

  async #loadInterviews(): Promise<void> {
    const api = this.#api;
    if (!api) return;
    try {
      this._interviews = await api.interviews(this.#listLimit);
    } catch (error) {
      this._error ??= this.#describe(error);
    }
  }

  #describe(error: unknown): string {
    const text = this.#text;
    const status = error instanceof InsightsApiError ? error.status : 0;
    const code = error instanceof InsightsApiError ? error.code : 'error';
    const message = error instanceof Error ? error.message : String(error);
    this.dispatchEvent(
      new CustomEvent('exit-insights-error', {
        detail: { status, code, message },
        bubbles: true,
        composed: true,
      }),
    );
    if (status === 401) return text.refused;
    if (status === 0) return text.unreachable;
    return text.failed(message);
  }

  #setPeriod(event: Event): void {
    this.period = (event.target as HTMLSelectElement).value;
    void this.#load();
  }

  #setFilter(dimension: FilterDimension, event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    const next = { ...this._filters };
    if (value === '') delete next[dimension];
    else next[dimension] = value === notRecordedValue ? null : value;
    this._filters = next;
    void this.#load();
  }

  #resetFilters(): void {
    this._filters = {};
    this.period = 'all';
    void this.#load();
  }

  async #download(kind: 'insights' | 'interviews'): Promise<void> {
    const api = this.#api;
    if (!api) return;
    try {
      const query =
        kind === 'insights'
          ? viewQuery(this.period || 'all', this._filters, { lang: this.#locale })
          : 'limit=50000';
      const blob = await api.csv(kind, query);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download =
        kind === 'insights' ? `exitbot-insights-${this.period || 'all'}.csv` : 'exitbot-interviews.csv';
      link.rel = 'noopener';
      this.renderRoot.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this._error = this.#describe(error);
    }
  }

  #print(): void {
    this.#onBeforePrint();
    globalThis.print?.();
  }

  async #openReport(id: string, event: Event): Promise<void> {
    const api = this.#api;
    if (!api) return;
    this.#opener = event.currentTarget as HTMLElement;
    const session = ++this.#dialogSession;
    this._detail = 'loading';
    this._detailError = undefined;
    this._transcript = undefined;
    this._saveState = 'idle';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.showModal();
    try {
      const detail = await api.interview(id);
      if (session !== this.#dialogSession) return;
      this._detail = detail;
      this._draft = {
        primaryReason: detail.review?.overridden.primaryReason
          ? (detail.review.confirmed.primaryReason ?? '')
          : '',
        regrettable: detail.review?.overridden.regrettable
          ? detail.review.confirmed.regrettable
            ? 'yes'
            : 'no'
          : '',
      };
    } catch (error) {
      if (session === this.#dialogSession) this._detailError = this.#describe(error);
    }
  }

  #closeReport(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
  }

  #onDialogClose(): void {
    this.#dialogSession += 1;
    this._detail = undefined;
    this._transcript = undefined;
    this.#opener?.focus();
    this.#opener = undefined;
  }

  async #showTranscript(): Promise<void> {
    const api = this.#api;
    const detail = this._detail;
    // One read per opening (each read is audited).
    if (!api || !detail || detail === 'loading' || this._transcript !== undefined) return;
    const session = this.#dialogSession;
    this._transcript = 'loading';
    let shown: TranscriptMessage[] | { error: string };
    try {
      const messages = await api.transcript(detail.interview.id);
      shown = messages ?? { error: this.#text.adminsOnly };
    } catch (error) {
      shown = { error: this.#describe(error) };
    }
    // The admin may have closed the dialog, or opened another interview, meanwhile.
    if (session !== this.#dialogSession) return;
    this._transcript = shown;
    await this.updateComplete;
    // The button that had the focus is gone: the focus goes to the section's heading.
    this.renderRoot.querySelector<HTMLElement>('#transcript-heading')?.focus();
  }

  /** Shows more rows of the list; past the interviews fetched so far, fetches more of them first. */
  async #showMore(): Promise<void> {
    const loaded = this._interviews?.length ?? 0;
    if (this._listShown >= loaded && loaded >= this.#listLimit && this.#listLimit < maxListLimit) {
      this.#listLimit = Math.min(this.#listLimit * 4, maxListLimit);
      await this.#loadInterviews();
    }
    this._listShown += pageSize * 2;
  }

  async #saveReview(event: Event): Promise<void> {
    event.preventDefault();
    const api = this.#api;
    const detail = this._detail;
    if (!api || !detail || detail === 'loading') return;
    this._saveState = 'saving';
    try {
      const review = await api.review(detail.interview.id, {
        primaryReason: this._draft.primaryReason === '' ? null : this._draft.primaryReason,
        regrettable: this._draft.regrettable === '' ? null : this._draft.regrettable === 'yes',
      });
      this._detail = { ...detail, review };
      this._saveState = 'saved';
      this.dispatchEvent(
        new CustomEvent('exit-insights-review', {
          detail: { interviewId: detail.interview.id, review },
          bubbles: true,
          composed: true,
        }),
      );
      void this.#load();
      void this.#loadInterviews();
    } catch (error) {
      this._saveState = { error: this.#describe(error) };
    }
  }

  // ---- formatting -------------------------------------------------------------------------------

  #percent(share: number): string {
    // Whole percentages read best; below 1 % one decimal, so a small share is not shown as 0 %.
    return new Intl.NumberFormat(this.#locale, {
      style: 'percent',
      maximumFractionDigits: share > 0 && share < 0.01 ? 1 : 0,
    }).format(share);
  }

  #number(value: number): string {
    return new Intl.NumberFormat(this.#locale).format(value);
  }

  #reasonLabel(key: string | null): string {
    if (key === null) return this.#text.notRecorded;
    return pick(this._result?.labels.reasons[key], this.#locale, key);
  }

  #topicLabel(key: string): string {
    return pick(this._result?.labels.topics[key], this.#locale, key);
  }

  #itemLabel(breakdown: BreakdownKey | 'reasons', key: string | null): string {
    const text = this.#text;
    if (key === null) return text.notRecorded;
    if (breakdown === 'reasons') return this.#reasonLabel(key);
    if (breakdown === 'tenureBand') return text.tenureBands[key] ?? key;
    return key;
  }

  #date(value: string | null): string {
    if (!value) return '—';
    if (/^\d{4}-\d{2}$/.test(value)) return formatPeriod(value, this.#locale, value);
    const date = new Date(value);
    return Number.isNaN(date.getTime())
      ? value
      : new Intl.DateTimeFormat(this.#locale, { dateStyle: 'medium' }).format(date);
  }

  #palette(): ChartPalette {
    const style = getComputedStyle(this);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    return {
      ...defaultPalette,
      accent: read('--exit-accent', defaultPalette.accent),
      text: read('--exit-text', defaultPalette.text),
      muted: read('--exit-text-muted', defaultPalette.muted),
      grid: read('--exit-border', defaultPalette.grid),
      font: read('--exit-font-family', defaultPalette.font),
    };
  }

  // ---- charts -----------------------------------------------------------------------------------

  #drawCharts(): void {
    const result = this._result;
    const shown = result?.view.state === 'shown';
    const wanted = new Map<string, ReturnType<typeof shareBarConfig>>();
    if (result && shown) {
      const palette = this.#palette();
      Chart.defaults.font.family = palette.font;
      Chart.defaults.color = palette.muted;
      const text = this.#text;
      const bars = (
        id: string,
        items: BreakdownItem[],
        label: (key: string | null) => string,
        horizontal = true,
      ) => {
        const visible = items.filter(
          (item): item is Extract<BreakdownItem, { count: number }> => 'count' in item,
        );
        if (visible.length === 0) return;
        wanted.set(
          id,
          shareBarConfig({
            labels: visible.map((item) => label(item.key)),
            shares: visible.map((item) => item.share),
            counts: visible.map((item) => item.count),
            palette,
            format: (share) => this.#percent(share),
            peopleLabel: (count) => text.people(count),
            horizontal,
          }),
        );
      };
      bars('reasons', result.reasons ?? [], (key) => this.#itemLabel('reasons', key));
      const { current } = this.#currentBreakdown(result);
      bars('breakdown', result.breakdowns?.[current] ?? [], (key) => this.#itemLabel(current, key));
      const trend = result.trend ?? [];
      if (trend.some((point) => 'count' in point)) {
        wanted.set(
          'trend',
          trendConfig({
            labels: trend.map((point) => formatMonthShort(point.month, this.#locale)),
            counts: trend.map((point) => ('count' in point ? point.count : null)),
            palette,
            exitsLabel: text.columns.exits,
            withheldLabel: text.withheld,
          }),
        );
      }
      const topics = (result.sentiment ?? []).filter(
        (topic): topic is Extract<typeof topic, { answered: number }> => 'answered' in topic,
      );
      if (topics.length > 0) {
        const shareOf = (labels: BreakdownItem[], key: string) => {
          const item = labels.find((entry) => entry.key === key);
          return item && 'share' in item ? item.share : item ? null : 0;
        };
        wanted.set(
          'sentiment',
          sentimentConfig({
            labels: topics.map((topic) => this.#topicLabel(topic.topicId)),
            series: (['negative', 'neutral', 'positive'] as const).map((label) => ({
              label: text.sentimentLabels[label],
              color: palette[label],
              shares: topics.map((topic) => shareOf(topic.labels, label)),
            })),
            palette,
            format: (share) => this.#percent(share),
          }),
        );
      }
    }
    for (const [id, chart] of this.#charts) {
      const canvas = this.renderRoot.querySelector<HTMLCanvasElement>(`canvas[data-chart="${id}"]`);
      if (!wanted.has(id) || chart.canvas !== canvas) {
        chart.destroy();
        this.#charts.delete(id);
      }
    }
    if (wanted.size === 0) return;
    registerCharts();
    for (const [id, config] of wanted) {
      const canvas = this.renderRoot.querySelector<HTMLCanvasElement>(`canvas[data-chart="${id}"]`);
      if (!canvas) continue;
      const box = canvas.parentElement;
      const rows = Number(box?.dataset.rows ?? 0);
      if (box && rows > 0) box.style.height = `${Math.max(120, Math.min(560, rows * 34 + 36))}px`;
      const existing = this.#charts.get(id);
      if (existing) {
        existing.data = config.data;
        existing.options = config.options ?? {};
        existing.update();
      } else {
        this.#charts.set(id, new Chart<'bar'>(canvas, config));
      }
    }
  }

  // ---- rendering --------------------------------------------------------------------------------

  override render(): TemplateResult {
    const text = this.#text;
    const result = this._result;
    return html`
      <div class="root" part="base" lang=${this.#locale}>
        <header class="top">
          <div class="heading">
            <h1>${text.title}</h1>
            ${result ? html`<p class="note">${text.thresholdNote(result.thresholds.minGroupSize, result.thresholds.quoteMinGroupSize)}</p>` : nothing}
          </div>
          <div class="actions no-print">
            <button type="button" class="secondary" @click=${() => this.#download('insights')} ?disabled=${!result}>${text.exportFigures}</button>
            <button type="button" class="secondary" @click=${() => this.#download('interviews')} ?disabled=${!this.token}>${text.exportInterviews}</button>
            <button type="button" class="primary" @click=${() => this.#print()} ?disabled=${!result}>${text.print}</button>
          </div>
        </header>
        ${this.#renderFilters()}
        <p class="sr-only" role="status" aria-live="polite">${this._loading ? text.loading : result?.view.state === 'shown' ? `${text.tiles.exits}: ${result.view.interviews}` : ''}</p>
        ${this._error ? html`<div class="notice error" role="alert">${this._error}</div>` : nothing}
        ${!result && this._loading ? html`<div class="notice">${text.loading}</div>` : nothing}
        ${result ? this.#renderView(result) : nothing}
        ${this.#renderInterviews()}
        ${this.#renderDialog()}
      </div>
    `;
  }

  #renderFilters(): TemplateResult {
    const text = this.#text;
    const result = this._result;
    const periods = result?.options.periods ?? ['all'];
    const currentPeriod = this.period || 'all';
    const active = filterKeys.filter((key) => key in this._filters);
    return html`
      <form class="filters" part="filters" role="search" aria-label=${text.filtersLabel} @submit=${(event: Event) => event.preventDefault()}>
        <label>
          <span>${text.period}</span>
          <select @change=${(event: Event) => this.#setPeriod(event)} .value=${currentPeriod}>
            ${(periods.includes(currentPeriod) ? periods : [currentPeriod, ...periods]).map(
              (period) =>
                html`<option value=${period} ?selected=${period === currentPeriod}>${formatPeriod(period, this.#locale, text.allTime)}</option>`,
            )}
          </select>
        </label>
        ${filterKeys.map((dimension) => {
          const values = result?.options[dimension] ?? [];
          const current = this._filters[dimension];
          const currentValue = current === undefined ? '' : current === null ? notRecordedValue : current;
          return html`
            <label>
              <span>${text[dimension]}</span>
              <select @change=${(event: Event) => this.#setFilter(dimension, event)} .value=${currentValue}>
                <option value="" ?selected=${currentValue === ''}>${text.all}</option>
                ${values.map((value) => {
                  const optionValue = value === null ? notRecordedValue : value;
                  return html`<option value=${optionValue} ?selected=${optionValue === currentValue}>${value === null ? text.notRecorded : value}</option>`;
                })}
              </select>
            </label>
          `;
        })}
        <button type="button" class="link no-print" @click=${() => this.#resetFilters()} ?hidden=${active.length === 0 && currentPeriod === 'all'}>${text.resetFilters}</button>
        <p class="print-only filters-summary">
          ${[
            `${text.period}: ${formatPeriod(currentPeriod, this.#locale, text.allTime)}`,
            ...active.map((key) => `${text[key]}: ${this._filters[key] ?? text.notRecorded}`),
          ].join(' · ')}
        </p>
      </form>
    `;
  }

  #renderView(result: InsightsResult): TemplateResult {
    const text = this.#text;
    if (result.view.state === 'empty') return html`<div class="notice">${text.empty}</div>`;
    if (result.view.state === 'suppressed') {
      const minimum = result.thresholds.minGroupSize;
      return html`
        <div class="notice withheld-view" role="note">
          <svg class="lock" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 10V7a5 5 0 0 1 10 0v3m-11 0h12a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1Z" /></svg>
          <div>
            <h2>${text.withheldHeading}</h2>
            <p>${result.view.reason === 'small-group' ? text.withheldSmall(minimum) : text.withheldDifferencing(minimum)}</p>
          </div>
        </div>
      `;
    }
    return html`
      ${this.#renderTiles(result)}
      <div class="grid">
        ${this.#renderReasons(result)}
        ${this.#renderBreakdown(result)}
        ${this.#renderTrend(result)}
        ${this.#renderSentiment(result)}
        ${this.#renderThemes(result)}
      </div>
    `;
  }

  #withheldValue(minimum: number): TemplateResult {
    const text = this.#text;
    return html`<span class="withheld" title=${text.withheldHint(minimum)}>${text.withheld}</span><span class="hint">${text.withheldHint(minimum)}</span>`;
  }

  #renderTiles(result: InsightsResult): TemplateResult {
    const text = this.#text;
    const overview = result.overview;
    if (!overview) return html``;
    const minimum = result.thresholds.minGroupSize;
    const reviewed =
      'suppressed' in overview.reviewed || overview.reviewed.count === 0
        ? undefined
        : this.#percent(overview.reviewed.share);
    return html`
      <section class="tiles" aria-label=${text.title}>
        <div class="tile" part="tile">
          <span class="tile-label">${text.tiles.exits}</span>
          <span class="tile-value">${this.#number(overview.interviews)}</span>
          <span class="hint">${reviewed ? text.tiles.reviewed(reviewed) : ''}</span>
        </div>
        <div class="tile" part="tile">
          <span class="tile-label">${text.tiles.topReason}</span>
          ${
            overview.topReason
              ? html`<span class="tile-value small">${this.#reasonLabel(overview.topReason.key)}</span><span class="hint">${this.#percent(overview.topReason.share)}</span>`
              : this.#withheldValue(minimum)
          }
        </div>
        <div class="tile" part="tile">
          <span class="tile-label">${text.tiles.regrettable}</span>
          ${
            'suppressed' in overview.regrettable
              ? this.#withheldValue(minimum)
              : html`<span class="tile-value">${this.#percent(overview.regrettable.share)}</span><span class="hint">${text.people(overview.regrettable.count)}</span>`
          }
        </div>
        <div class="tile" part="tile">
          <span class="tile-label">${text.tiles.recommend}</span>
          ${
            'suppressed' in overview.wouldRecommend
              ? this.#withheldValue(minimum)
              : html`<span class="tile-value">${overview.wouldRecommend.score > 0 ? '+' : ''}${this.#number(overview.wouldRecommend.score)}</span><span class="hint">${text.tiles.recommendHint} · ${text.answered(overview.wouldRecommend.answered)}</span>`
          }
        </div>
      </section>
    `;
  }

  /** The figures of a chart as a table (for screen readers, keyboard users and print). */
  #table(
    caption: string,
    items: BreakdownItem[],
    label: (key: string | null) => string,
    minimum: number,
  ): TemplateResult {
    const text = this.#text;
    return html`
      <details class="figures" ?open=${this._printing}>
        <summary>${text.showTable}</summary>
        <table>
          <caption class="sr-only">${caption}</caption>
          <thead><tr><th scope="col">${text.columns.item}</th><th scope="col" class="num">${text.columns.people}</th><th scope="col" class="num">${text.columns.share}</th></tr></thead>
          <tbody>
            ${items.map((item) =>
              'count' in item
                ? html`<tr><th scope="row">${label(item.key)}</th><td class="num">${this.#number(item.count)}</td><td class="num">${this.#percent(item.share)}</td></tr>`
                : html`<tr><th scope="row">${label(item.key)}</th><td class="num" colspan="2"><span class="withheld">${text.withheld}</span> <span class="hint">${text.withheldHint(minimum)}</span></td></tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }

  #withheldNote(
    items: BreakdownItem[],
    label: (key: string | null) => string,
  ): TemplateResult | typeof nothing {
    const withheld = items.filter((item) => 'suppressed' in item);
    if (withheld.length === 0) return nothing;
    return html`<p class="hint withheld-note">${this.#text.withheldList(withheld.map((item) => label(item.key)).join(', '))}</p>`;
  }

  #chart(id: string, title: string, rows: number): TemplateResult {
    // The height is set through the CSSOM in #drawCharts (a style attribute would break a strict CSP).
    return html`<div class="chart" data-rows=${rows} role="img" aria-label=${this.#text.chartSummary(title)}><canvas data-chart=${id}></canvas></div>`;
  }

  #renderReasons(result: InsightsResult): TemplateResult {
    const text = this.#text;
    const items = result.reasons ?? [];
    const label = (key: string | null) => this.#itemLabel('reasons', key);
    return html`
      <section class="card" part="card" aria-labelledby="reasons-heading">
        <h2 id="reasons-heading">${text.sections.reasons}</h2>
        ${this.#chart('reasons', text.sections.reasons, items.filter((item) => 'count' in item).length)}
        ${this.#withheldNote(items, label)}
        ${this.#table(text.sections.reasons, items, label, result.thresholds.minGroupSize)}
      </section>
    `;
  }

  /** The breakdown to show: the chosen one, or the first the view has (a filtered dimension has none). */
  #currentBreakdown(result: InsightsResult): { available: BreakdownKey[]; current: BreakdownKey } {
    const available = breakdownKeys.filter((key) => result.breakdowns?.[key]);
    return {
      available,
      current: available.includes(this._breakdown) ? this._breakdown : (available[0] ?? 'tenureBand'),
    };
  }

  #renderBreakdown(result: InsightsResult): TemplateResult {
    const text = this.#text;
    const { available, current } = this.#currentBreakdown(result);
    const items = result.breakdowns?.[current] ?? [];
    const label = (key: string | null) => this.#itemLabel(current, key);
    return html`
      <section class="card" part="card" aria-labelledby="breakdown-heading">
        <div class="card-head">
          <h2 id="breakdown-heading">${text.sections.breakdown}</h2>
          <div class="segmented no-print" role="group" aria-label=${text.sections.breakdown}>
            ${available.map(
              (key) =>
                html`<button type="button" aria-pressed=${key === current ? 'true' : 'false'} @click=${() => {
                  this._breakdown = key;
                }}>${text.breakdowns[key]}</button>`,
            )}
          </div>
        </div>
        <p class="print-only hint">${text.breakdowns[current]}</p>
        ${this.#chart('breakdown', `${text.sections.breakdown}: ${text.breakdowns[current]}`, items.filter((item) => 'count' in item).length)}
        ${this.#withheldNote(items, label)}
        ${this.#table(text.breakdowns[current], items, label, result.thresholds.minGroupSize)}
      </section>
    `;
  }

  #renderTrend(result: InsightsResult): TemplateResult | typeof nothing {
    const text = this.#text;
    const trend = result.trend ?? [];
    if (trend.length === 0) return nothing;
    const minimum = result.thresholds.minGroupSize;
    return html`
      <section class="card wide" part="card" aria-labelledby="trend-heading">
        <h2 id="trend-heading">${text.sections.trend}</h2>
        <div class="chart trend" role="img" aria-label=${text.chartSummary(text.sections.trend)}><canvas data-chart="trend" height="220"></canvas></div>
        ${
          trend.some((point) => 'suppressed' in point)
            ? html`<p class="hint withheld-note">${text.withheldList(
                trend
                  .filter((point) => 'suppressed' in point)
                  .map((point) => formatPeriod(point.month, this.#locale, point.month))
                  .join(', '),
              )}</p>`
            : nothing
        }
        <details class="figures" ?open=${this._printing}>
          <summary>${text.showTable}</summary>
          <table>
            <caption class="sr-only">${text.sections.trend}</caption>
            <thead><tr><th scope="col">${text.columns.month}</th><th scope="col" class="num">${text.columns.exits}</th></tr></thead>
            <tbody>
              ${trend.map(
                (point) =>
                  html`<tr><th scope="row">${formatPeriod(point.month, this.#locale, point.month)}</th><td class="num">${'count' in point ? this.#number(point.count) : html`<span class="withheld">${text.withheld}</span> <span class="hint">${text.withheldHint(minimum)}</span>`}</td></tr>`,
              )}
            </tbody>
          </table>
        </details>
      </section>
    `;
  }

  #renderSentiment(result: InsightsResult): TemplateResult | typeof nothing {
    const text = this.#text;
    const topics = result.sentiment ?? [];
    if (topics.length === 0) return nothing;
    const shown = topics.filter((topic) => 'answered' in topic);
    const minimum = result.thresholds.minGroupSize;
    const cell = (topic: (typeof topics)[number], key: 'negative' | 'neutral' | 'positive') => {
      if (!('labels' in topic)) return html`<span class="withheld">${text.withheld}</span>`;
      const item = topic.labels.find((entry) => entry.key === key);
      if (!item) return this.#percent(0);
      return 'share' in item
        ? this.#percent(item.share)
        : html`<span class="withheld">${text.withheld}</span>`;
    };
    return html`
      <section class="card wide" part="card" aria-labelledby="sentiment-heading">
        <h2 id="sentiment-heading">${text.sections.sentiment}</h2>
        ${shown.length > 0 ? this.#chart('sentiment', text.sections.sentiment, shown.length + 1) : nothing}
        ${this.#withheldNote(
          topics
            .filter((topic) => 'suppressed' in topic)
            .map((topic) => ({ key: topic.topicId, suppressed: true as const })),
          (key) => this.#topicLabel(key ?? ''),
        )}
        <details class="figures" ?open=${this._printing}>
          <summary>${text.showTable}</summary>
          <table>
            <caption class="sr-only">${text.sections.sentiment}</caption>
            <thead>
              <tr>
                <th scope="col">${text.columns.item}</th>
                <th scope="col" class="num">${text.sentimentLabels.negative}</th>
                <th scope="col" class="num">${text.sentimentLabels.neutral}</th>
                <th scope="col" class="num">${text.sentimentLabels.positive}</th>
                <th scope="col" class="num">${text.net}</th>
              </tr>
            </thead>
            <tbody>
              ${topics.map(
                (topic) => html`<tr>
                  <th scope="row">${this.#topicLabel(topic.topicId)}${'answered' in topic ? html` <span class="hint">${text.answered(topic.answered)}</span>` : html` <span class="hint">${text.withheldHint(minimum)}</span>`}</th>
                  <td class="num">${cell(topic, 'negative')}</td>
                  <td class="num">${cell(topic, 'neutral')}</td>
                  <td class="num">${cell(topic, 'positive')}</td>
                  <td class="num">${'net' in topic && topic.net !== null ? `${topic.net > 0 ? '+' : ''}${this.#number(Math.round(topic.net * 100))}` : '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </details>
      </section>
    `;
  }

  #renderThemes(result: InsightsResult): TemplateResult | typeof nothing {
    const text = this.#text;
    const themes = result.themes ?? [];
    if (themes.length === 0) return nothing;
    const minimum = result.thresholds.minGroupSize;
    const quotesOf = (theme: Theme) =>
      Array.isArray(theme.quotes)
        ? theme.quotes.length > 0
          ? html`<ul class="quotes">${theme.quotes.map((quote) => html`<li><blockquote>${quote}</blockquote></li>`)}</ul>`
          : nothing
        : html`<p class="hint">${text.quotesWithheld(result.thresholds.quoteMinGroupSize)}</p>`;
    return html`
      <section class="card wide" part="card" aria-labelledby="themes-heading">
        <h2 id="themes-heading">${text.sections.themes}</h2>
        <ol class="themes">
          ${themes.map(
            (theme) => html`
              <li class="theme">
                <div class="theme-head">
                  <h3>${this.#reasonLabel(theme.key)}</h3>
                  ${
                    'count' in theme
                      ? html`<span class="pill">${text.people(theme.count)} · ${this.#percent(theme.share)}</span>`
                      : html`<span class="pill muted">${text.withheld} · ${text.withheldHint(minimum)}</span>`
                  }
                </div>
                ${quotesOf(theme)}
              </li>
            `,
          )}
        </ol>
      </section>
    `;
  }

  #renderInterviews(): TemplateResult | typeof nothing {
    const text = this.#text;
    const interviews = this._interviews;
    if (!interviews) return nothing;
    return html`
      <section class="card wide interviews" part="card" aria-labelledby="interviews-heading">
        <h2 id="interviews-heading">${text.sections.interviews}</h2>
        ${
          interviews.length === 0
            ? html`<p class="hint">${text.noInterviews}</p>`
            : html`
              <div class="table-scroll">
                <table class="list">
                  <thead>
                    <tr>
                      <th scope="col">${text.listColumns.date}</th>
                      <th scope="col">${text.listColumns.status}</th>
                      <th scope="col">${text.listColumns.mode}</th>
                      <th scope="col">${text.listColumns.department}</th>
                      <th scope="col">${text.listColumns.reason}</th>
                      <th scope="col">${text.listColumns.regrettable}</th>
                      <th scope="col"><span class="sr-only">${text.listColumns.report}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${interviews.slice(0, this._listShown).map((entry) => this.#renderInterviewRow(entry))}
                  </tbody>
                </table>
              </div>
              <div class="list-foot">
                <span class="hint">${
                  this.#listMayHaveMore
                    ? text.listCountNewest(Math.min(this._listShown, interviews.length))
                    : text.listCount(Math.min(this._listShown, interviews.length), interviews.length)
                }</span>
                ${
                  interviews.length > this._listShown || this.#listMayHaveMore
                    ? html`<button type="button" class="secondary small" @click=${() => this.#showMore()}>${text.showMore}</button>`
                    : nothing
                }
              </div>
            `
        }
      </section>
    `;
  }

  /** The list was fetched up to its limit: older interviews may exist beyond it. */
  get #listMayHaveMore(): boolean {
    return (this._interviews?.length ?? 0) >= this.#listLimit && this.#listLimit < maxListLimit;
  }

  #renderInterviewRow(entry: InterviewEntry): TemplateResult {
    const text = this.#text;
    const report = entry.report;
    let action: TemplateResult;
    if (report.status !== 'ready' && this.#isAdmin && conversationOver.has(entry.status))
      action = html`<span class="hint">${text.noReport}</span> <button type="button" class="secondary small" @click=${(event: Event) => this.#openReport(entry.id, event)}>${text.openTranscript}</button>`;
    else if (report.status !== 'ready') action = html`<span class="hint">${text.noReport}</span>`;
    else if (!report.visible) action = html`<span class="hint">${text.adminsOnly}</span>`;
    else
      action = html`<button type="button" class="secondary small" @click=${(event: Event) => this.#openReport(entry.id, event)}>${text.openReport}</button>`;
    return html`
      <tr>
        <td>${this.#date(entry.completed ?? entry.created)}</td>
        <td>${text.statuses[entry.status] ?? entry.status}</td>
        <td><span class="mode mode-${entry.mode}">${text.modes[entry.mode] ?? entry.mode}</span></td>
        <td>${entry.attributes?.department ?? '—'}</td>
        <td>
          ${report.primaryReason ? this.#reasonLabel(report.primaryReason) : '—'}
          ${report.reviewed ? html`<span class="pill small">${text.confirmedBadge}</span>` : nothing}
        </td>
        <td>${report.regrettable === null ? '—' : report.regrettable ? text.yes : text.no}</td>
        <td class="row-action">${action}</td>
      </tr>
    `;
  }

  #renderDialog(): TemplateResult {
    const text = this.#text;
    const detail = this._detail;
    return html`
      <dialog aria-labelledby="report-heading" @close=${() => this.#onDialogClose()}>
        <div class="dialog-head">
          <h2 id="report-heading">${detail && detail !== 'loading' && !detail.report ? text.report.headingNoReport : text.report.heading}</h2>
          <button type="button" class="secondary small" @click=${() => this.#closeReport()}>${text.report.close}</button>
        </div>
        ${this._detailError ? html`<div class="notice error" role="alert">${this._detailError}</div>` : nothing}
        ${detail === 'loading' && !this._detailError ? html`<p class="hint">${text.report.loading}</p>` : nothing}
        ${detail && detail !== 'loading' ? this.#renderReport(detail) : nothing}
      </dialog>
    `;
  }

  #renderReport(detail: InterviewDetail): TemplateResult {
    const text = this.#text;
    const report = detail.report;
    const interview = detail.interview;
    const facts = [
      interview.employee,
      interview.attributes?.department,
      interview.attributes?.location,
      interview.attributes?.level,
      interview.completed ? this.#date(interview.completed) : undefined,
    ].filter((value): value is string => Boolean(value));
    // The id is what an erasure or a support request names.
    const identity = html`${facts.length > 0 ? html`<p class="facts">${facts.join(' · ')}</p>` : nothing}
      <p class="hint">${text.report.interviewId}: <code class="interview-id">${interview.id}</code></p>`;
    if (!report) {
      return html`<div class="report">
        <div class="badges"><span class="mode mode-${interview.mode}">${text.modes[interview.mode]}</span></div>
        ${identity}
        <p class="hint">${text.noReport}</p>
        ${this.#isAdmin ? this.#renderTranscript() : nothing}
      </div>`;
    }
    const outlook = (value: string | undefined) =>
      text.report.outlooks[(value ?? 'unknown') as keyof InsightsStrings['report']['outlooks']] ??
      value ??
      '—';
    const primary = report.reasons?.primary;
    return html`
      <div class="report">
        <div class="badges">
          <span class="pill ${report.source === 'llm' ? 'ai' : 'offline'}">${report.source === 'llm' ? text.report.aiGenerated : text.report.offline}</span>
          <span class="mode mode-${interview.mode}">${text.modes[interview.mode]}</span>
        </div>
        ${report.degraded ? html`<p class="hint">${text.report.degraded}</p>` : nothing}
        ${report.anonymised ? html`<p class="hint">${text.report.anonymised}</p>` : nothing}
        ${interview.mode === 'anonymous' ? html`<p class="hint">${text.report.anonymous}</p>` : nothing}
        ${identity}
        ${report.summary ? html`<h3>${text.report.summary}</h3><p class="summary">${report.summary}</p>` : nothing}
        <h3>${text.report.reasons}</h3>
        ${
          primary
            ? html`<div class="finding">
              <p><strong>${text.report.primary}:</strong> ${this.#reasonLabel(primary.reason)} <span class="hint">${this.#percent(primary.confidence ?? 0)}</span></p>
              ${
                (primary.evidence ?? []).length > 0
                  ? html`<p class="hint">${text.report.evidence}</p><ul class="quotes">${(primary.evidence ?? []).map((quote) => html`<li><blockquote>${quote}</blockquote></li>`)}</ul>`
                  : nothing
              }
            </div>`
            : nothing
        }
        ${
          (report.reasons?.secondary ?? []).length > 0
            ? html`<p><strong>${text.report.secondary}:</strong> ${(report.reasons?.secondary ?? []).map((finding) => this.#reasonLabel(finding.reason)).join(', ')}</p>`
            : nothing
        }
        ${
          (report.keyQuotes ?? []).length > 0
            ? html`<h3>${text.report.keyQuotes}</h3><ul class="quotes">${(report.keyQuotes ?? []).map((quote) => html`<li><blockquote>${quote.text}</blockquote><span class="hint">${this.#topicLabel(quote.topicId)}</span></li>`)}</ul>`
            : nothing
        }
        ${
          (report.topicSentiment ?? []).length > 0
            ? html`<h3>${text.report.topics}</h3>
              <ul class="topic-list">
                ${(report.topicSentiment ?? []).map(
                  (topic) =>
                    html`<li><span>${this.#topicLabel(topic.topicId)}</span><span class="chip chip-${topic.label}">${text.sentimentLabels[topic.label as 'negative' | 'neutral' | 'positive'] ?? topic.label}</span></li>`,
                )}
              </ul>`
            : nothing
        }
        <h3>${text.report.outlook}</h3>
        <dl class="outlook">
          <dt>${text.report.wouldReturn}</dt><dd>${outlook(report.wouldReturn)}</dd>
          <dt>${text.report.wouldRecommend}</dt><dd>${outlook(report.wouldRecommend)}</dd>
          <dt>${text.report.regrettable}</dt><dd>${report.regrettableLoss?.likely ? text.yes : text.no}</dd>
        </dl>
        ${
          (report.regrettableLoss?.signals ?? []).length > 0
            ? html`<p class="hint">${text.report.regrettableSignals}: ${(report.regrettableLoss?.signals ?? []).join('; ')}</p>`
            : nothing
        }
        ${
          (report.suggestedActions ?? []).length > 0
            ? html`<h3>${text.report.actions}</h3><ul>${(report.suggestedActions ?? []).map((action) => html`<li>${action}</li>`)}</ul>`
            : nothing
        }
        ${detail.review ? this.#renderReview(detail.review) : nothing}
        ${this.#isAdmin ? this.#renderTranscript() : nothing}
      </div>
    `;
  }

  /** The transcript section of the report (admin role): a button first, since reading it is audited. */
  #renderTranscript(): TemplateResult {
    const text = this.#text.report;
    const transcript = this._transcript;
    let body: TemplateResult;
    if (transcript === undefined) {
      body = html`<button type="button" class="secondary small show-transcript" @click=${() => this.#showTranscript()}>${text.showTranscript}</button>`;
    } else if (transcript === 'loading') {
      body = html`<p class="hint">${text.transcriptLoading}</p>`;
    } else if (!Array.isArray(transcript)) {
      body = html`<div class="notice error" role="alert">${transcript.error}</div>`;
    } else if (transcript.length === 0) {
      body = html`<p class="hint">${text.transcriptEmpty}</p>`;
    } else {
      body = html`<ol class="transcript">
        ${transcript.map((message) => {
          // A skipped question is stored without text ("finish" messages are not in transcripts).
          const said =
            message.role === 'employee' && message.kind === 'decline'
              ? html`<span class="hint">${text.declined}</span>`
              : message.text;
          return html`<li class=${message.role}>
            <span class="speaker">${message.role === 'employee' ? text.employee : text.interviewer}</span>
            <p>${said}</p>
            ${message.degraded ? html`<p class="hint degraded">${text.degradedQuestion}</p>` : nothing}
          </li>`;
        })}
      </ol>`;
    }
    return html`<section class="transcript-section" aria-labelledby="transcript-heading">
      <h3 id="transcript-heading" tabindex="-1">${text.transcript}</h3>
      <p class="hint">${text.transcriptLead}</p>
      <div class="transcript-body" aria-live="polite" aria-busy=${transcript === 'loading' ? 'true' : 'false'}>${body}</div>
    </section>`;
  }

  #renderReview(review: ReportReview): TemplateResult {
    const text = this.#text;
    const admin = this.#isAdmin;
    const reasons = Object.keys(this._result?.labels.reasons ?? {});
    const state = this._saveState;
    return html`
      <form class="review" @submit=${(event: Event) => this.#saveReview(event)}>
        <h3>${text.report.review}</h3>
        <p class="hint">${admin ? text.report.reviewLead : text.report.readOnly}</p>
        <div class="review-fields">
          <label>
            <span>${text.report.confirmedReason}</span>
            <select ?disabled=${!admin} .value=${this._draft.primaryReason} @change=${(event: Event) => {
              this._draft = { ...this._draft, primaryReason: (event.target as HTMLSelectElement).value };
            }}>
              <option value="" ?selected=${this._draft.primaryReason === ''}>${text.report.asReport(this.#reasonLabel(review.ai.primaryReason))}</option>
              ${reasons.map((reason) => html`<option value=${reason} ?selected=${this._draft.primaryReason === reason}>${this.#reasonLabel(reason)}</option>`)}
            </select>
          </label>
          <label>
            <span>${text.report.regrettableLabel}</span>
            <select ?disabled=${!admin} .value=${this._draft.regrettable} @change=${(event: Event) => {
              this._draft = { ...this._draft, regrettable: (event.target as HTMLSelectElement).value };
            }}>
              <option value="" ?selected=${this._draft.regrettable === ''}>${text.report.asReport(review.ai.regrettable ? text.yes : text.no)}</option>
              <option value="yes" ?selected=${this._draft.regrettable === 'yes'}>${text.yes}</option>
              <option value="no" ?selected=${this._draft.regrettable === 'no'}>${text.no}</option>
            </select>
          </label>
        </div>
        ${
          admin
            ? html`<button type="submit" class="primary" ?disabled=${state === 'saving'}>${state === 'saving' ? text.report.saving : text.report.save}</button>`
            : nothing
        }
        <p class="save-state" role="status" aria-live="polite">${state === 'saved' ? text.report.saved : typeof state === 'object' ? state.error : ''}</p>
        ${
          review.history.length > 0
            ? html`<details class="history"><summary>${text.report.history}</summary><ul>
              ${review.history.map(
                (entry) =>
                  html`<li>${text.report.historyEntry(entry.reviewer, this.#date(entry.reviewedAt))}: ${entry.primaryReason ? this.#reasonLabel(entry.primaryReason) : text.report.asReport(this.#reasonLabel(review.ai.primaryReason))}; ${text.report.regrettableLabel}: ${entry.regrettable === null ? '—' : entry.regrettable ? text.yes : text.no}</li>`,
              )}
            </ul></details>`
            : nothing
        }
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'exit-insights': ExitInsights;
  }
  interface GlobalEventHandlersEventMap {
    'exit-insights-error': CustomEvent<ExitInsightsEventDetails['exit-insights-error']>;
    'exit-insights-review': CustomEvent<ExitInsightsEventDetails['exit-insights-review']>;
  }
}
