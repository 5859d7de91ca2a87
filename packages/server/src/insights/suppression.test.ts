import { describe, expect, it } from 'vitest';
import {
  isSuppressed,
  resolveThresholds,
  suppressBreakdown,
  suppressLines,
  ThresholdError,
} from './suppression.ts';

describe('resolveThresholds', () => {
  it('should default to 5 for figures and 10 for quotes', () => {
    expect(resolveThresholds()).toEqual({ minGroupSize: 5, quoteMinGroupSize: 10 });
  });

  it('should refuse a minimum below 3', () => {
    expect(() => resolveThresholds({ minGroupSize: 2 })).toThrow(ThresholdError);
    expect(() => resolveThresholds({ minGroupSize: 0 })).toThrow(/at least 3/);
    expect(() => resolveThresholds({ minGroupSize: -5 })).toThrow(ThresholdError);
    expect(() => resolveThresholds({ minGroupSize: 3.5 })).toThrow(ThresholdError);
    expect(() => resolveThresholds({ minGroupSize: Number.NaN })).toThrow(ThresholdError);
    expect(resolveThresholds({ minGroupSize: 3 }).minGroupSize).toBe(3);
  });

  it('should refuse a quote threshold below the minimum', () => {
    expect(() => resolveThresholds({ minGroupSize: 8, quoteMinGroupSize: 7 })).toThrow(
      expect.objectContaining({ field: 'quoteMinGroupSize' }),
    );
    expect(resolveThresholds({ minGroupSize: 8, quoteMinGroupSize: 8 })).toEqual({
      minGroupSize: 8,
      quoteMinGroupSize: 8,
    });
  });

  it('should raise the default quote threshold with a minimum above 10', () => {
    expect(resolveThresholds({ minGroupSize: 12 })).toEqual({ minGroupSize: 12, quoteMinGroupSize: 12 });
  });
});

describe('suppressLines', () => {
  const line = (total: string, ...members: string[]) => ({ total, members });

  it('should suppress cells of 1 to min-1 and leave empty and large cells', () => {
    const counts = new Map([
      ['all', 30],
      ['a', 0],
      ['b', 4],
      ['c', 5],
      ['d', 21],
    ]);
    const result = suppressLines({ counts, lines: [line('all', 'a', 'b', 'c', 'd')], minGroupSize: 5 });
    expect(result.has('a')).toBe(false);
    expect(result.has('b')).toBe(true);
    // b alone could be worked out as all - c - d: c, the smallest shown cell, goes too.
    expect(result.has('c')).toBe(true);
    expect(result.has('d')).toBe(false);
  });

  it('should keep suppressing until the withheld cells hold at least min interviews', () => {
    const counts = new Map([
      ['all', 40],
      ['a', 1],
      ['b', 1],
      ['c', 2],
      ['d', 6],
      ['e', 30],
    ]);
    const result = suppressLines({ counts, lines: [line('all', 'a', 'b', 'c', 'd', 'e')], minGroupSize: 5 });
    // a + b + c = 4 < 5, so d joins them: 10 interviews withheld together.
    expect([...result].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should not add cells when two withheld cells already hold enough', () => {
    const counts = new Map([
      ['all', 40],
      ['a', 3],
      ['b', 4],
      ['c', 33],
    ]);
    expect(
      [...suppressLines({ counts, lines: [line('all', 'a', 'b', 'c')], minGroupSize: 5 })].sort(),
    ).toEqual(['a', 'b']);
  });

  it('should suppress a second member when only the total is withheld', () => {
    const counts = new Map([
      ['all', 13],
      ['q1', 6],
      ['q3', 7],
    ]);
    const result = suppressLines({
      counts,
      lines: [line('all', 'q1', 'q3')],
      minGroupSize: 5,
      suppressed: new Set(['all']),
    });
    expect(result.has('q1')).toBe(true);
    expect(result.has('q3')).toBe(false);
  });

  it('should suppress the only member of a line whose total is withheld', () => {
    const counts = new Map([
      ['sales', 9],
      ['sales-berlin', 9],
    ]);
    const result = suppressLines({
      counts,
      lines: [line('sales', 'sales-berlin')],
      minGroupSize: 5,
      suppressed: new Set(['sales']),
    });
    expect(result.has('sales-berlin')).toBe(true);
  });

  it('should propagate through lines that share a member', () => {
    // Rows: departments; columns: locations. Sales-Munich (1) forces a second suppression in the Sales
    // row; that cell is also in the Paris column, which then needs a second suppression of its own.
    const counts = new Map([
      ['*|*', 48],
      ['sales|*', 17],
      ['eng|*', 31],
      ['*|berlin', 36],
      ['*|munich', 1],
      ['*|paris', 11],
      ['sales|berlin', 11],
      ['sales|munich', 1],
      ['sales|paris', 5],
      ['eng|berlin', 25],
      ['eng|paris', 6],
    ]);
    const lines = [
      line('sales|*', 'sales|berlin', 'sales|munich', 'sales|paris'),
      line('eng|*', 'eng|berlin', 'eng|paris'),
      line('*|berlin', 'sales|berlin', 'eng|berlin'),
      line('*|munich', 'sales|munich'),
      line('*|paris', 'sales|paris', 'eng|paris'),
    ];
    const result = suppressLines({ counts, lines, minGroupSize: 5, suppressed: new Set(['*|munich']) });
    expect(result.has('sales|munich')).toBe(true);
    expect(result.has('sales|paris')).toBe(true);
    expect(result.has('eng|paris')).toBe(true);
    expect(result.has('eng|berlin')).toBe(true);
    expect(result.has('sales|berlin')).toBe(true);
    for (const { total, members } of lines) {
      const withheld = members.filter((member) => result.has(member));
      const totalWithheld = result.has(total) ? 1 : 0;
      if (withheld.length + totalWithheld > 0 && withheld.length < members.length) {
        expect(withheld.length + totalWithheld).toBeGreaterThanOrEqual(2);
        expect(withheld.reduce((sum, member) => sum + (counts.get(member) ?? 0), 0)).toBeGreaterThanOrEqual(
          5,
        );
      }
    }
  });

  it('should give the same answer for the same input', () => {
    const counts = new Map([
      ['t', 30],
      ['a', 2],
      ['b', 7],
      ['c', 7],
      ['d', 14],
    ]);
    const lines = [line('t', 'a', 'b', 'c', 'd')];
    const first = [...suppressLines({ counts, lines, minGroupSize: 5 })];
    for (let round = 0; round < 5; round += 1) {
      expect([...suppressLines({ counts, lines, minGroupSize: 5 })]).toEqual(first);
    }
    expect(first.sort()).toEqual(['a', 'b']);
  });
});

describe('suppressBreakdown', () => {
  it('should show a department of 5 and withhold a department of 4', () => {
    const shown = suppressBreakdown({
      total: 25,
      items: [
        { key: 'Sales', count: 5 },
        { key: 'Engineering', count: 20 },
      ],
      minGroupSize: 5,
    });
    expect(shown).toEqual([
      { key: 'Sales', count: 5, share: 0.2 },
      { key: 'Engineering', count: 20, share: 0.8 },
    ]);
    const withheld = suppressBreakdown({
      total: 24,
      items: [
        { key: 'Sales', count: 4 },
        { key: 'Engineering', count: 20 },
      ],
      minGroupSize: 5,
    });
    // Engineering goes too: 24 - 20 would give Sales away.
    expect(withheld).toEqual([
      { key: 'Sales', suppressed: true },
      { key: 'Engineering', suppressed: true },
    ]);
  });

  it('should never report a withheld cell as a zero and should leave out empty categories', () => {
    const items = suppressBreakdown({
      total: 40,
      items: [
        { key: 'a', count: 0 },
        { key: 'b', count: 1 },
        { key: 'c', count: 9 },
        { key: 'd', count: 30 },
      ],
      minGroupSize: 5,
    });
    expect(items.map((item) => item.key)).toEqual(['b', 'c', 'd']);
    for (const item of items) {
      if (isSuppressed(item)) expect(item).not.toHaveProperty('count');
      else expect(item.count).toBeGreaterThanOrEqual(5);
    }
    expect(items.filter(isSuppressed).map((item) => item.key)).toEqual(['b', 'c']);
  });

  it('should withhold every item of a total below the minimum', () => {
    const items = suppressBreakdown({
      total: 4,
      items: [
        { key: 'a', count: 2 },
        { key: 'b', count: 2 },
      ],
      minGroupSize: 5,
    });
    expect(items.every(isSuppressed)).toBe(true);
  });

  it('should apply a higher tenant minimum', () => {
    const items = suppressBreakdown({
      total: 30,
      items: [
        { key: 'a', count: 7 },
        { key: 'b', count: 8 },
        { key: 'c', count: 15 },
      ],
      minGroupSize: 8,
    });
    expect(items).toEqual([
      { key: 'a', suppressed: true },
      { key: 'b', suppressed: true },
      { key: 'c', count: 15, share: 0.5 },
    ]);
  });
});
