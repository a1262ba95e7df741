import { DEFAULT_RETENTION, ROLLUP_TIERS, TIER_MS, cutoffOf, floorTo, type Retention, type Tier } from '../db/retention';

/** A chart's resolution: how wide its points are and which tier (raw checks or a rollup) they are read from. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

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
export const GAP_STEPS = 3;

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
