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
 * A site's overview entry as UTF-8 JSON, without `managedBy`: the encoder the overview cache runs once per
 * summary (lib/overview-cache.ts readEncoded), so a read writes out only the sites that changed since the last
 * one — and copies bytes for the rest, where strings would be encoded to UTF-8 again on every read (5 ms of the
 * main thread a read at 10,000 sites).
 */
export const overviewSiteJson = (site: OverviewSite): Buffer => Buffer.from(JSON.stringify(presentOverviewSite(site)));

/** Sites a piece of the overview's JSON holds: about 300 KB, sent before the next is made. */
const SITES_A_CHUNK = 500;
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

/**
 * `JSON.stringify(presentOverview(...))` as UTF-8 in pieces, from each site's JSON made once. The few sites a
 * configuration file declares are written afresh with their `managedBy`.
 */
export function* overviewJsonChunks(
  sites: readonly EncodedSite<Buffer>[],
  at: number,
  managed?: ReadonlyMap<number, string>,
): Generator<Buffer> {
  let head = Buffer.from(`{"at":${JSON.stringify(at)},"sites":[`);
  for (let from = 0; from < sites.length; from += SITES_A_CHUNK) {
    const parts: Buffer[] = [head];
    const end = Math.min(sites.length, from + SITES_A_CHUNK);
    for (let i = from; i < end; i++) {
      const { id, site, encoded } = sites[i]!;
      const managedBy = managed?.get(id);
      if (i > from) parts.push(COMMA);
      parts.push(managedBy === undefined ? encoded : Buffer.from(JSON.stringify(presentOverviewSite(site, managedBy))));
    }
    yield Buffer.concat(parts);
    head = COMMA;
  }
  // With no site, nothing has opened the document yet.
  yield sites.length === 0 ? Buffer.concat([head, CLOSE]) : CLOSE;
}
