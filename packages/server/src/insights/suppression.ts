// Anonymity protection for aggregates: minimum group sizes and line-wise complementary suppression.
// Pure functions, no I/O. The rules are described for HR readers in docs/insights.md.

/** The smallest minimum group size a tenant may configure. */
export const absoluteMinGroupSize = 3;
/** The minimum group size when a tenant sets none. */
export const defaultMinGroupSize = 5;
/** The minimum group behind a quote when a tenant sets none. */
export const defaultQuoteMinGroupSize = 10;

/** Group sizes below which figures and quotes are withheld. */
export interface AnonymityThresholds {
  /** Every figure needs at least this many interviews behind it. */
  minGroupSize: number;
  /** Quotes need at least this many interviews behind them (never below `minGroupSize`). */
  quoteMinGroupSize: number;
}

/** Thrown when thresholds would weaken anonymity below what ExitBot allows. */
export class ThresholdError extends Error {
  readonly field: 'minGroupSize' | 'quoteMinGroupSize';

  constructor(field: 'minGroupSize' | 'quoteMinGroupSize', message: string) {
    super(message);
    this.name = 'ThresholdError';
    this.field = field;
  }
}

/**
 * Validates thresholds and fills defaults: the minimum can never go below 3 and quotes can never need
 * fewer interviews than figures. Throws `ThresholdError` naming the bad field.
 */
export function resolveThresholds(
  input: { minGroupSize?: number; quoteMinGroupSize?: number } = {},
): AnonymityThresholds {
  const minGroupSize = input.minGroupSize ?? defaultMinGroupSize;
  if (!Number.isInteger(minGroupSize) || minGroupSize < absoluteMinGroupSize) {
    throw new ThresholdError(
      'minGroupSize',
      `minGroupSize must be an integer of at least ${absoluteMinGroupSize}, got ${minGroupSize}`,
    );
  }
  const quoteMinGroupSize = input.quoteMinGroupSize ?? Math.max(defaultQuoteMinGroupSize, minGroupSize);
  if (!Number.isInteger(quoteMinGroupSize) || quoteMinGroupSize < minGroupSize) {
    throw new ThresholdError(
      'quoteMinGroupSize',
      `quoteMinGroupSize must be an integer of at least minGroupSize (${minGroupSize}), got ${quoteMinGroupSize}`,
    );
  }
  return { minGroupSize, quoteMinGroupSize };
}

/**
 * An additive relation between cells: `total` = sum of `members`. Every breakdown shown next to its
 * total is a line; so is a period split into its months.
 */
export interface Line {
  total: string;
  members: readonly string[];
}

/** Options of `suppressLines()`. */
export interface SuppressLinesOptions {
  /** Interview count of each cell; cells that are absent count 0 (an empty cell is never suppressed). */
  counts: ReadonlyMap<string, number>;
  /** The relations to protect. A member is only ever suppressed through a line it is a member of. */
  lines: readonly Line[];
  minGroupSize: number;
  /** Cells already suppressed (by a coarser level, or by a rule outside this table). Not modified. */
  suppressed?: ReadonlySet<string>;
}

/**
 * Returns the set of suppressed cells: every cell of a line with 1..min-1 interviews (primary
 * suppression; a cell in no line is the caller's to check), plus
 * the fewest small cells needed so that no suppressed number can be worked out from a line
 * (complementary suppression). A line with suppressed entries must have at least two of them (the
 * total counts as one), and its suppressed members must hold at least `minGroupSize` interviews
 * together, as long as any member is still shown. The smallest shown member is suppressed until both
 * hold. Deterministic for the same input order.
 */
export function suppressLines(options: SuppressLinesOptions): Set<string> {
  const suppressed = new Set(options.suppressed ?? []);
  suppressLinesInto(suppressed, options);
  return suppressed;
}

/** `suppressLines()` that adds to `suppressed` in place (the cube calls it once per level). */
export function suppressLinesInto(
  suppressed: Set<string>,
  options: Omit<SuppressLinesOptions, 'suppressed'>,
): void {
  const { counts, lines, minGroupSize } = options;
  const countOf = (cell: string) => counts.get(cell) ?? 0;

  for (const line of lines) {
    for (const cell of [line.total, ...line.members]) {
      const count = countOf(cell);
      if (count > 0 && count < minGroupSize) suppressed.add(cell);
    }
  }

  const linesOfMember = new Map<string, number[]>();
  lines.forEach((line, index) => {
    for (const member of line.members) {
      const list = linesOfMember.get(member);
      if (list) list.push(index);
      else linesOfMember.set(member, [index]);
    }
  });

  const queue: number[] = lines.map((_, index) => index);
  const queued = new Set(queue);
  // A read pointer instead of shift(): shift is O(n) and a large cube queues many lines.
  for (let head = 0; head < queue.length; head += 1) {
    const index = queue[head] as number;
    queued.delete(index);
    const line = lines[index] as Line;
    for (;;) {
      const victim = memberToSuppress(line, suppressed, countOf, minGroupSize);
      if (victim === undefined) break;
      suppressed.add(victim);
      for (const other of linesOfMember.get(victim) ?? []) {
        if (other !== index && !queued.has(other)) {
          queued.add(other);
          queue.push(other);
        }
      }
    }
  }
}

/** The member a line still needs suppressed, or undefined when the line is safe. */
function memberToSuppress(
  line: Line,
  suppressed: ReadonlySet<string>,
  countOf: (cell: string) => number,
  minGroupSize: number,
): string | undefined {
  let suppressedEntries = countOf(line.total) > 0 && suppressed.has(line.total) ? 1 : 0;
  let suppressedSum = 0;
  let smallest: string | undefined;
  let smallestCount = Number.POSITIVE_INFINITY;
  for (const member of line.members) {
    const count = countOf(member);
    if (count <= 0) continue;
    if (suppressed.has(member)) {
      suppressedEntries += 1;
      suppressedSum += count;
    } else if (count < smallestCount) {
      smallest = member;
      smallestCount = count;
    }
  }
  if (suppressedEntries === 0 || smallest === undefined) return undefined;
  if (suppressedEntries < 2) return smallest;
  if (suppressedSum > 0 && suppressedSum < minGroupSize) return smallest;
  return undefined;
}

/** A count that is shown. */
export interface ShownCount {
  key: string | null;
  count: number;
  /** count / total of the breakdown, 0..1. */
  share: number;
}

/** A count withheld to protect anonymity: never reported as 0. */
export interface SuppressedCount {
  key: string | null;
  suppressed: true;
}

/** One entry of a breakdown. */
export type BreakdownItem = ShownCount | SuppressedCount;

/**
 * Suppresses one breakdown that sums to `total` (a single line): cells below the minimum, then
 * complementary cells. Empty categories are left out; items keep the input order.
 */
export function suppressBreakdown(options: {
  total: number;
  items: ReadonlyArray<{ key: string | null; count: number }>;
  minGroupSize: number;
  /** Whether the total itself is withheld (then at least one more member is). Default false. */
  totalSuppressed?: boolean;
}): BreakdownItem[] {
  const { total, minGroupSize } = options;
  const items = options.items.filter((item) => item.count > 0);
  const cellKey = (index: number) => `m${index}`;
  const counts = new Map<string, number>([['total', total]]);
  items.forEach((item, index) => {
    counts.set(cellKey(index), item.count);
  });
  const suppressed = suppressLines({
    counts,
    lines: [{ total: 'total', members: items.map((_, index) => cellKey(index)) }],
    minGroupSize,
    suppressed: options.totalSuppressed || total < minGroupSize ? new Set(['total']) : new Set(),
  });
  return items.map((item, index) =>
    suppressed.has(cellKey(index))
      ? { key: item.key, suppressed: true as const }
      : { key: item.key, count: item.count, share: total > 0 ? item.count / total : 0 },
  );
}

/** Whether a breakdown item is withheld. */
export function isSuppressed(item: BreakdownItem): item is SuppressedCount {
  return 'suppressed' in item;
}
