import type { Db } from './connection';
import { errorKindFromCode, fromMicros } from './codes';
import type { HttpMethod, SiteState, SiteWithLastCheck } from '../lib/domain';

/** The sparkline's resolution: one point per minute of the last hour. */
export const SPARK_BUCKET_MS = 60_000;
export const SPARK_BUCKETS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One minute of a site's last hour. */
export interface SparkPoint {
  /** Start of the minute, epoch ms (buckets are aligned to whole minutes, so they stay put between reads). */
  at: number;
  /** Mean latency of the checks that passed in that minute; null when none passed. */
  latencyMs: number | null;
  /** False when any check in that minute failed. */
  ok: boolean;
}

export interface OverviewSite extends SiteWithLastCheck {
  /** Share of the last 24 h's checks that passed, 0..1; null when there were none. */
  uptime24h: number | null;
  checks24h: number;
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
   * statement: the cost grows with the rows in the window, never with a query per site.
   */
  overview(options?: OverviewOptions): OverviewSite[];
  /** Which sites got results since a check id: what a live view needs to refresh, read from the rowid index. */
  checkedSince(afterId: number): CheckedSince;
}

interface OverviewRow {
  id: number;
  name: string;
  url: string;
  method: string;
  interval_s: number;
  timeout_ms: number;
  expected_status: string;
  follow_redirects: number;
  paused: number;
  state: string;
  check_requested_at: number | null;
  created_at: number;
  updated_at: number;
  c_checked_at: number | null;
  c_ok: number | null;
  c_status_code: number | null;
  c_total_us: number | null;
  c_error_kind: number | null;
  c_error_message: string | null;
  /** `checks;passed;hour` where hour is `minute:total_us:ok` per check of the last hour, comma-separated. */
  window: string | null;
}

// One pass per site over its own slice of the (site_id, checked_at) index yields both the 24 h counts and the
// last hour's checks; a correlated subquery keeps SQLite on that index (a join let it scan the whole index), and
// bucketing the hour by minute happens in JS because a GROUP BY on an expression would add a sort.
const OVERVIEW_SQL = `
SELECT s.id, s.name, s.url, s.method, s.interval_s, s.timeout_ms, s.expected_status, s.follow_redirects, s.paused,
  s.state, s.check_requested_at, s.created_at, s.updated_at,
  c.checked_at AS c_checked_at, c.ok AS c_ok, c.status_code AS c_status_code, c.total_us AS c_total_us,
  c.error_kind AS c_error_kind, c.error_message AS c_error_message,
  (SELECT count(*) || ';' || coalesce(sum(x.ok), 0) || ';' || coalesce(group_concat(
      CASE WHEN x.checked_at >= @hourFrom THEN (x.checked_at / ${SPARK_BUCKET_MS}) || ':' || x.total_us || ':' || x.ok END,
      ','), '')
    FROM checks x WHERE x.site_id = s.id AND x.checked_at >= @dayFrom) AS window
FROM sites s
LEFT JOIN checks c ON c.id = s.last_check_id
WHERE @ids IS NULL OR s.id IN (SELECT value FROM json_each(@ids))
ORDER BY s.id`;

interface Window {
  checks: number;
  passed: number;
  spark: SparkPoint[];
}

/** Folds the last hour's checks into per-minute points: mean latency of the passes, ok only if all passed. */
function parseWindow(text: string | null, firstMinute: number): Window {
  if (!text) return { checks: 0, passed: 0, spark: [] };
  const [checks = '0', passed = '0', hour = ''] = text.split(';');
  const sums = new Float64Array(SPARK_BUCKETS);
  const passes = new Uint32Array(SPARK_BUCKETS);
  const seen = new Uint8Array(SPARK_BUCKETS); // 0 none, 1 all passed, 2 some failed
  // A hand-rolled scan: it runs over every check of the hour of every site, and split() would allocate a
  // string per number.
  let value = 0;
  let field = 0;
  let minute = 0;
  let us = 0;
  for (let i = 0; hour !== '' && i <= hour.length; i++) {
    const ch = i < hour.length ? hour.charCodeAt(i) : 44; // the end closes the last triple like a ','
    if (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
    } else if (ch === 58) {
      if (field === 0) minute = value;
      else us = value;
      field++;
      value = 0;
    } else {
      const slot = minute - firstMinute;
      if (slot >= 0 && slot < SPARK_BUCKETS) {
        if (value === 1) {
          sums[slot]! += us;
          passes[slot]!++;
          if (seen[slot] === 0) seen[slot] = 1;
        } else {
          seen[slot] = 2;
        }
      }
      field = 0;
      value = 0;
    }
  }
  const spark: SparkPoint[] = [];
  for (let i = 0; i < SPARK_BUCKETS; i++) {
    if (seen[i] === 0) continue;
    spark.push({
      at: (firstMinute + i) * SPARK_BUCKET_MS,
      latencyMs: passes[i]! > 0 ? fromMicros(Math.round(sums[i]! / passes[i]!)) : null,
      ok: seen[i] === 1,
    });
  }
  return { checks: Number(checks), passed: Number(passed), spark };
}

function toOverviewSite(r: OverviewRow, firstMinute: number): OverviewSite {
  const window = parseWindow(r.window, firstMinute);
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    method: r.method as HttpMethod,
    intervalSeconds: r.interval_s,
    timeoutMs: r.timeout_ms,
    expectedStatus: r.expected_status,
    followRedirects: r.follow_redirects === 1,
    paused: r.paused === 1,
    state: r.state as SiteState,
    checkRequestedAt: r.check_requested_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastCheck:
      r.c_checked_at === null
        ? null
        : {
            checkedAt: r.c_checked_at,
            ok: r.c_ok === 1,
            statusCode: r.c_status_code,
            latencyMs: fromMicros(r.c_total_us ?? 0),
            error:
              r.c_error_kind === null
                ? null
                : { kind: errorKindFromCode(r.c_error_kind), message: r.c_error_message ?? '' },
          },
    uptime24h: window.checks === 0 ? null : window.passed / window.checks,
    checks24h: window.checks,
    spark: window.spark,
  };
}

export function createOverviewVerbs(db: Db): OverviewVerbs {
  const overview = db.prepare<{ ids: string | null; dayFrom: number; hourFrom: number }, OverviewRow>(OVERVIEW_SQL);
  const latest = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM checks`);
  const since = db.prepare<[number, number], { site_id: number }>(
    `SELECT DISTINCT site_id FROM checks WHERE id > ? AND id <= ? ORDER BY site_id`,
  );

  return {
    overview({ now = Date.now(), ids } = {}) {
      if (ids && ids.length === 0) return [];
      // The hour starts on a whole minute so that each bucket keeps the same checks from one read to the next.
      const firstMinute = Math.floor(now / SPARK_BUCKET_MS) - (SPARK_BUCKETS - 1);
      return overview
        .all({ ids: ids ? JSON.stringify(ids) : null, dayFrom: now - DAY_MS, hourFrom: firstMinute * SPARK_BUCKET_MS })
        .map((row) => toOverviewSite(row, firstMinute));
    },
    checkedSince(afterId) {
      const latestId = latest.get()?.id ?? 0;
      if (latestId <= afterId) return { latestId, siteIds: [] };
      return { latestId, siteIds: since.all(afterId, latestId).map((r) => r.site_id) };
    },
  };
}
