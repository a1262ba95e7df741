import 'server-only';
import type { Store } from '../db';
import { presentCheck, presentSite } from './api/present';
import { AppError } from './errors';
import { DEFAULT_RETENTION, TIER_MS, cutoffOf, floorTo, type Retention } from '../db/retention';
import { STRIP_SIZE, type ChartSeries, type HistoryPayload, type LatencySummary, type RangeKey } from './history-types';
import { RAW_READ_LIMIT, planChart } from './history-chart-plan';
import { rangeBounds } from './history-range';
import { downsample, seriesFromRollups, summariseSamples } from './history-series';

export * from './history-types';
export * from './history-range';
export * from './history-chart-plan';
export * from './history-series';
export * from './history-export';

/**
 * A site's history as the site page and its API read it: named time ranges (history-range.ts), latency at a
 * resolution a chart can show (raw checks for short ranges, the right rollup for long ones: history-chart-plan.ts,
 * history-series.ts), percentiles, uptime windows, the newest certificate expiry, and exports of a range of raw
 * checks (history-export.ts). Server only: client components take the wire shapes and constants from
 * lib/history-types.ts.
 */

const DAY = 86_400_000;

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
