import type { ChartSample, Store, UptimeWindows } from '../db';
import { presentCheck, presentSite, type ApiCheck, type ApiSite } from './api/present';
import { AppError } from './errors';

/**
 * A site's history as the site page and its API read it: named time ranges, latency downsampled to what a chart
 * can show, uptime windows, the newest certificate expiry, and exports of a range of raw checks. Type-only
 * imports from db/, so client components may import the constants and types here.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGES = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];
export const DEFAULT_RANGE: RangeKey = '24h';

export function isRangeKey(value: unknown): value is RangeKey {
  return typeof value === 'string' && Object.hasOwn(RANGES, value);
}

/** The window [from, to) a named range covers, ending now. */
export function rangeBounds(range: RangeKey, now: number): { from: number; to: number } {
  return { from: now - RANGES[range], to: now };
}

/**
 * Reads `range` from a query string: absent means the default; anything but a known range name is
 * AppError('validation') naming the field.
 */
export function parseRange(raw: string | null | undefined, now: number): { range: RangeKey; from: number; to: number } {
  const range = raw === null || raw === undefined || raw === '' ? DEFAULT_RANGE : raw;
  if (!isRangeKey(range)) {
    const message = `must be one of ${RANGE_KEYS.join(', ')}`;
    throw new AppError('validation', `Invalid query: range ${message}`, { range: message });
  }
  return { range, ...rangeBounds(range, now) };
}

// ---------------------------------------------------------------------------------------------------------------
// Downsampling

/** A chart wider than this many points draws more points than it has pixels: beyond it, bucket by time. */
export const MAX_CHART_POINTS = 2000;

/** Bucket widths a reader can name ("10-minute average"), smallest first. */
export const BUCKET_SIZES: readonly number[] = [
  1000, 2000, 5000, 10_000, 15_000, 30_000,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY,
];

/** A gap between points this many steps wide breaks the line (the monitor was off, or the site paused). */
const GAP_STEPS = 3;

/**
 * Latency over time as parallel columns (what uPlot draws), one entry per point. A point is one check, or when
 * `bucketMs` > 0 every check in [t, t + bucketMs). Latency figures cover the checks that passed; a point where
 * none passed has nulls there and `failed` > 0. A point with `checks` 0 is a gap marker.
 */
export interface ChartSeries {
  bucketMs: number;
  /** Point time (bucket start), epoch ms. */
  t: number[];
  checks: number[];
  failed: number[];
  /** Total latency of the passed checks: mean, least, most. ms, rounded to 0.1. */
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** Mean phases of the passed checks, ms: stacked, they add up to `avg`. */
  dns: (number | null)[];
  connect: (number | null)[];
  tls: (number | null)[];
  ttfb: (number | null)[];
  transfer: (number | null)[];
}

/** The smallest named bucket that keeps [from, to) within `maxPoints` points. */
export function chooseBucketMs(from: number, to: number, maxPoints: number = MAX_CHART_POINTS): number {
  const span = Math.max(0, to - from);
  for (const size of BUCKET_SIZES) if (Math.ceil(span / size) <= maxPoints) return size;
  return BUCKET_SIZES[BUCKET_SIZES.length - 1]!;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

function emptySeries(bucketMs: number): ChartSeries {
  return {
    bucketMs,
    t: [],
    checks: [],
    failed: [],
    avg: [],
    min: [],
    max: [],
    dns: [],
    connect: [],
    tls: [],
    ttfb: [],
    transfer: [],
  };
}

interface Acc {
  t: number;
  checks: number;
  failed: number;
  passed: number;
  sum: number;
  min: number;
  max: number;
  dns: number;
  connect: number;
  tls: number;
  ttfb: number;
  transfer: number;
}

function newAcc(t: number): Acc {
  return { t, checks: 0, failed: 0, passed: 0, sum: 0, min: Infinity, max: -Infinity, dns: 0, connect: 0, tls: 0, ttfb: 0, transfer: 0 };
}

function add(acc: Acc, s: ChartSample): void {
  acc.checks++;
  if (!s.ok) {
    acc.failed++;
    return;
  }
  acc.passed++;
  acc.sum += s.totalMs;
  if (s.totalMs < acc.min) acc.min = s.totalMs;
  if (s.totalMs > acc.max) acc.max = s.totalMs;
  acc.dns += s.dnsMs;
  acc.connect += s.connectMs;
  acc.tls += s.tlsMs;
  acc.ttfb += s.ttfbMs;
  acc.transfer += s.transferMs;
}

function push(out: ChartSeries, acc: Acc): void {
  const n = acc.passed;
  const mean = (v: number) => (n === 0 ? null : round1(v / n));
  out.t.push(acc.t);
  out.checks.push(acc.checks);
  out.failed.push(acc.failed);
  out.avg.push(mean(acc.sum));
  out.min.push(n === 0 ? null : round1(acc.min));
  out.max.push(n === 0 ? null : round1(acc.max));
  out.dns.push(mean(acc.dns));
  out.connect.push(mean(acc.connect));
  out.tls.push(mean(acc.tls));
  out.ttfb.push(mean(acc.ttfb));
  out.transfer.push(mean(acc.transfer));
}

function pushGap(out: ChartSeries, t: number): void {
  push(out, newAcc(t));
}

/** The typical spacing of sorted times: the median of the differences (robust to one long outage). */
function typicalStep(samples: readonly ChartSample[]): number {
  if (samples.length < 2) return 0;
  const diffs: number[] = [];
  for (let i = 1; i < samples.length; i++) diffs.push(samples[i]!.checkedAt - samples[i - 1]!.checkedAt);
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor(diffs.length / 2)]!;
}

/**
 * Turns checks (oldest first) in [from, to) into chart points. Up to `maxPoints` checks are kept one point each;
 * beyond that they are grouped into time buckets aligned to the epoch (so points stay put as the window slides),
 * keeping the least and most latency of each bucket so a spike stays visible. A gap wider than a few steps gets a
 * null point so the line breaks there instead of drawing a slope across it.
 */
export function downsample(
  samples: readonly ChartSample[],
  from: number,
  to: number,
  maxPoints: number = MAX_CHART_POINTS,
): ChartSeries {
  const bucketMs = samples.length <= maxPoints ? 0 : chooseBucketMs(from, to, maxPoints);
  const out = emptySeries(bucketMs);
  if (samples.length === 0) return out;
  const step = bucketMs > 0 ? bucketMs : typicalStep(samples);
  const gap = step > 0 ? step * GAP_STEPS : Infinity;
  let acc: Acc | null = null;
  let lastT = -Infinity;
  for (const s of samples) {
    const t = bucketMs > 0 ? Math.floor(s.checkedAt / bucketMs) * bucketMs : s.checkedAt;
    if (acc && (bucketMs === 0 || t !== acc.t)) {
      push(out, acc);
      acc = null;
    }
    if (!acc) {
      if (Number.isFinite(lastT) && t - lastT > gap) pushGap(out, lastT + step);
      acc = newAcc(t);
      lastT = t;
    }
    add(acc, s);
  }
  if (acc) push(out, acc);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The site page's data

/** How many of the newest checks the status strip shows. */
export const STRIP_SIZE = 90;
/** Rows per page of the site page's check log (`GET /api/sites/{id}/checks?limit=&before=`). */
export const CHECKS_PAGE_SIZE = 50;
/** How far back the page looks for a certificate expiry. */
const TLS_LOOKBACK_MS = 30 * DAY;

export interface ApiTls {
  expiresAt: string;
  issuer: string | null;
  /** When a check last saw this certificate. */
  seenAt: string;
}

/** `GET /api/sites/{id}/history?range=` — everything the site page draws, for one range. */
export interface HistoryPayload {
  site: ApiSite;
  range: RangeKey;
  from: string;
  to: string;
  chart: ChartSeries;
  /** The newest checks, oldest first, at most STRIP_SIZE. */
  strip: ApiCheck[];
  uptime: UptimeWindows;
  tls: ApiTls | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Reads the page's data for one site and range; AppError('not_found') when the site does not exist. */
export function loadHistory(store: Store, siteId: number, range: RangeKey, now: number): HistoryPayload {
  const site = store.getSite(siteId);
  if (!site) throw new AppError('not_found', `No site with id ${siteId}`);
  const { from, to } = rangeBounds(range, now);
  const tls = store.latestTls(siteId, now - TLS_LOOKBACK_MS);
  return {
    site: presentSite(site),
    range,
    from: iso(from),
    to: iso(to),
    chart: downsample(store.chartSamples(siteId, from, to), from, to),
    strip: store.listChecks(siteId, { limit: STRIP_SIZE }).reverse().map(presentCheck),
    uptime: store.uptimeWindows(siteId, now),
    tls: tls && { expiresAt: iso(tls.validTo), issuer: tls.issuer, seenAt: iso(tls.seenAt) },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Export

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function parseExportFormat(raw: string | null): ExportFormat {
  const format = raw === null || raw === '' ? 'csv' : raw;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    const message = `must be one of ${EXPORT_FORMATS.join(', ')}`;
    throw new AppError('validation', `Invalid query: format ${message}`, { format: message });
  }
  return format as ExportFormat;
}

export const CSV_COLUMNS = [
  'checked_at',
  'ok',
  'status_code',
  'latency_ms',
  'dns_ms',
  'connect_ms',
  'tls_ms',
  'ttfb_ms',
  'transfer_ms',
  'error_kind',
  'error_message',
  'lag_ms',
  'tls_expires_at',
] as const;

/** RFC 4180: a field holding a comma, quote or line break is quoted, with quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Error messages come from the network (a server's reason phrase, a certificate's names): one starting like a
 * spreadsheet formula gets a leading apostrophe so opening the file never evaluates it.
 */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvLine(c: ApiCheck): string {
  return (
    [
      c.checkedAt,
      c.ok,
      c.statusCode,
      c.latencyMs,
      c.timings.dnsMs,
      c.timings.connectMs,
      c.timings.tlsMs,
      c.timings.ttfbMs,
      c.timings.transferMs,
      c.error?.kind ?? null,
      c.error ? defuseFormula(c.error.message) : null,
      c.lagMs,
      c.tlsExpiresAt,
    ]
      .map(csvField)
      .join(',') + '\r\n'
  );
}

/** A file name safe in any header and file system: `upbeat-example-com-24h-20250102T1030Z.csv`. */
export function exportFileName(siteName: string, range: RangeKey, to: number, format: ExportFormat): string {
  const slug =
    siteName
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'site';
  const stamp = iso(to).slice(0, 16).replace(/[-:]/g, '') + 'Z';
  return `upbeat-${slug}-${range}-${stamp}.${format}`;
}

/** Rows read per slice of an export: enough to keep each chunk worth sending, small enough to never pile up. */
const EXPORT_SLICE_ROWS = 1000;

/**
 * Streams a site's checks in [from, to), oldest first, as CSV or as one JSON document. The rows are read a time
 * slice at a time (about EXPORT_SLICE_ROWS checks at the site's interval), each slice one short synchronous
 * query when the reader asks for more, so 30 days of one-minute checks never sit in memory as one string and no
 * cursor stays open across awaits (the checker shares the connection).
 */
export function exportStream(
  store: Store,
  site: { id: number; name: string; url: string; intervalSeconds: number },
  range: RangeKey,
  from: number,
  to: number,
  format: ExportFormat,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const sliceMs = Math.max(MINUTE, site.intervalSeconds * 1000 * EXPORT_SLICE_ROWS);
  let cursor = from;
  let first = true;
  let started = false;
  const head =
    format === 'csv'
      ? CSV_COLUMNS.join(',') + '\r\n'
      : `{"site":${JSON.stringify({ id: site.id, name: site.name, url: site.url })},"range":${JSON.stringify(range)},` +
        `"from":${JSON.stringify(iso(from))},"to":${JSON.stringify(iso(to))},"checks":[`;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(head));
        return;
      }
      // Skip empty slices inside one pull, so a sparse month costs a few indexed lookups, not a round per slice.
      while (cursor < to) {
        const end = Math.min(to, cursor + sliceMs);
        const rows = store.checksBetween(site.id, cursor, end);
        cursor = end;
        if (rows.length === 0) continue;
        let text = '';
        for (const row of rows) {
          const c = presentCheck(row);
          if (format === 'csv') text += csvLine(c);
          else {
            text += (first ? '' : ',') + JSON.stringify(c);
            first = false;
          }
        }
        controller.enqueue(encoder.encode(text));
        return;
      }
      if (format === 'json') controller.enqueue(encoder.encode(']}'));
      controller.close();
    },
  });
}
