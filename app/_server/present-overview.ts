import 'server-only';
import type { OverviewSite } from '@/db';
import { SPARK_BUCKET_MS } from '@/db/overview';
import { presentLastCheck } from '@/lib/api/present';
import type { OverviewSiteWire, OverviewWire } from '@/app/_components/overview-types';

/**
 * Turns the store's overview rows into the wire shape (the shown fields only, ISO times, compact sparkline). The store's sparkline
 * points are already the wire's tuples (minute index, latency to 0.1 ms, ok), so thousands of sites × 60 points
 * are passed on, not copied.
 */

export function presentOverviewSite(site: OverviewSite, managedBy?: string): OverviewSiteWire {
  return {
    ...(managedBy === undefined ? {} : { managedBy }),
    id: site.id,
    name: site.name,
    kind: site.kind,
    url: site.url,
    dnsRecordType: site.dnsRecordType,
    state: site.state,
    paused: site.paused,
    lastCheck: presentLastCheck(site.lastCheck),
    uptime24h: site.uptime24h,
    checks24h: site.checks24h,
    spark: { from: site.sparkFrom, bucketMs: SPARK_BUCKET_MS, points: site.spark },
  };
}

/** `managed`: the sites a configuration file declares, by id (their rows offer no Edit, Pause or Delete). */
export function presentOverview(sites: readonly OverviewSite[], at: number, managed?: ReadonlyMap<number, string>): OverviewWire {
  return { at, sites: sites.map((site) => presentOverviewSite(site, managed?.get(site.id))) };
}
