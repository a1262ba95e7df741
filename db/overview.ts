import type { Db } from './connection';
import { dayWindow, dayWindowColumns, readDayWindow, type DayWindow, type DayWindowColumns } from './history';
import { addMinutes, MINUTES_PER_HOUR, newMinuteCounts, type MinuteCounts } from './rollups';
import { SITE_WITH_LAST_COLUMNS, toSiteWithLast, type SiteWithLastRow } from './sites';
import type { SecretSealer } from './secrets';
import type { SiteWithLastCheck } from './domain';

/** The sparkline's resolution: one point per minute of the last hour. */
export const SPARK_BUCKET_MS = 60_000;
export const SPARK_BUCKETS = 60;

/**
 * One minute of a site's last hour that had checks: its index from `sparkFrom` (0-59), the mean latency of the
 * passed checks in ms to 0.1 (null when none passed), and 1 when every check passed. A tuple, because the
 * overview carries 60 of them for each of thousands of sites (and the API sends them as they are).
 */
export type SparkPoint = [index: number, latencyMs: number | null, ok: 0 | 1];

export interface OverviewSite extends SiteWithLastCheck {
  /** Share of the last 24 h's checks that passed, 0..1 (the site page's 24 h window); null when there were none. */
  uptime24h: number | null;
  checks24h: number;
  /** Start of the sparkline's first minute, epoch ms (whole minutes, so points stay put between reads). */
  sparkFrom: number;
  /** The last hour's minutes that had checks, oldest first. */
  spark: SparkPoint[];
}

export interface OverviewOptions {
  /** The reading's "now", epoch ms (tests pin it). */
  now?: number;
  /** Only these sites (for refreshing the rows that just got results); every site when absent. */
  ids?: readonly number[];
}

export interface CheckedSince {
  /** The highest check id now recorded: pass it back as `afterId` next time. */
  latestId: number;
  /** Sites with at least one check whose id is above `afterId`, ascending. */
  siteIds: number[];
}

export interface OverviewVerbs {
  /**
   * Every site (or the given ones) with its newest check, its 24 h uptime and its last hour of latency, in ONE
   * statement over the rollups: the cost grows with the number of sites, not with how often they are checked.
   */
  overview(options?: OverviewOptions): OverviewSite[];
  /** Which sites got results since a check id: what a live view needs to refresh, read from the rowid index. */
  checkedSince(afterId: number): CheckedSince;
  /** Every site's id and when its settings last changed (epoch ms): which sites exist, and which were edited. */
  siteStamps(): SiteStamp[];
}

export interface SiteStamp {
  id: number;
  updatedAt: number;
}

interface OverviewRow extends SiteWithLastRow, DayWindowColumns {
  /** Minute detail of the sparkline's two hours (the hour its first minute is in, and the next). */
  m_first: Uint8Array | null;
  m_next: Uint8Array | null;
}

// Each site reads one range of its hour rollups (about 25 rows) for the 24 h counts, and up to three rows of
// minute detail by their key: the window's edge hour and the sparkline's two hours. The same day window as the
// site page's 24 h uptime (db/history.ts dayWindowColumns). Each blob is its own column, so it reaches JavaScript as
// bytes: no text to build in SQLite and parse back here (which was half of this read at 1,000 sites).
// Correlated subqueries keep SQLite on the (site_id, t) keys.
const OVERVIEW_SQL = `
SELECT ${SITE_WITH_LAST_COLUMNS},
  ${dayWindowColumns('s.id')},
  (SELECT d.minutes FROM rollup_hour_minutes d WHERE d.site_id = s.id AND d.t = @firstHour) AS m_first,
  (SELECT d.minutes FROM rollup_hour_minutes d WHERE d.site_id = s.id AND d.t = @firstHour + 3600000) AS m_next
FROM sites s
LEFT JOIN checks c ON c.id = s.last_check_id
WHERE @ids IS NULL OR s.id IN (SELECT value FROM json_each(@ids))
ORDER BY s.id`;

interface Window {
  checks: number;
  passed: number;
  spark: SparkPoint[];
}

/** The day window's counts, and the last hour's minutes as points: mean latency of the passes, ok if all passed. */
function parseWindow(r: OverviewRow, window: DayWindow, firstMinute: number, firstHour: number): Window {
  const minutes = newMinuteCounts();
  const { checks, up } = readDayWindow(r, window, minutes);
  const spark: SparkPoint[] = [];
  const add = (hour: number, blob: Uint8Array | null) => {
    if (!blob) return;
    minutes.fill(0);
    addMinutes(minutes, blob);
    sparkPoints(spark, hour, minutes, firstMinute);
  };
  add(firstHour, r.m_first);
  add(firstHour + 3_600_000, r.m_next);
  return { checks, passed: up, spark };
}

/** Appends an hour's minutes that fall in the sparkline's 60, oldest first. */
function sparkPoints(spark: SparkPoint[], hour: number, minutes: MinuteCounts, firstMinute: number): void {
  const hourMinute = hour / SPARK_BUCKET_MS;
  for (let m = 0; m < MINUTES_PER_HOUR; m++) {
    const n = minutes[m * 3]!;
    const slot = hourMinute + m - firstMinute;
    if (n === 0 || slot < 0 || slot >= SPARK_BUCKETS) continue;
    const up = minutes[m * 3 + 1]!;
    spark.push([slot, up > 0 ? Math.round(minutes[m * 3 + 2]! / up / 100) / 10 : null, up === n ? 1 : 0]);
  }
}

function toOverviewSite(r: OverviewRow, day: DayWindow, firstMinute: number, firstHour: number, box: SecretSealer): OverviewSite {
  const window = parseWindow(r, day, firstMinute, firstHour);
  return {
    ...toSiteWithLast(r, box),
    uptime24h: window.checks === 0 ? null : window.passed / window.checks,
    checks24h: window.checks,
    sparkFrom: firstMinute * SPARK_BUCKET_MS,
    spark: window.spark,
  };
}

export function createOverviewVerbs(db: Db, box: SecretSealer): OverviewVerbs {
  const overview = db.prepare<
    { ids: string | null; edgeHour: number; fullFrom: number; edgeMinute: number; firstHour: number },
    OverviewRow
  >(OVERVIEW_SQL);
  const latest = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM checks`);
  const stamps = db.prepare<[], SiteStamp>(`SELECT id, updated_at AS updatedAt FROM sites ORDER BY id`);
  const since = db.prepare<[number, number], { site_id: number }>(
    `SELECT DISTINCT site_id FROM checks WHERE id > ? AND id <= ? ORDER BY site_id`,
  );

  return {
    overview({ now = Date.now(), ids } = {}) {
      if (ids && ids.length === 0) return [];
      // The hour starts on a whole minute so that each bucket keeps the same checks from one read to the next.
      const firstMinute = Math.floor(now / SPARK_BUCKET_MS) - (SPARK_BUCKETS - 1);
      const day = dayWindow(now);
      const firstHour = Math.floor((firstMinute * SPARK_BUCKET_MS) / 3_600_000) * 3_600_000;
      return overview
        .all({ ids: ids ? JSON.stringify(ids) : null, edgeHour: day.edgeHour, fullFrom: day.fullFrom, edgeMinute: day.edgeMinute, firstHour })
        .map((row) => toOverviewSite(row, day, firstMinute, firstHour, box));
    },
    checkedSince(afterId) {
      const latestId = latest.get()?.id ?? 0;
      if (latestId <= afterId) return { latestId, siteIds: [] };
      return { latestId, siteIds: since.all(afterId, latestId).map((r) => r.site_id) };
    },
    siteStamps: () => stamps.all(),
  };
}
