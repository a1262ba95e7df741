/**
 * How long each resolution of history is kept, and what that means for the database: the cutoff of each table
 * at a given time, and the rows each table holds at steady state. Pure (no imports beyond types), so the
 * pruner, the storage page and the tests share one definition.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Retention {
  /** Raw checks, days. */
  rawDays: number;
  /** Per-minute rollups, hours. */
  minuteHours: number;
  /** Per-hour rollups, days. */
  hourDays: number;
  /** Per-day rollups, days. */
  dayDays: number;
}

/** A week of raw checks, two days of minutes, a quarter of hours, two years of days. */
export const DEFAULT_RETENTION: Retention = { rawDays: 7, minuteHours: 48, hourDays: 90, dayDays: 730 };

/**
 * The least each tier may keep, so that every figure the pages show stays whole: the 30 d chart and uptime read
 * hour rollups (31 d), the 1 y ones day rollups (366 d). (The 24 h window reads hour rollups and their minute
 * detail, so minute rollups serve charts only.)
 */
export const MIN_RETENTION: Retention = { rawDays: 1, minuteHours: 1, hourDays: 31, dayDays: 366 };

export const TIERS = ['raw', 'minute', 'hour', 'day'] as const;
export type Tier = (typeof TIERS)[number];
export type RollupTier = Exclude<Tier, 'raw'>;
export const ROLLUP_TIERS: readonly RollupTier[] = ['minute', 'hour', 'day'];

/** The width of one rollup bucket, ms. Buckets are aligned to the epoch (UTC). */
export const TIER_MS: Record<RollupTier, number> = { minute: MINUTE, hour: HOUR, day: DAY };

/**
 * How long an hour rollup keeps the per-minute detail of its hour (checks, passes, latency sum of each minute).
 * The overview's sparkline (the last 60 minutes: at most two hours) and the exact edge of every 24 h uptime
 * window (the hour 24-25 h ago) read it, so the overview reads about 27 rows a site instead of 60 minute rollups
 * for the sparkline and up to 30 for the edge. Older hours lose it (the pruner strips it); the minute rollups
 * keep the full detail for charts.
 */
export const MINUTE_DETAIL_HOURS = 26;

/** How far back a tier reaches, ms. */
export function retentionMs(retention: Retention, tier: Tier): number {
  switch (tier) {
    case 'raw':
      return retention.rawDays * DAY;
    case 'minute':
      return retention.minuteHours * HOUR;
    case 'hour':
      return retention.hourDays * DAY;
    case 'day':
      return retention.dayDays * DAY;
  }
}

export const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

/**
 * Rows older than this are past retention (epoch ms): raw checks that started before `now − keep`, and rollup
 * buckets that ended at or before it — the bucket holding `now − keep` itself is kept whole, so a window that
 * reaches back exactly the retention still finds its first bucket.
 */
export function cutoffOf(retention: Retention, tier: Tier, now: number): number {
  const edge = now - retentionMs(retention, tier);
  return tier === 'raw' ? edge : floorTo(edge, TIER_MS[tier]);
}

export interface TierRows {
  tier: Tier;
  /** Rows per site at steady state. */
  rows: number;
}

/**
 * Rows one site holds at steady state when checked every `intervalSeconds`: raw rows one per check over the
 * raw window; rollup rows one per bucket that holds at least one check (a site checked less than once a minute
 * has fewer minute rows than minutes).
 */
export function steadyRowsPerSite(retention: Retention, intervalSeconds: number): TierRows[] {
  const intervalMs = Math.max(1, intervalSeconds) * 1000;
  return TIERS.map((tier) => {
    const span = retentionMs(retention, tier);
    if (tier === 'raw') return { tier, rows: span / intervalMs };
    const bucket = TIER_MS[tier];
    return { tier, rows: span / Math.max(bucket, intervalMs) };
  });
}
