import type { UptimeWindows } from '../db';
import type { ApiCheck, ApiSite } from './api/present';
import type { Tier } from '../db/retention';

/**
 * The shapes of a site's history on the wire (`GET /api/sites/{id}/history`) and the few constants the site
 * page shares with the server. Type-only imports and plain data, so client components import these from here
 * and never pull lib/history.ts (which reads the database) into the browser bundle.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const RANGES = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY, '1y': 365 * DAY } as const;
export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];
export const DEFAULT_RANGE: RangeKey = '24h';

/**
 * Latency over time as parallel columns (what uPlot draws), one entry per point. A point is one check, or when
 * `bucketMs` > 0 every check in [t, t + bucketMs). Latency figures cover the checks that passed; a point where
 * none passed has nulls there and `failed` > 0. A point with `checks` 0 is a gap marker.
 */
export interface ChartSeries {
  /** Raw checks, or which rollup the points were merged from. */
  source: Tier;
  bucketMs: number;
  /** Point time (bucket start), epoch ms. */
  t: number[];
  checks: number[];
  failed: number[];
  /** Total latency of the passed checks: mean, least, most. ms, rounded to 0.1. */
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /**
   * Percentiles of the passed checks' latency, ms: exact from raw checks, from the merged histograms of the
   * rollups otherwise (within RELATIVE_ERROR, see db/histogram.ts). A one-check point has its latency in all
   * three.
   */
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  /** Mean phases of the passed checks, ms: stacked, they add up to `avg`. */
  dns: (number | null)[];
  connect: (number | null)[];
  tls: (number | null)[];
  ttfb: (number | null)[];
  transfer: (number | null)[];
}

/** Latency percentiles over a whole range. */
export interface LatencySummary {
  /** Passed checks they are taken over. */
  passed: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** True when read from raw checks (exact); false when from rollup histograms (within 3.85 %). */
  exact: boolean;
}

/** How many of the newest checks the status strip shows. */
export const STRIP_SIZE = 90;
/** Rows per page of the site page's check log (`GET /api/sites/{id}/checks?limit=&before=`). */
export const CHECKS_PAGE_SIZE = 50;

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
  /** p50/p95/p99 of the range's passed checks. */
  latency: LatencySummary;
  /** The newest checks, oldest first, at most STRIP_SIZE. */
  strip: ApiCheck[];
  uptime: UptimeWindows;
  tls: ApiTls | null;
}
