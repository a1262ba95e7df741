/**
 * The one CSV writer, shared by the history export and the one-shot checker: RFC 4180 (records end in CRLF; a
 * field holding a comma, a quote, CR or LF is quoted, with its quotes doubled), and no text cell that a
 * spreadsheet would run as a formula.
 *
 * Text cells carry what monitored sites sent — an error message, a final URL, a certificate's issuer — so a
 * hostile site could make a cell start with `=`, `+`, `-` or `@` (or a tab or CR before one), and Excel, LibreOffice
 * and Google Sheets would evaluate it when the file is opened (CSV injection). Such a text gets a leading
 * apostrophe, which spreadsheets take as "this is text" and do not show. Numbers and booleans are written by
 * Upbeat itself and are left as they are, so a negative number stays a number.
 */

export type CsvValue = string | number | boolean | null;

/** The first characters that make a spreadsheet treat a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text that would start a formula gets a leading apostrophe; any other text is returned unchanged. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: null is empty; text is defused, then quoted when it must be. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? defuseFormula(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF included. */
export function csvRecord(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
