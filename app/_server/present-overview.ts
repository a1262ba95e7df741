import 'server-only';
import type { OverviewSite } from '@/db';
import { SPARK_BUCKET_MS } from '@/db/overview';
import { presentLastCheck } from '@/lib/api/present';
import type { EncodedSite } from '@/lib/overview-cache';
import type { OverviewSiteWire, OverviewWire } from '@/app/_components/overview-types';
import { encodeSparkMinutes } from '@/app/_components/spark-minutes';

/** Turns the store's overview rows into the wire shape (the shown fields only, ISO times, compact sparkline). */
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
    spark: { from: site.sparkFrom, bucketMs: SPARK_BUCKET_MS, minutes: encodeSparkMinutes(site.spark) },
  };
}

/** `managed`: the sites a configuration file declares, by id (their rows offer no Edit, Pause or Delete). */
export function presentOverview(sites: readonly OverviewSite[], at: number, managed?: ReadonlyMap<number, string>): OverviewWire {
  return { at, sites: sites.map((site) => presentOverviewSite(site, managed?.get(site.id))) };
}

/**
 * A site's overview entry as JSON, without `managedBy`: the encoder the overview cache runs once per summary
 * (lib/overview-cache.ts readEncoded), so a read writes out only the sites that changed since the last one.
 */
export const overviewSiteJson = (site: OverviewSite): string => JSON.stringify(presentOverviewSite(site));

/** Sites a piece of the overview's JSON holds: about 300 KB, written and sent before the next is made. */
const SITES_A_CHUNK = 500;

/**
 * `JSON.stringify(presentOverview(...))` in pieces, from each site's JSON made once. The few sites a configuration
 * file declares are written afresh with their `managedBy`.
 */
export function* overviewJsonChunks(
  sites: readonly EncodedSite[],
  at: number,
  managed?: ReadonlyMap<number, string>,
): Generator<string> {
  let head = `{"at":${JSON.stringify(at)},"sites":[`;
  for (let from = 0; from < sites.length; from += SITES_A_CHUNK) {
    const parts: string[] = [];
    for (const { id, site, text } of sites.slice(from, from + SITES_A_CHUNK)) {
      const managedBy = managed?.get(id);
      parts.push(managedBy === undefined ? text : JSON.stringify(presentOverviewSite(site, managedBy)));
    }
    yield head + parts.join(',');
    head = ',';
  }
  yield sites.length === 0 ? `${head}]}` : ']}';
}
