import type { ChartSample, RollupRow } from '../db';
import { addEncoded, exactPercentile, newCounts, percentilesOf, type Counts } from '../db/histogram';
import { TIER_MS, type RollupTier, type Tier } from '../db/retention';
import type { ChartSeries, LatencySummary } from './history-types';
import { GAP_STEPS, chooseBucketMs, MAX_CHART_POINTS } from './history-chart-plan';

/** A chart's points and percentiles, from raw checks (downsampled) or from rollup buckets (merged). */

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
