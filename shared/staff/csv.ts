/**
 * CSV for spreadsheets, per RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): fields that hold
 * `"`, `,`, CR or LF are quoted with their quotes doubled, lines end in CRLF. Exports are opened in
 * Excel by people, so a cell that a spreadsheet would read as a formula (OWASP "CSV injection":
 * a leading `=`, `+`, `-`, `@`, tab or CR) gets a leading `'` and stays text. The file starts with a
 * UTF-8 byte-order mark: without it Excel reads UTF-8 as the local code page and Lao turns to noise.
 */

/** The UTF-8 byte-order mark, written once at the start of the body. */
export const CSV_BOM = '\uFEFF';
export const CSV_EOL = '\r\n';

/** What a cell may hold; null and undefined are empty cells. */
export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, neutralised and escaped. */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, CRLF included. */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + CSV_EOL;
}
