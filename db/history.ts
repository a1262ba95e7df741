import type { Db } from './connection';
import { fromMicros } from './codes';

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

export const UPTIME_WINDOWS = {
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
  '30d': 30 * 24 * 3_600_000,
} as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
export type UptimeWindows = Record<UptimeWindow, UptimeFigure>;

/** The newest certificate expiry a check saw. */
export interface TlsSeen {
  /** Certificate expiry, epoch ms. */
  validTo: number;
  issuer: string | null;
  /** When the check that saw it ran, epoch ms. */
  seenAt: number;
}

export interface HistoryVerbs {
  /** Checks of one site that started in [from, to), oldest first, as chart samples. */
  chartSamples(siteId: number, from: number, to: number): ChartSample[];
  /**
   * Uptime by check count over the last 24 h, 7 d and 30 d: each window holds the checks that started at or after
   * `now - length` (as the overview counts them), read in one statement over the 30-day slice of the index.
   */
  uptimeWindows(siteId: number, now: number): UptimeWindows;
  /** The certificate expiry of the newest check at or after `since` that saw one; null when none did. */
  latestTls(siteId: number, since: number): TlsSeen | null;
}

type SampleRow = [number, number, number, number, number, number, number, number];

interface UptimeRow {
  n1: number | null;
  up1: number | null;
  n7: number | null;
  up7: number | null;
  n30: number;
  up30: number | null;
}

function figure(checks: number | null, up: number | null): UptimeFigure {
  const n = checks ?? 0;
  const u = up ?? 0;
  return { checks: n, up: u, percent: n === 0 ? null : (u / n) * 100 };
}

export function createHistoryVerbs(db: Db): HistoryVerbs {
  // Raw rows (arrays) skip building an object per row: a 30-day range of one-minute checks is 43,200 rows.
  const samples = db
    .prepare<[number, number, number], SampleRow>(
      `SELECT checked_at, ok, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us
       FROM checks WHERE site_id = ? AND checked_at >= ? AND checked_at < ? ORDER BY checked_at, id`,
    )
    .raw(true);
  const uptime = db.prepare<{ siteId: number; from1: number; from7: number; from30: number }, UptimeRow>(
    `SELECT sum(checked_at >= @from1) AS n1, sum(checked_at >= @from1 AND ok = 1) AS up1,
            sum(checked_at >= @from7) AS n7, sum(checked_at >= @from7 AND ok = 1) AS up7,
            count(*) AS n30, sum(ok = 1) AS up30
     FROM checks WHERE site_id = @siteId AND checked_at >= @from30`,
  );
  const tls = db.prepare<[number, number], { tls_expires_at: number; tls_issuer: string | null; checked_at: number }>(
    `SELECT tls_expires_at, tls_issuer, checked_at FROM checks
     WHERE site_id = ? AND checked_at >= ? AND tls_expires_at IS NOT NULL
     ORDER BY checked_at DESC, id DESC LIMIT 1`,
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
    uptimeWindows(siteId, now) {
      const row = uptime.get({
        siteId,
        from1: now - UPTIME_WINDOWS['24h'],
        from7: now - UPTIME_WINDOWS['7d'],
        from30: now - UPTIME_WINDOWS['30d'],
      });
      return {
        '24h': figure(row?.n1 ?? 0, row?.up1 ?? 0),
        '7d': figure(row?.n7 ?? 0, row?.up7 ?? 0),
        '30d': figure(row?.n30 ?? 0, row?.up30 ?? 0),
      };
    },
    latestTls(siteId, since) {
      const row = tls.get(siteId, since);
      return row ? { validTo: row.tls_expires_at, issuer: row.tls_issuer, seenAt: row.checked_at } : null;
    },
  };
}
