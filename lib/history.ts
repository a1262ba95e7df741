import 'server-only';
import type { ChartSample, RollupRow, Store } from '../db';
import { presentCheck, presentSite, type ApiCheck } from './api/present';
import { csvRecord } from './csv';
import { AppError } from './errors';
import { addEncoded, exactPercentile, newCounts, percentilesOf, type Counts } from './histogram';
import {
  DEFAULT_RETENTION,
  ROLLUP_TIERS,
  TIER_MS,
  cutoffOf,
  floorTo,
  type Retention,
  type RollupTier,
  type Tier,
} from './retention';
import {
  DEFAULT_RANGE,
  RANGES,
  RANGE_KEYS,
  STRIP_SIZE,
  type ChartSeries,
  type HistoryPayload,
  type LatencySummary,
  type RangeKey,
} from './history-types';

export * from './history-types';

/**
 * A site's history as the site page and its API read it: named time ranges, latency at a resolution a chart can
 * show (raw checks for short ranges, the right rollup for long ones), percentiles, uptime windows, the newest
 * certificate expiry, and exports of a range of raw checks. Server only: client components take the wire
 * shapes and constants from lib/history-types.ts.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The range a site's page opens on when none is asked for: 1 h for a site added within the last hour (a day's
 * axis would squeeze its first checks against the right edge), else DEFAULT_RANGE.
 */
export function defaultRangeFor(createdAt: number, now: number): RangeKey {
  return now - createdAt < HOUR ? '1h' : DEFAULT_RANGE;
}

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
// Resolution

/** A chart never gets more points than this: beyond it, points are time buckets. */
export const MAX_CHART_POINTS = 1000;
/**
 * Raw checks read for one chart at most: an hour of one-second checks, a day of one-minute ones. A range holding
 * more is drawn from the rollups, whose rows per range do not depend on how often the site is checked. (Raw rows
 * are stored in the order they arrive, all sites interleaved, so each one read is its own page: the 10,080 raw
 * checks of a week took 25-50 ms, the 168 hour rollups of the same week under 2 ms.)
 */
export const RAW_READ_LIMIT = 4000;
/** Rollup rows read for one chart at most (two days of minutes, 90 days of hours). */
const MAX_ROLLUP_ROWS = 3000;

/** Bucket widths a reader can name ("10-minute average"), smallest first. */
export const BUCKET_SIZES: readonly number[] = [
  1000, 2000, 5000, 10_000, 15_000, 30_000,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY,
];

/** A gap between points this many steps wide breaks the line (the monitor was off, or the site paused). */
const GAP_STEPS = 3;

/** The smallest named bucket that keeps [from, to) within `maxPoints` points. */
export function chooseBucketMs(from: number, to: number, maxPoints: number = MAX_CHART_POINTS): number {
  const span = Math.max(0, to - from);
  for (const size of BUCKET_SIZES) if (Math.ceil(span / size) <= maxPoints) return size;
  return BUCKET_SIZES[BUCKET_SIZES.length - 1]!;
}

export interface ChartPlan {
  /** Where the points come from. */
  source: Tier;
  /** Width of a point, ms; 0 = one point per raw check. */
  bucketMs: number;
}

/**
 * Picks where a chart of [from, to) reads from, given how many raw checks the range holds (`rawRows`, counted up
 * to RAW_READ_LIMIT + 1): raw checks when the raw window still reaches `from` and there are at most
 * RAW_READ_LIMIT of them; otherwise the finest rollup whose retention reaches `from` and that needs at most
 * MAX_ROLLUP_ROWS rows. Points are time buckets aligned to the epoch, a whole number of rollup buckets each, at
 * most `maxPoints` of them.
 */
export function planChart(
  from: number,
  to: number,
  now: number,
  rawRows: number,
  retention: Retention = DEFAULT_RETENTION,
  maxPoints: number = MAX_CHART_POINTS,
): ChartPlan {
  const bucket = chooseBucketMs(from, to, maxPoints);
  if (from >= cutoffOf(retention, 'raw', now) && rawRows <= RAW_READ_LIMIT) {
    return { source: 'raw', bucketMs: rawRows <= maxPoints ? 0 : bucket };
  }
  for (const tier of ROLLUP_TIERS) {
    const step = TIER_MS[tier];
    if (floorTo(from, step) < cutoffOf(retention, tier, now)) continue;
    if (Math.ceil((to - from) / step) > MAX_ROLLUP_ROWS) continue;
    return { source: tier, bucketMs: Math.max(step, bucket) };
  }
  return { source: 'day', bucketMs: Math.max(DAY, bucket) };
}

// ---------------------------------------------------------------------------------------------------------------
// Chart points

const round1 = (ms: number) => Math.round(ms * 10) / 10;
const usToMs = (us: number | null) => (us === null ? null : round1(us / 1000));

function emptySeries(source: Tier, bucketMs: number): ChartSeries {
  return {
    source,
    bucketMs,
    t: [],
    checks: [],
    failed: [],
    avg: [],
    min: [],
    max: [],
    p50: [],
    p95: [],
    p99: [],
    dns: [],
    connect: [],
    tls: [],
    ttfb: [],
    transfer: [],
  };
}

/** One point being summed, in ms. */
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
  /** Percentiles, ms, once known. */
  pct: (number | null)[];
}

function newAcc(t: number): Acc {
  return {
    t,
    checks: 0,
    failed: 0,
    passed: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    dns: 0,
    connect: 0,
    tls: 0,
    ttfb: 0,
    transfer: 0,
    pct: [null, null, null],
  };
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
  out.p50.push(n === 0 ? null : acc.pct[0]!);
  out.p95.push(n === 0 ? null : acc.pct[1]!);
  out.p99.push(n === 0 ? null : acc.pct[2]!);
  out.dns.push(mean(acc.dns));
  out.connect.push(mean(acc.connect));
  out.tls.push(mean(acc.tls));
  out.ttfb.push(mean(acc.ttfb));
  out.transfer.push(mean(acc.transfer));
}

/** Spacings either side of a gap that tell the interval in force around it. */
const GAP_WINDOW = 4;

/**
 * Point times in order, with a gap marker (a point with no checks) wherever two points are more than a few
 * steps apart. The step is the one in force where the gap is, not one for the whole range: the median of the
 * spacings within GAP_WINDOW points either side (the gap's own included). A site whose interval changed (60 s
 * to 10 s) keeps both stretches joined, each judged by its own rhythm; a median ignores a lone outage nearby,
 * so a point between two outages still breaks from both. Checks store no interval, and the site's current one
 * says nothing of older checks: their spacing is the interval that was in force.
 */
function withGaps(points: readonly Acc[], bucketMs: number, out: ChartSeries): void {
  const diffs: number[] = [];
  for (let i = 1; i < points.length; i++) diffs.push(points[i]!.t - points[i - 1]!.t);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (i > 0) {
      const d = i - 1; // the spacing before this point
      const around = diffs.slice(Math.max(0, d - GAP_WINDOW), d + GAP_WINDOW + 1).sort((a, b) => a - b);
      // A site checked less often than the bucket width leaves empty buckets between every two points; those
      // are its rhythm, not gaps.
      const step = Math.max(bucketMs, around[Math.floor(around.length / 2)]!);
      const lastT = points[i - 1]!.t;
      if (step > 0 && diffs[d]! > step * GAP_STEPS) push(out, newAcc(lastT + (bucketMs || step)));
    }
    push(out, p);
  }
}

const PERCENTILES = [50, 95, 99] as const;

/**
 * Turns raw checks (oldest first) in [from, to) into chart points. Up to `maxPoints` checks are kept one point
 * each; beyond that they are grouped into time buckets aligned to the epoch (so points stay put as the window
 * slides), keeping the least and most latency and the exact percentiles of each bucket so a spike stays
 * visible. A gap wider than a few steps gets a null point so the line breaks there instead of drawing a slope
 * across it.
 */
export function downsample(
  samples: readonly ChartSample[],
  from: number,
  to: number,
  maxPoints: number = MAX_CHART_POINTS,
): ChartSeries {
  const bucketMs = samples.length <= maxPoints ? 0 : chooseBucketMs(from, to, maxPoints);
  const out = emptySeries('raw', bucketMs);
  const points: Acc[] = [];
  let acc: Acc | null = null;
  let values: number[] = [];
  const close = () => {
    if (!acc) return;
    values.sort((a, b) => a - b);
    acc.pct = PERCENTILES.map((p) => {
      const v = exactPercentile(values, p);
      return v === null ? null : round1(v);
    });
    points.push(acc);
    values = [];
  };
  for (const s of samples) {
    const t = bucketMs > 0 ? Math.floor(s.checkedAt / bucketMs) * bucketMs : s.checkedAt;
    if (acc && (bucketMs === 0 || t !== acc.t)) {
      close();
      acc = null;
    }
    acc ??= newAcc(t);
    acc.checks++;
    if (!s.ok) {
      acc.failed++;
      continue;
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
    values.push(s.totalMs);
  }
  close();
  withGaps(points, bucketMs, out);
  return out;
}

/** Exact percentiles of the passed checks among raw samples. */
export function summariseSamples(samples: readonly ChartSample[]): LatencySummary {
  const values = samples.filter((s) => s.ok).map((s) => s.totalMs);
  values.sort((a, b) => a - b);
  const [p50, p95, p99] = PERCENTILES.map((p) => {
    const v = exactPercentile(values, p);
    return v === null ? null : round1(v);
  });
  return { passed: values.length, p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null, exact: true };
}

/**
 * Merges rollup buckets of one tier (oldest first) into chart points `bucketMs` wide (a whole number of the
 * tier's buckets, aligned to the epoch), and their histograms into the percentiles of each point and of the
 * whole range.
 */
export function seriesFromRollups(
  rows: readonly RollupRow[],
  tier: RollupTier,
  bucketMs: number,
): { series: ChartSeries; latency: LatencySummary } {
  const width = Math.max(bucketMs, TIER_MS[tier]);
  const out = emptySeries(tier, width);
  const points: Acc[] = [];
  const range: Counts = newCounts();
  const point: Counts = newCounts();
  let rangeMin: number | null = null;
  let rangeMax: number | null = null;
  let passed = 0;
  let acc: Acc | null = null;
  // µs while summing; turned into ms when the point closes.
  const close = () => {
    if (!acc) return;
    if (acc.passed > 0) {
      acc.pct = percentilesOf(point, PERCENTILES, acc.min, acc.max).map(usToMs);
      for (let i = 0; i < point.length; i++) range[i]! += point[i]!;
    }
    const ms = (us: number) => us / 1000;
    acc.sum = ms(acc.sum);
    acc.min = ms(acc.min);
    acc.max = ms(acc.max);
    acc.dns = ms(acc.dns);
    acc.connect = ms(acc.connect);
    acc.tls = ms(acc.tls);
    acc.ttfb = ms(acc.ttfb);
    acc.transfer = ms(acc.transfer);
    points.push(acc);
    point.fill(0);
  };
  for (const r of rows) {
    const t = Math.floor(r.t / width) * width;
    if (acc && t !== acc.t) close();
    if (!acc || acc.t !== t) acc = newAcc(t);
    acc.checks += r.checks;
    acc.failed += r.checks - r.up;
    if (r.up === 0) continue;
    acc.passed += r.up;
    passed += r.up;
    acc.sum += r.latSumUs;
    if (r.latMinUs !== null && r.latMinUs < acc.min) acc.min = r.latMinUs;
    if (r.latMaxUs !== null && r.latMaxUs > acc.max) acc.max = r.latMaxUs;
    if (r.latMinUs !== null && (rangeMin === null || r.latMinUs < rangeMin)) rangeMin = r.latMinUs;
    if (r.latMaxUs !== null && (rangeMax === null || r.latMaxUs > rangeMax)) rangeMax = r.latMaxUs;
    acc.dns += r.dnsSumUs;
    acc.connect += r.connectSumUs;
    acc.tls += r.tlsSumUs;
    acc.ttfb += r.ttfbSumUs;
    acc.transfer += r.transferSumUs;
    addEncoded(point, r.hist);
  }
  close();
  withGaps(points, width, out);
  const [p50, p95, p99] = percentilesOf(range, PERCENTILES, rangeMin, rangeMax).map(usToMs);
  return { series: out, latency: { passed, p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null, exact: false } };
}

/** The chart and range percentiles of one site over [from, to), read at the resolution planChart picks. */
export function readChart(
  store: Store,
  siteId: number,
  from: number,
  to: number,
  now: number,
  retention: Retention = DEFAULT_RETENTION,
): { chart: ChartSeries; latency: LatencySummary } {
  const rawReachesFrom = from >= cutoffOf(retention, 'raw', now);
  const rawRows = rawReachesFrom ? store.countChecksBetween(siteId, from, to, RAW_READ_LIMIT + 1) : Infinity;
  const plan = planChart(from, to, now, rawRows, retention);
  if (plan.source === 'raw') {
    const samples = store.chartSamples(siteId, from, to);
    return { chart: downsample(samples, from, to), latency: summariseSamples(samples) };
  }
  const rows = store.rollupsBetween(siteId, plan.source, floorTo(from, TIER_MS[plan.source]), to);
  const { series, latency } = seriesFromRollups(rows, plan.source, plan.bucketMs);
  return { chart: series, latency };
}

// ---------------------------------------------------------------------------------------------------------------
// The site page's data

/** How far back the page looks for a certificate expiry. */
const TLS_LOOKBACK_MS = 30 * DAY;


const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Reads the page's data for one site and range; AppError('not_found') when the site does not exist.
 * `retention` tells which tiers still reach back how far (the checker's pruner keeps to the same settings).
 */
export function loadHistory(
  store: Store,
  siteId: number,
  range: RangeKey,
  now: number,
  retention: Retention = DEFAULT_RETENTION,
): HistoryPayload {
  const site = store.getSite(siteId);
  if (!site) throw new AppError('not_found', `No site with id ${siteId}`);
  const { from, to } = rangeBounds(range, now);
  // Plain http never has a certificate: skip the walk back through the raw window.
  const tls = site.url.startsWith('https:') ? store.latestTls(siteId, now - TLS_LOOKBACK_MS) : null;
  const { chart, latency } = readChart(store, siteId, from, to, now, retention);
  return {
    site: presentSite(site),
    range,
    from: iso(from),
    to: iso(to),
    chart,
    latency,
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

/** One export record; the error message may start with whatever the site sent, and the writer defuses it. */
export function csvLine(c: ApiCheck): string {
  return csvRecord([
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
    c.error?.message ?? null,
    c.lagMs,
    c.tlsExpiresAt,
  ]);
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
      ? csvRecord(CSV_COLUMNS)
      : `{"site":${JSON.stringify({ id: site.id, name: site.name, url: site.url })},"range":${JSON.stringify(range)},` +
        `"from":${JSON.stringify(iso(from))},"to":${JSON.stringify(iso(to))},"checks":[`;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(head));
        return;
      }
      // A fast reader pulls the next slice in the same microtask chain as the last one, so without this turn of
      // the event loop a month's export would run start to end in one block, holding up the checker's timers,
      // sockets and recorder (measured: start lag p99 571 ms during back-to-back exports).
      await new Promise<void>((resolve) => setImmediate(resolve));
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
