import type { Db } from './connection';
import { errorKindFromCode, fromMicros } from './codes';
import type { ErrorKind } from './domain';

/** A site as the Prometheus exporter shows it: its state and what its newest check saw. Times epoch ms. */
export interface MetricSite {
  id: number;
  name: string;
  url: string;
  state: string;
  /** The newest check's phases in ms; null before the first check. */
  last: { dnsMs: number; connectMs: number; tlsMs: number; ttfbMs: number; transferMs: number; totalMs: number } | null;
  tlsExpiresAt: number | null;
  openIncidents: number;
}

/** One recorded check, reduced to what the exporter counts. */
export interface MetricCheck {
  id: number;
  siteId: number;
  ok: boolean;
  errorKind: ErrorKind | null;
  totalMs: number;
  lagMs: number;
}

export interface MetricVerbs {
  /** Every site with its newest check, certificate expiry and open incidents, in one statement. */
  metricSites(): MetricSite[];
  /** Checks with an id above `afterId`, ascending, at most `limit` (read from the rowid, not the table). */
  checksAfter(afterId: number, limit: number): MetricCheck[];
}

interface SiteRow {
  id: number;
  name: string;
  url: string;
  state: string;
  dns_us: number | null;
  connect_us: number | null;
  tls_us: number | null;
  ttfb_us: number | null;
  transfer_us: number | null;
  total_us: number | null;
  tls_expires_at: number | null;
  open_incidents: number;
}

export function createMetricVerbs(db: Db): MetricVerbs {
  const sites = db.prepare<[], SiteRow>(
    `SELECT s.id, s.name, s.url, s.state, c.dns_us, c.connect_us, c.tls_us, c.ttfb_us, c.transfer_us, c.total_us,
       t.expires_at AS tls_expires_at,
       (SELECT count(*) FROM incidents i WHERE i.site_id = s.id AND i.resolved_at IS NULL) AS open_incidents
     FROM sites s
     LEFT JOIN checks c ON c.id = s.last_check_id
     LEFT JOIN check_tls t ON t.id = c.tls_id
     ORDER BY s.id`,
  );
  const after = db
    .prepare<[number, number], [number, number, number, number | null, number, number]>(
      `SELECT id, site_id, ok, error_kind, total_us, lag_ms FROM checks WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .raw(true);
  return {
    metricSites() {
      return sites.all().map((r) => ({
        id: r.id,
        name: r.name,
        url: r.url,
        state: r.state,
        last:
          r.total_us === null
            ? null
            : {
                dnsMs: fromMicros(r.dns_us ?? 0),
                connectMs: fromMicros(r.connect_us ?? 0),
                tlsMs: fromMicros(r.tls_us ?? 0),
                ttfbMs: fromMicros(r.ttfb_us ?? 0),
                transferMs: fromMicros(r.transfer_us ?? 0),
                totalMs: fromMicros(r.total_us),
              },
        tlsExpiresAt: r.tls_expires_at,
        openIncidents: r.open_incidents,
      }));
    },
    checksAfter(afterId, limit) {
      return after.all(afterId, limit).map(([id, siteId, ok, kind, totalUs, lagMs]) => ({
        id,
        siteId,
        ok: ok === 1,
        errorKind: kind === null ? null : errorKindFromCode(kind),
        totalMs: fromMicros(totalUs),
        lagMs,
      }));
    },
  };
}
