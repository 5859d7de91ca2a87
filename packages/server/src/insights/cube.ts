// The filter cube: every view the dashboard can ask for (a period crossed with any combination of
// department, location and level filters) is one cell of it. Suppression is decided for the cube as a
// whole, level by level from the coarsest, so a cell is shown or withheld the same way in every view
// that contains it: filtering to a withheld cell can never reveal what a breakdown withheld.
import { type Line, suppressLinesInto } from './suppression.ts';

/** The attributes the dashboard filters by. */
export const filterDimensions = ['department', 'location', 'level'] as const;
/** One filterable attribute. */
export type FilterDimension = (typeof filterDimensions)[number];

/** Filter values of a view: a value, or null for "not recorded"; an absent dimension means all. */
export type CubeFilters = Partial<Record<FilterDimension, string | null>>;

/** How long a period is: all time, a year ('2025'), a quarter ('2025-Q3') or a month ('2025-08'). */
export type TimeKind = 'all' | 'year' | 'quarter' | 'month';

/** Interviews counted per month and per value of the dimensions in `groupedBy`. */
export interface CubeRow {
  /** 'YYYY-MM'. */
  month: string;
  department?: string | null;
  location?: string | null;
  level?: string | null;
  count: number;
}

const timeRank: Record<TimeKind, number> = { all: 0, year: 1, quarter: 2, month: 3 };
const timeKinds: readonly TimeKind[] = ['all', 'year', 'quarter', 'month'];
/** Lines between periods: a period is the sum of its years, quarters or months (the relations a user can see). */
const timeParents: Record<TimeKind, readonly TimeKind[]> = {
  all: [],
  year: ['all'],
  quarter: ['year'],
  month: ['quarter', 'year', 'all'],
};

const periodPatterns: ReadonlyArray<[TimeKind, RegExp]> = [
  ['all', /^all$/],
  ['year', /^\d{4}$/],
  ['quarter', /^\d{4}-Q[1-4]$/],
  ['month', /^\d{4}-(0[1-9]|1[0-2])$/],
];

/** The kind of a period key, or undefined when the key is not one of 'all', 'YYYY', 'YYYY-Qn', 'YYYY-MM'. */
export function periodKind(period: string): TimeKind | undefined {
  return periodPatterns.find(([, pattern]) => pattern.test(period))?.[0];
}

/** The period of kind `kind` that contains `month` ('YYYY-MM'). */
export function periodOf(month: string, kind: TimeKind): string {
  switch (kind) {
    case 'all':
      return 'all';
    case 'year':
      return month.slice(0, 4);
    case 'quarter':
      return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
    case 'month':
      return month;
  }
}

/** Whether `month` ('YYYY-MM') lies in `period`. */
export function monthInPeriod(month: string, period: string): boolean {
  const kind = periodKind(period);
  return kind !== undefined && periodOf(month, kind) === period;
}

type Mask = number;
const bitOf = (dimension: FilterDimension): number => 1 << filterDimensions.indexOf(dimension);
const maskOf = (dimensions: Iterable<FilterDimension>): Mask => {
  let mask = 0;
  for (const dimension of dimensions) mask |= bitOf(dimension);
  return mask;
};
const inMask = (mask: Mask, dimension: FilterDimension) => (mask & bitOf(dimension)) !== 0;
const popcount = (mask: Mask) => filterDimensions.filter((dimension) => inMask(mask, dimension)).length;

/** A level of the cube: which dimensions are fixed, and the kind of period. */
interface Level {
  mask: Mask;
  kind: TimeKind;
}

const levelId = (level: Level) => `${level.mask}:${level.kind}`;

/** One cell: a period and, per dimension, an interned value id (0 = all). */
interface Cell {
  key: string;
  period: string;
  ids: readonly number[];
  level: Level;
}

/** Cell key from the period and interned value ids (ids are integers, so the key is unambiguous). */
function cellKey(period: string, ids: readonly number[]): string {
  return `${period}|${ids[0]}|${ids[1]}|${ids[2]}`;
}

/** The levels a view needs, with every coarser level they depend on, coarsest first. */
function levelsFor(mask: Mask, kind: TimeKind): Level[] {
  const wanted: Level[] = [{ mask, kind }];
  for (const dimension of filterDimensions) {
    if (!inMask(mask, dimension)) wanted.push({ mask: mask | bitOf(dimension), kind });
  }
  if (kind !== 'month') wanted.push({ mask, kind: 'month' });
  const all = new Map<string, Level>();
  for (const level of wanted) {
    for (let sub = level.mask; ; sub = (sub - 1) & level.mask) {
      for (const coarser of timeKinds) {
        if (timeRank[coarser] <= timeRank[level.kind])
          all.set(levelId({ mask: sub, kind: coarser }), { mask: sub, kind: coarser });
      }
      if (sub === 0) break;
    }
  }
  return [...all.values()].sort(
    (a, b) => popcount(a.mask) - popcount(b.mask) || timeRank[a.kind] - timeRank[b.kind] || a.mask - b.mask,
  );
}

/** Counts per month grouped by some of the dimensions. */
export interface CubeSource {
  groupedBy: readonly FilterDimension[];
  rows: readonly CubeRow[];
}

/** Options of `analyzeCube()`. */
export interface AnalyzeCubeOptions {
  /**
   * Counts per month, each source grouped by some dimensions. Together they must cover every filtered
   * dimension; a breakdown is given for each other dimension some source covers with the filtered ones.
   * The whole tenant, not only the view: a view's cells depend on their neighbours.
   */
  sources: readonly CubeSource[];
  /** The view: a period key and its filters. */
  period: string;
  filters: CubeFilters;
  minGroupSize: number;
}

/** A cell of the cube as the view shows it. */
export interface CubeCell {
  count: number;
  suppressed: boolean;
}

/** A breakdown entry: the value of the dimension (null = not recorded) and its cell. */
export interface CubeBreakdownEntry extends CubeCell {
  value: string | null;
}

/** A month of the trend. */
export interface CubeTrendEntry extends CubeCell {
  month: string;
}

/** What the cube says about one view. */
export interface CubeAnalysis {
  view: CubeCell;
  /** Breakdowns by each dimension the view does not filter on, in descending count order. */
  breakdowns: Partial<Record<FilterDimension, CubeBreakdownEntry[]>>;
  /** The months of the view's period (empty for a one-month view), oldest first. */
  trend: CubeTrendEntry[];
  /** Every suppressed cell key, for tests and diagnostics. */
  suppressedKeys: ReadonlySet<string>;
}

/**
 * Counts every cell the view depends on and runs line-wise suppression level by level, coarsest first.
 * A level's pattern depends only on its own counts and the coarser levels, so two views that share a
 * cell always agree on it.
 */
export function analyzeCube(options: AnalyzeCubeOptions): CubeAnalysis {
  const { period, filters, minGroupSize } = options;
  const kind = periodKind(period);
  if (!kind) throw new RangeError(`Unknown period ${period}`);
  const viewMask = maskOf(filterDimensions.filter((dimension) => dimension in filters));
  const sources = options.sources.map((source) => ({ mask: maskOf(source.groupedBy), rows: source.rows }));
  const sourceFor = (mask: Mask) => sources.find((source) => (source.mask & mask) === mask);
  if (!sourceFor(viewMask)) throw new RangeError('no source is grouped by every filtered dimension');

  // Values are interned per dimension (id 0 = all; null, "not recorded", gets an id like any value).
  const interned = filterDimensions.map(() => new Map<string | null, number>());
  const valuesById = filterDimensions.map(() => [null] as Array<string | null>);
  const idOf = (index: number, value: string | null): number => {
    const map = interned[index] as Map<string | null, number>;
    let id = map.get(value);
    if (id === undefined) {
      id = map.size + 1;
      map.set(value, id);
      (valuesById[index] as Array<string | null>).push(value);
    }
    return id;
  };
  type PreparedRow = { periods: { month: string }; ids: number[]; count: number };
  const prepared = new Map<readonly CubeRow[], PreparedRow[]>();
  const rowsOf = (rows: readonly CubeRow[]): PreparedRow[] => {
    let list = prepared.get(rows);
    if (!list) {
      list = rows
        .filter((row) => row.count > 0)
        .map((row) => ({
          periods: { month: row.month },
          ids: filterDimensions.map((dimension, index) =>
            dimension in row ? idOf(index, row[dimension] ?? null) : 0,
          ),
          count: row.count,
        }));
      prepared.set(rows, list);
    }
    return list;
  };

  const levels = levelsFor(viewMask, kind).filter((level) => sourceFor(level.mask) !== undefined);
  const counts = new Map<string, number>();
  const cellsByLevel = new Map<string, Map<string, Cell>>();
  // Per mask: count the rows into month cells once (the hot loop: no allocation unless a cell is new),
  // then fold the month cells into the quarters, years and all time the view needs.
  for (const mask of new Set(levels.map((level) => level.mask))) {
    const [m0, m1, m2] = filterDimensions.map((dimension) => inMask(mask, dimension));
    const months = new Map<string, { month: string; ids: number[]; count: number }>();
    for (const row of rowsOf((sourceFor(mask) as { rows: readonly CubeRow[] }).rows)) {
      const id0 = m0 ? (row.ids[0] as number) : 0;
      const id1 = m1 ? (row.ids[1] as number) : 0;
      const id2 = m2 ? (row.ids[2] as number) : 0;
      const key = `${row.periods.month}|${id0}|${id1}|${id2}`;
      const cell = months.get(key);
      if (cell) cell.count += row.count;
      else months.set(key, { month: row.periods.month, ids: [id0, id1, id2], count: row.count });
    }
    for (const level of levels) {
      if (level.mask !== mask) continue;
      const cells = new Map<string, Cell>();
      cellsByLevel.set(levelId(level), cells);
      for (const month of months.values()) {
        const cellPeriod = periodOf(month.month, level.kind);
        const key = cellKey(cellPeriod, month.ids);
        const previous = counts.get(key);
        counts.set(key, (previous ?? 0) + month.count);
        if (previous === undefined) cells.set(key, { key, period: cellPeriod, ids: month.ids, level });
      }
    }
  }

  const suppressed = new Set<string>();
  for (const level of levels) {
    const cells = cellsByLevel.get(levelId(level)) as Map<string, Cell>;
    suppressLinesInto(suppressed, { counts, lines: linesOf(cells.values()), minGroupSize });
  }

  const cellOf = (key: string): CubeCell => {
    const count = counts.get(key) ?? 0;
    return { count, suppressed: count > 0 && (count < minGroupSize || suppressed.has(key)) };
  };
  // A filter value the data has never seen gets id -1: its view is empty.
  const viewIds = filterDimensions.map((dimension, index) =>
    dimension in filters
      ? ((interned[index] as Map<string | null, number>).get(filters[dimension] ?? null) ?? -1)
      : 0,
  );
  const matchesView = (cell: Cell) =>
    filterDimensions.every(
      (dimension, index) => !inMask(viewMask, dimension) || cell.ids[index] === viewIds[index],
    );
  const dimensionValue = (index: number, id: number) =>
    (valuesById[index] as Array<string | null>)[id] ?? null;

  const breakdowns: Partial<Record<FilterDimension, CubeBreakdownEntry[]>> = {};
  for (const dimension of filterDimensions) {
    const cells = cellsByLevel.get(levelId({ mask: viewMask | bitOf(dimension), kind }));
    if (inMask(viewMask, dimension) || !cells) continue;
    const index = filterDimensions.indexOf(dimension);
    breakdowns[dimension] = [...cells.values()]
      .filter((cell) => cell.period === period && matchesView(cell))
      .map((cell) => ({ value: dimensionValue(index, cell.ids[index] as number), ...cellOf(cell.key) }))
      .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
  }

  const trend: CubeTrendEntry[] =
    kind === 'month'
      ? []
      : [...(cellsByLevel.get(levelId({ mask: viewMask, kind: 'month' })) as Map<string, Cell>).values()]
          .filter((cell) => monthInPeriod(cell.period, period) && matchesView(cell))
          .map((cell) => ({ month: cell.period, ...cellOf(cell.key) }))
          .sort((a, b) => a.month.localeCompare(b.month));

  const view = viewIds.includes(-1) ? { count: 0, suppressed: false } : cellOf(cellKey(period, viewIds));
  return { view, breakdowns, trend, suppressedKeys: suppressed };
}

/** The lines whose members are the given cells (all of one level), grouped by their total. */
function linesOf(cells: Iterable<Cell>): Line[] {
  const lines = new Map<string, { total: string; members: string[] }>();
  const add = (total: string, relation: string, member: string) => {
    const id = `${relation}${total}`;
    const line = lines.get(id);
    if (line) line.members.push(member);
    else lines.set(id, { total, members: [member] });
  };
  for (const cell of cells) {
    for (let index = 0; index < cell.ids.length; index += 1) {
      if (cell.ids[index] === 0) continue;
      const ids = cell.ids.map((id, position) => (position === index ? 0 : id));
      add(cellKey(cell.period, ids), `d${index}`, cell.key);
    }
    const month = cell.level.kind === 'month' ? cell.period : firstMonthOf(cell.period);
    for (const parent of timeParents[cell.level.kind]) {
      add(cellKey(periodOf(month, parent), cell.ids), `t${cell.level.kind}`, cell.key);
    }
  }
  return [...lines.values()];
}

/** The first month of a year or quarter period (any month of it finds the same parents). */
function firstMonthOf(period: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}`;
  return `${period.slice(0, 4)}-01`;
}
