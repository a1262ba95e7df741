import { csvRecord, type CsvValue } from '../csv';
import type { CheckError, CheckOutcome, TlsInfo, Timings } from '../../db/domain';

/**
 * How the one-shot checker writes its results: a table streamed as checks finish, or CSV / JSON written once in
 * list order. Pure functions from rows to text; the caller decides where the text goes.
 */

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One checked URL, as the outputs show it: the stored check and the hops. Times epoch ms; durations ms. */
export interface UrlResult extends CheckOutcome {
  url: string;
  redirects: number;
  finalUrl: string;
  remoteAddress: string | null;
}

export interface RunSummary {
  /** URLs in the list (duplicates counted once). */
  total: number;
  /** Checks that finished; less than `total` only when interrupted. */
  checked: number;
  up: number;
  down: number;
  elapsedMs: number;
  interrupted: boolean;
  concurrency: number;
  timeoutMs: number;
  /** List lines skipped because their URL was listed before. */
  duplicates: number;
}

export function stateOf(row: UrlResult): 'up' | 'down' {
  return row.ok ? 'up' : 'down';
}

/** Durations are measured to fractions of a millisecond; a tenth is all a reader can use. */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function checksPerSecond(summary: RunSummary): number {
  if (summary.elapsedMs <= 0) return 0;
  return Math.round((summary.checked / (summary.elapsedMs / 1000)) * 10) / 10;
}

/** Collapses newlines, tabs and other control characters, which would break a table row or a log line. */
function oneLine(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------------
// table

/** Long URLs overflow their column instead of being cut: the URL matters more than the alignment. */
const MAX_URL_COLUMN = 60;

/** The URL column's width for a list, decided before the first row so streamed rows line up. */
export function urlColumnWidth(urls: readonly string[]): number {
  let width = 3;
  for (const url of urls) width = Math.max(width, Math.min(url.length, MAX_URL_COLUMN));
  return width;
}

function tableLine(url: string, state: string, code: string, ms: string, error: string, width: number): string {
  return `${url.padEnd(width)}  ${state.padEnd(5)}  ${code.padStart(4)}  ${ms.padStart(7)}  ${error}`.trimEnd() + '\n';
}

export function formatTableHeader(width: number): string {
  return tableLine('URL', 'STATE', 'CODE', 'MS', 'ERROR', width);
}

export function formatTableRow(row: UrlResult, width: number): string {
  const error = row.error ? `${row.error.kind}: ${oneLine(row.error.message)}` : '';
  return tableLine(
    row.url,
    stateOf(row),
    row.statusCode === null ? '-' : String(row.statusCode),
    String(Math.round(row.timings.totalMs)),
    error,
    width,
  );
}

/** `10 checked: 8 up, 2 down in 1.25 s (8.0 checks/s)`, or `interrupted after 3 of 10 checks: …`. */
export function formatSummaryLine(summary: RunSummary): string {
  const head = summary.interrupted
    ? `interrupted after ${summary.checked} of ${summary.total} checks`
    : `${summary.checked} checked`;
  const seconds = (summary.elapsedMs / 1000).toFixed(2);
  const rate = checksPerSecond(summary).toFixed(1);
  return `${head}: ${summary.up} up, ${summary.down} down in ${seconds} s (${rate} checks/s)\n`;
}

/** `[ 420/1000] 3 down` — the count padded to the total's width so the line keeps its length. */
export function formatProgress(done: number, total: number, down: number): string {
  const width = String(total).length;
  return `[${String(done).padStart(width)}/${total}] ${down} down`;
}

// ---------------------------------------------------------------------------------------------------------------
// CSV, through lib/csv.ts: RFC 4180, and the cells a site controls (error text, final URL, certificate issuer)
// defused so a spreadsheet never runs them as formulas

export const CSV_COLUMNS = [
  'url',
  'state',
  'status_code',
  'total_ms',
  'dns_ms',
  'connect_ms',
  'tls_ms',
  'ttfb_ms',
  'transfer_ms',
  'error_kind',
  'error_message',
  'redirects',
  'final_url',
  'remote_address',
  'tls_valid_to',
  'tls_issuer',
  'checked_at',
] as const;

function isoOrNull(epochMs: number | null | undefined): string | null {
  if (epochMs === null || epochMs === undefined || !Number.isFinite(epochMs)) return null;
  return new Date(epochMs).toISOString();
}

function csvValues(row: UrlResult): CsvValue[] {
  const t = row.timings;
  return [
    row.url,
    stateOf(row),
    row.statusCode,
    tenths(t.totalMs),
    tenths(t.dnsMs),
    tenths(t.connectMs),
    tenths(t.tlsMs),
    tenths(t.ttfbMs),
    tenths(t.transferMs),
    row.error?.kind ?? null,
    row.error?.message ?? null,
    row.redirects,
    row.finalUrl,
    row.remoteAddress,
    isoOrNull(row.tlsExpiresAt),
    row.tlsIssuer,
    isoOrNull(row.checkedAt),
  ];
}

/** A header and one record a row, in the order given; times as ISO 8601, durations in ms to a tenth. */
export function formatCsv(rows: readonly UrlResult[]): string {
  let text = csvRecord(CSV_COLUMNS);
  for (const row of rows) text += csvRecord(csvValues(row));
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON: `{ "results": [...], "summary": {...} }`, times as epoch ms like the REST API

export interface JsonResult {
  url: string;
  state: 'up' | 'down';
  statusCode: number | null;
  timings: Timings;
  error: CheckError | null;
  redirects: number;
  finalUrl: string;
  remoteAddress: string | null;
  tls: TlsInfo | null;
  checkedAt: number;
}

export interface JsonReport {
  results: JsonResult[];
  summary: RunSummary & { checksPerSecond: number };
}

export function toJsonReport(rows: readonly UrlResult[], summary: RunSummary): JsonReport {
  return {
    results: rows.map((row) => ({
      url: row.url,
      state: stateOf(row),
      statusCode: row.statusCode,
      timings: {
        dnsMs: tenths(row.timings.dnsMs),
        connectMs: tenths(row.timings.connectMs),
        tlsMs: tenths(row.timings.tlsMs),
        ttfbMs: tenths(row.timings.ttfbMs),
        transferMs: tenths(row.timings.transferMs),
        totalMs: tenths(row.timings.totalMs),
      },
      error: row.error ? { kind: row.error.kind, message: row.error.message } : null,
      redirects: row.redirects,
      finalUrl: row.finalUrl,
      remoteAddress: row.remoteAddress,
      tls: row.tlsExpiresAt === null ? null : { validTo: row.tlsExpiresAt, issuer: row.tlsIssuer ?? '' },
      checkedAt: row.checkedAt,
    })),
    summary: { ...summary, elapsedMs: tenths(summary.elapsedMs), checksPerSecond: checksPerSecond(summary) },
  };
}

export function formatJson(rows: readonly UrlResult[], summary: RunSummary): string {
  return JSON.stringify(toJsonReport(rows, summary), null, 2) + '\n';
}
