import { describe, expect, it } from 'vitest';
import {
  analyzeCube,
  type CubeFilters,
  type CubeRow,
  type FilterDimension,
  filterDimensions,
  monthInPeriod,
  periodKind,
  periodOf,
} from './cube.ts';

interface Person {
  month: string;
  department: string | null;
  location: string | null;
  level: string | null;
}

function people(count: number, attributes: Partial<Person> & { month?: string }): Person[] {
  return Array.from({ length: count }, () => ({
    month: attributes.month ?? '2025-03',
    department: attributes.department ?? null,
    location: attributes.location ?? null,
    level: attributes.level ?? null,
  }));
}

function rowsOf(list: Person[]): CubeRow[] {
  const rows = new Map<string, CubeRow>();
  for (const person of list) {
    const key = JSON.stringify(person);
    const row = rows.get(key);
    if (row) row.count += 1;
    else rows.set(key, { ...person, count: 1 });
  }
  return [...rows.values()];
}

function analyze(list: Person[], period: string, filters: CubeFilters, minGroupSize = 5) {
  return analyzeCube({
    sources: [{ groupedBy: filterDimensions, rows: rowsOf(list) }],
    period,
    filters,
    minGroupSize,
  });
}

describe('periods', () => {
  it('should recognise all, years, quarters and months and nothing else', () => {
    expect(periodKind('all')).toBe('all');
    expect(periodKind('2025')).toBe('year');
    expect(periodKind('2025-Q3')).toBe('quarter');
    expect(periodKind('2025-08')).toBe('month');
    for (const bad of ['2025-13', '2025-Q5', '25', '2025-8', 'last-12-months', '', '2025-08-01']) {
      expect(periodKind(bad)).toBeUndefined();
    }
  });

  it('should place a month in its quarter, year and all time', () => {
    expect(periodOf('2025-08', 'quarter')).toBe('2025-Q3');
    expect(periodOf('2025-12', 'quarter')).toBe('2025-Q4');
    expect(periodOf('2025-01', 'year')).toBe('2025');
    expect(monthInPeriod('2025-03', '2025-Q1')).toBe(true);
    expect(monthInPeriod('2025-04', '2025-Q1')).toBe(false);
    expect(monthInPeriod('2024-04', 'all')).toBe(true);
  });
});

describe('analyzeCube', () => {
  it('should withhold a department with 4 exits and show one with 5', () => {
    const four = [...people(4, { department: 'Sales' }), ...people(20, { department: 'Engineering' })];
    expect(analyze(four, 'all', { department: 'Sales' }).view).toEqual({ count: 4, suppressed: true });
    const five = [...people(5, { department: 'Sales' }), ...people(20, { department: 'Engineering' })];
    expect(analyze(five, 'all', { department: 'Sales' }).view).toEqual({ count: 5, suppressed: false });
    expect(analyze(five, 'all', {}).breakdowns.department).toEqual([
      { value: 'Engineering', count: 20, suppressed: false },
      { value: 'Sales', count: 5, suppressed: false },
    ]);
  });

  it('should not let department minus one team reveal the team', () => {
    // Sales has 12 exits: 11 in Berlin and 1 in Munich. "Sales" minus "Sales in Berlin" would be the
    // one person in Munich, so Sales-in-Berlin must not be shown while Sales is.
    const list = [
      ...people(11, { department: 'Sales', location: 'Berlin' }),
      ...people(1, { department: 'Sales', location: 'Munich' }),
      ...people(30, { department: 'Engineering', location: 'Berlin' }),
    ];
    const sales = analyze(list, 'all', { department: 'Sales' });
    expect(sales.view).toEqual({ count: 12, suppressed: false });
    expect(sales.breakdowns.location?.every((entry) => entry.suppressed)).toBe(true);
    expect(analyze(list, 'all', { department: 'Sales', location: 'Berlin' }).view.suppressed).toBe(true);
    expect(analyze(list, 'all', { department: 'Sales', location: 'Munich' }).view.suppressed).toBe(true);
  });

  it('should not let a department minus two of its teams reveal the third', () => {
    const list = [
      ...people(11, { department: 'Sales', location: 'Berlin' }),
      ...people(1, { department: 'Sales', location: 'Munich' }),
      ...people(5, { department: 'Sales', location: 'Paris' }),
      ...people(20, { department: 'Engineering', location: 'Berlin' }),
      ...people(6, { department: 'Engineering', location: 'Paris' }),
    ];
    const sales = analyze(list, 'all', { department: 'Sales' }).view.count;
    const berlin = analyze(list, 'all', { department: 'Sales', location: 'Berlin' }).view;
    const paris = analyze(list, 'all', { department: 'Sales', location: 'Paris' }).view;
    // If both were shown, 17 - 11 - 5 would single out Munich.
    expect(
      berlin.suppressed && paris.suppressed ? 'both' : berlin.suppressed || paris.suppressed ? 'one' : 'none',
    ).not.toBe('none');
    expect(sales).toBe(17);
    // Paris seen from the other side (Paris's department breakdown) agrees.
    const parisView = analyze(list, 'all', { location: 'Paris' });
    const salesInParis = parisView.breakdowns.department?.find((entry) => entry.value === 'Sales');
    expect(salesInParis?.suppressed).toBe(paris.suppressed);
  });

  it('should not let all time minus a year minus a quarter single out a few exits', () => {
    const list = [
      ...people(20, { month: '2023-05', department: 'Sales' }),
      ...people(1, { month: '2024-05', department: 'Sales' }),
      ...people(2, { month: '2025-02', department: 'Sales' }),
      ...people(6, { month: '2025-08', department: 'Sales' }),
    ];
    const all = analyze(list, 'all', {}).view;
    const y2023 = analyze(list, '2023', {}).view;
    const q3 = analyze(list, '2025-Q3', {}).view;
    expect(all.suppressed).toBe(false);
    // all - 2023 - Q3 2025 = 3 people: at least one of the two must be withheld.
    expect(y2023.suppressed || q3.suppressed).toBe(true);
  });

  it('should withhold months in the trend like any other cell', () => {
    const list = [
      ...people(6, { month: '2025-01' }),
      ...people(2, { month: '2025-02' }),
      ...people(7, { month: '2025-03' }),
      ...people(9, { month: '2025-04' }),
    ];
    const trend = analyze(list, '2025', {}).trend;
    expect(trend.map((entry) => entry.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
    expect(trend.find((entry) => entry.month === '2025-02')?.suppressed).toBe(true);
    expect(trend.filter((entry) => entry.suppressed).length).toBeGreaterThanOrEqual(2);
    for (const entry of trend) if (!entry.suppressed) expect(entry.count).toBeGreaterThanOrEqual(5);
  });

  it('should treat "not recorded" as a value of its own', () => {
    const list = [...people(8, { department: null }), ...people(9, { department: 'Sales' })];
    const view = analyze(list, 'all', { department: null });
    expect(view.view).toEqual({ count: 8, suppressed: false });
    expect(analyze(list, 'all', {}).breakdowns.department?.map((entry) => entry.value)).toEqual([
      'Sales',
      null,
    ]);
  });

  it('should refuse an unknown period', () => {
    expect(() => analyze([], 'last-30-days', {})).toThrow(RangeError);
  });
});

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Coordinates {
  period: string;
  values: Record<FilterDimension, string | null | undefined>;
}

describe('analyzeCube against a differencing attacker', () => {
  const months = ['2024-11', '2024-12', '2025-01', '2025-02', '2025-04', '2025-07'];
  const domains: Record<FilterDimension, Array<string | null>> = {
    department: ['Sales', 'Engineering', 'Support', null],
    location: ['Berlin', 'Paris', 'Madrid'],
    level: ['Junior', 'Senior'],
  };

  function randomPeople(seed: number, count: number): Person[] {
    const next = random(seed);
    const pick = <T>(values: readonly T[]) => values[Math.floor(next() ** 1.6 * values.length)] as T;
    return Array.from({ length: count }, () => ({
      month: pick(months),
      department: pick(domains.department),
      location: pick(domains.location),
      level: pick(domains.level),
    }));
  }

  const periods = ['all', '2024', '2025', '2024-Q4', '2025-Q1', '2025-Q3', '2024-12', '2025-02', '2025-07'];
  const filterOptions = (dimension: FilterDimension) => [undefined, ...domains[dimension]];

  function trueCount(list: Person[], cell: Coordinates): number {
    return list.filter(
      (person) =>
        monthInPeriod(person.month, cell.period) &&
        filterDimensions.every(
          (dimension) => cell.values[dimension] === undefined || person[dimension] === cell.values[dimension],
        ),
    ).length;
  }

  function contains(outer: Coordinates, inner: Coordinates): boolean {
    const periodContains =
      outer.period === 'all' ||
      outer.period === inner.period ||
      (periodKind(inner.period) === 'month' && monthInPeriod(inner.period, outer.period)) ||
      (periodKind(inner.period) === 'quarter' && outer.period === inner.period.slice(0, 4));
    return (
      periodContains &&
      filterDimensions.every(
        (dimension) =>
          outer.values[dimension] === undefined || outer.values[dimension] === inner.values[dimension],
      )
    );
  }

  for (const [seed, size, minGroupSize] of [
    [1, 60, 5],
    [2, 90, 5],
    [3, 45, 3],
  ] as const) {
    it(`should show every cell the same way in every view and never let two shown cells differ by 1..min-1 (seed ${seed})`, {
      timeout: 120_000,
    }, () => {
      const list = randomPeople(seed, size);
      const sources = [{ groupedBy: filterDimensions, rows: rowsOf(list) }];
      const seen = new Map<string, { cell: Coordinates; count: number; suppressed: boolean }>();
      const record = (cell: Coordinates, count: number, suppressed: boolean) => {
        const key = JSON.stringify(cell);
        const previous = seen.get(key);
        if (previous)
          expect(previous.suppressed, `cell ${key} shown in one view and withheld in another`).toBe(
            suppressed,
          );
        else seen.set(key, { cell, count, suppressed });
        expect(count).toBe(trueCount(list, cell));
        if (!suppressed && count > 0) expect(count).toBeGreaterThanOrEqual(minGroupSize);
      };

      for (const period of periods) {
        for (const department of filterOptions('department')) {
          for (const location of filterOptions('location')) {
            for (const level of filterOptions('level')) {
              const values = { department, location, level };
              const filters: CubeFilters = {};
              for (const dimension of filterDimensions)
                if (values[dimension] !== undefined) filters[dimension] = values[dimension];
              const result = analyzeCube({ sources, period, filters, minGroupSize });
              if (result.view.count === 0) continue;
              record({ period, values }, result.view.count, result.view.suppressed);
              for (const dimension of filterDimensions) {
                const entries = result.breakdowns[dimension];
                if (!entries) continue;
                for (const entry of entries) {
                  record(
                    { period, values: { ...values, [dimension]: entry.value } },
                    entry.count,
                    entry.suppressed,
                  );
                }
                // What the breakdown withholds, the total gives away as a sum: it must be 0 or >= min.
                if (!result.view.suppressed) {
                  const hidden = entries
                    .filter((entry) => entry.suppressed)
                    .reduce((sum, entry) => sum + entry.count, 0);
                  if (hidden > 0) expect(hidden).toBeGreaterThanOrEqual(minGroupSize);
                }
              }
              for (const entry of result.trend) {
                record({ period: entry.month, values }, entry.count, entry.suppressed);
              }
            }
          }
        }
      }

      const shown = [...seen.values()].filter((entry) => !entry.suppressed && entry.count > 0);
      let pairs = 0;
      for (const outer of shown) {
        for (const inner of shown) {
          if (outer === inner || !contains(outer.cell, inner.cell)) continue;
          const difference = outer.count - inner.count;
          pairs += 1;
          expect(
            difference === 0 || difference >= minGroupSize,
            `${JSON.stringify(outer.cell)} (${outer.count}) minus ${JSON.stringify(inner.cell)} (${inner.count}) isolates ${difference}`,
          ).toBe(true);
        }
      }
      expect(pairs).toBeGreaterThan(20);
      expect(shown.length).toBeGreaterThan(5);
      expect([...seen.values()].some((entry) => entry.suppressed)).toBe(true);
    });
  }
});
