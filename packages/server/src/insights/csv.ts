// CSV exports: RFC 4180 quoting by papaparse, and every text cell that a spreadsheet would run as a
// formula (starting with = + - @, tab or carriage return, or their full-width forms) neutralised
// with a leading apostrophe.
import Papa from 'papaparse';

/** A cell of an export: numbers stay numbers (a negative number is not a formula). */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * Starts of text a spreadsheet may evaluate. Tested against the start only: papaparse's own pattern
 * (`/^[=+\-@\t\r].*$/`) misses a formula followed by a line break.
 */
export const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The neutralised form of one text cell (exported for tests and for the widget's own checks). */
export function neutralizeCell(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

/** Builds a CSV document (CRLF line ends, a header row) from rows of cells. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  const data = rows.map((row) =>
    row.map((cell) => {
      if (cell === null || cell === undefined) return '';
      if (typeof cell === 'number') return Number.isFinite(cell) ? cell : '';
      if (typeof cell === 'boolean') return cell ? 'true' : 'false';
      return neutralizeCell(cell);
    }),
  );
  // escapeFormulae is off because the cells are already neutralised above (with the stricter test);
  // papaparse quotes every cell that has a quote, a comma or a line break (RFC 4180).
  return `${Papa.unparse({ fields: header.map(neutralizeCell), data }, { newline: '\r\n', escapeFormulae: false })}\r\n`;
}
