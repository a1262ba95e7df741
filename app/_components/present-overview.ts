import type { OverviewSite } from '@/db';
import { SPARK_BUCKET_MS } from '@/db/overview';
import { presentSite } from '@/lib/api/present';
import type { OverviewSiteWire, OverviewWire, SparkTuple } from './overview-types';

/** Server side only: turns the store's overview rows into the wire shape (ISO times, compact sparkline). */

const round1 = (ms: number) => Math.round(ms * 10) / 10;

export function presentOverviewSite(site: OverviewSite): OverviewSiteWire {
  const { createdAt: _createdAt, ...base } = presentSite(site);
  const from = site.spark[0]?.at ?? 0;
  const points: SparkTuple[] = site.spark.map((p) => [
    Math.round((p.at - from) / SPARK_BUCKET_MS),
    p.latencyMs === null ? null : round1(p.latencyMs),
    p.ok ? 1 : 0,
  ]);
  return {
    ...base,
    uptime24h: site.uptime24h,
    checks24h: site.checks24h,
    spark: { from, bucketMs: SPARK_BUCKET_MS, points },
  };
}

export function presentOverview(sites: readonly OverviewSite[], at: number): OverviewWire {
  return { at, sites: sites.map(presentOverviewSite) };
}
