import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { neutralizeCell, toCsv } from './csv.ts';

describe('toCsv', () => {
  it('should neutralise cells that a spreadsheet would run as formulas', () => {
    for (const dangerous of [
      '=1+1',
      '+SUM(A1)',
      '-2+3',
      '@cmd',
      '\tx',
      '\rx',
      '=HYPERLINK("http://x")',
      '＝1+1',
    ]) {
      expect(neutralizeCell(dangerous)).toBe(`'${dangerous}`);
    }
    for (const safe of ['Sales', '1+1', 'a=b', ' =1', '']) expect(neutralizeCell(safe)).toBe(safe);
  });

  it('should neutralise a formula followed by a line break', () => {
    const csv = toCsv(['text'], [['=cmd|" /C calc"!A0\nsecond line']]);
    const parsed = Papa.parse<string[]>(csv.trim(), { newline: '\r\n' }).data;
    expect(parsed[1]?.[0]).toBe(`'=cmd|" /C calc"!A0\nsecond line`);
  });

  it('should quote per RFC 4180 and round-trip through a parser', () => {
    const rows = [
      ['comma, inside', 'quote " inside', 'line\r\nbreak', 42, -7.5, true, null],
      ['plain', '', 'x', 0, 1, false, undefined],
    ];
    const csv = toCsv(['a', 'b', 'c', 'n', 'm', 'flag', 'empty'], rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"comma, inside"');
    expect(csv).toContain('"quote "" inside"');
    const parsed = Papa.parse<string[]>(csv.trim(), { newline: '\r\n' }).data;
    expect(parsed).toEqual([
      ['a', 'b', 'c', 'n', 'm', 'flag', 'empty'],
      ['comma, inside', 'quote " inside', 'line\r\nbreak', '42', '-7.5', 'true', ''],
      ['plain', '', 'x', '0', '1', 'false', ''],
    ]);
  });

  it('should keep negative numbers as numbers', () => {
    expect(toCsv(['score'], [[-20]])).toBe('score\r\n-20\r\n');
  });
});
