import type { Db } from './connection';
import { fromMicros } from './codes';
import { MINUTES_PER_HOUR, addMinutes, newMinuteCounts, type MinuteCounts } from './rollups';

/** One check reduced to what a latency chart draws. Times are epoch ms, durations ms. */
export interface ChartSample {
  checkedAt: number;
  ok: boolean;
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  ttfbMs: number;
  transferMs: number;
  totalMs: number;
}

/** Checks counted in one window; `percent` is null when there were none (no data is not 0 % and not 100 %). */
export interface UptimeFigure {
  checks: number;
  up: number;
  percent: number | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const UPTIME_WINDOWS = {
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
  '1y': 365 * DAY,
} as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
export type UptimeWindows = Record<UptimeWindow, UptimeFigure>;

/**
 * The bucket each window is counted in, read from the rollups of that size: its start is `now` aligned down to
 * the bucket, minus its length, and it runs to now (the current, unfinished bucket included). So the 24 h
 * figure holds the checks of the last 1,440 whole minutes and of the current one; 7 d and 30 d count whole
 * hours; 90 d and 1 y whole days (UTC).
 */
export const UPTIME_STEP: Record<UptimeWindow, number> = {
  '24h': MINUTE,
  '7d': HOUR,
  '30d': HOUR,
  '90d': DAY,
  '1y': DAY,
};

/** Where a window starts, epoch ms. */
export function uptimeWindowStart(window: UptimeWindow, now: number): number {
  const step = UPTIME_STEP[window];
  return Math.floor(now / step) * step - UPTIME_WINDOWS[window];
}

/**
 * How the 24 h window [S, now] is read without 1,440 minute rollups a site: hour rollups from the first whole
 * hour in it, plus — when S is not on a whole hour — the minutes from S to the end of S's hour, from that hour
 * rollup's minute detail (MINUTE_DETAIL_HOURS). One range of hour rollups, at most 26 rows a site. The overview
 * and the site page read the same window, so their 24 h figures agree.
 */
export interface DayWindow {
  /** Window start, epoch ms (a whole minute). */
  start: number;
  /** The hour S falls in. */
  edgeHour: number;
  /** Minutes of `edgeHour` before S (0: S is on the hour, the whole hour counts). */
  edgeMinute: number;
  /** Hour rollups from here on count whole. */
  fullFrom: number;
}

export function dayWindow(now: number): DayWindow {
  const start = uptimeWindowStart('24h', now);
  const edgeHour = Math.floor(start / HOUR) * HOUR;
  const edgeMinute = (start - edgeHour) / MINUTE;
  return { start, edgeHour, edgeMinute, fullFrom: edgeMinute === 0 ? edgeHour : edgeHour + HOUR };
}

/**
 * Counts of checks and passes packed in one integer, `checks · 2^32 + up`, so one sum() carries both (exact
 * while the sum stays under 2^53: 24 h of one-second checks is 2^48).
 */
export const PACK = 4_294_967_296;

/**
 * The day window of one site as two columns: `whole`, the packed counts of its whole hours, and `m_edge`, the
 * minute detail of the hour it starts in (only when it starts after that hour's first minute). `site` is the SQL
 * expression of the site id; parameters @fullFrom, @edgeHour, @edgeMinute. Two seeks a site. The blob is a column
 * of its own so it reaches JavaScript as bytes. The overview and the site page both read it, so they agree.
 */
export function dayWindowColumns(site: string): string {
  return `(SELECT total(h.checks * ${PACK} + h.up) FROM rollup_hour h WHERE h.site_id = ${site} AND h.t >= @fullFrom) AS whole,
  (SELECT d.minutes FROM rollup_hour_minutes d WHERE d.site_id = ${site} AND d.t = @edgeHour AND @edgeMinute > 0) AS m_edge`;
}

/** What dayWindowColumns returns. */
export interface DayWindowColumns {
  whole: number | null;
  m_edge: Uint8Array | null;
}

/** The window's checks and passes from dayWindowColumns. `scratch` saves an allocation a site in a loop. */
export function readDayWindow(
  cols: DayWindowColumns,
  window: DayWindow,
  scratch: MinuteCounts = newMinuteCounts(),
): { checks: number; up: number } {
  const whole = cols.whole ?? 0;
  let checks = Math.floor(whole / PACK);
  let up = whole - checks * PACK;
  if (cols.m_edge) {
    scratch.fill(0);
    addMinutes(scratch, cols.m_edge);
    for (let m = window.edgeMinute; m < MINUTES_PER_HOUR; m++) {
      checks += scratch[m * 3]!;
      up += scratch[m * 3 + 1]!;
    }
  }
  return { checks, up };
}

/** The newest certificate expiry a check saw. */
export interface TlsSeen {
  /** Certificate expiry, epoch ms. */
  validTo: number;
  issuer: string | null;
  /** When the check that saw it ran, epoch ms. */
  seenAt: number;
}

export interface HistoryVerbs {
  /** Raw checks of one site that started in [from, to), oldest first, as chart samples. */
  chartSamples(siteId: number, from: number, to: number): ChartSample[];
  /** How many raw checks of one site started in [from, to), counting no further than `limit`. */
  countChecksBetween(siteId: number, from: number, to: number, limit: number): number;
  /**
   * Uptime by check count over the last 24 h, 7 d, 30 d, 90 d and 1 y (see UPTIME_STEP for each window's
   * edges), from the rollups, in one statement of about 1,100 rows whatever the site's interval.
   */
  uptimeWindows(siteId: number, now: number): UptimeWindows;
  /** The certificate expiry of the newest check at or after `since` that saw one; null when none did. */
  latestTls(siteId: number, since: number): TlsSeen | null;
}

type SampleRow = [number, number, number, number, number, number, number, number];

interface UptimeRow extends DayWindowColumns {
  n7: number;
  up7: number;
  n30: number;
  up30: number;
  n90: number;
  up90: number;
  n1y: number;
  up1y: number;
}

function figure(checks: number, up: number): UptimeFigure {
  return { checks, up, percent: checks === 0 ? null : (up / checks) * 100 };
}


export function createHistoryVerbs(db: Db): HistoryVerbs {
  // Raw rows (arrays) skip building an object per row.
  const samples = db
    .prepare<[number, number, number], SampleRow>(
      `SELECT checked_at, ok, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us
       FROM checks WHERE site_id = ? AND checked_at >= ? AND checked_at < ? ORDER BY checked_at, id`,
    )
    .raw(true);
  const count = db.prepare<[number, number, number, number], { n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM checks WHERE site_id = ? AND checked_at >= ? AND checked_at < ? LIMIT ?)`,
  );
  // One site's windows: the day window (see dayWindow), then hour rollups for 7 d and 30 d and day rollups for
  // 90 d and 1 y, each summed once with the shorter window picked out by CASE.
  const uptime = db.prepare<
    { siteId: number; edgeHour: number; fullFrom: number; edgeMinute: number; h7: number; h30: number; d90: number; d365: number },
    UptimeRow
  >(
    `SELECT ${dayWindowColumns('@siteId')}, h.n7, h.up7, h.n30, h.up30, d.n90, d.up90, d.n1y, d.up1y
     FROM (SELECT total(CASE WHEN t >= @h7 THEN checks END) AS n7, total(CASE WHEN t >= @h7 THEN up END) AS up7,
             total(checks) AS n30, total(up) AS up30
           FROM rollup_hour WHERE site_id = @siteId AND t >= @h30) h,
          (SELECT total(CASE WHEN t >= @d90 THEN checks END) AS n90, total(CASE WHEN t >= @d90 THEN up END) AS up90,
             total(checks) AS n1y, total(up) AS up1y
           FROM rollup_day WHERE site_id = @siteId AND t >= @d365) d`,
  );
  const tls = db.prepare<[number, number], { expires_at: number; issuer: string | null; checked_at: number }>(
    `SELECT t.expires_at, t.issuer, c.checked_at FROM checks c JOIN check_tls t ON t.id = c.tls_id
     WHERE c.site_id = ? AND c.checked_at >= ? AND c.tls_id IS NOT NULL
     ORDER BY c.checked_at DESC, c.id DESC LIMIT 1`,
  );

  return {
    chartSamples(siteId, from, to) {
      const rows = samples.all(siteId, from, to);
      const out: ChartSample[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        out[i] = {
          checkedAt: r[0],
          ok: r[1] === 1,
          dnsMs: fromMicros(r[2]),
          connectMs: fromMicros(r[3]),
          tlsMs: fromMicros(r[4]),
          ttfbMs: fromMicros(r[5]),
          transferMs: fromMicros(r[6]),
          totalMs: fromMicros(r[7]),
        };
      }
      return out;
    },
    countChecksBetween: (siteId, from, to, limit) => count.get(siteId, from, to, limit)?.n ?? 0,
    uptimeWindows(siteId, now) {
      const window = dayWindow(now);
      const { edgeHour, fullFrom, edgeMinute } = window;
      const row = uptime.get({
        siteId,
        edgeHour,
        fullFrom,
        edgeMinute,
        h7: uptimeWindowStart('7d', now),
        h30: uptimeWindowStart('30d', now),
        d90: uptimeWindowStart('90d', now),
        d365: uptimeWindowStart('1y', now),
      });
      const day = readDayWindow(row ?? { whole: 0, m_edge: null }, window);
      return {
        '24h': figure(day.checks, day.up),
        '7d': figure(row?.n7 ?? 0, row?.up7 ?? 0),
        '30d': figure(row?.n30 ?? 0, row?.up30 ?? 0),
        '90d': figure(row?.n90 ?? 0, row?.up90 ?? 0),
        '1y': figure(row?.n1y ?? 0, row?.up1y ?? 0),
      };
    },
    latestTls(siteId, since) {
      const row = tls.get(siteId, since);
      return row ? { validTo: row.expires_at, issuer: row.issuer, seenAt: row.checked_at } : null;
    },
  };
}
