import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';
import { addEncoded, bucketOf, encodeCounts, encodeSortedBuckets, mergeEncoded, newCounts } from './histogram';
import { TIER_MS, type RollupTier } from './retention';
import { encodeMinutes, mergeMinutes, newMinuteCounts, type MinuteCounts } from './minute-detail';
import { ROLLUP_TABLE as TABLE, type CheckLatency, type RollupDelta } from './rollup-types';

/**
 * The one merge path of the rollups: a batch of checks or deltas summed per bucket in memory (`RollupBatch`),
 * then upserted into the tiers by `RollupWriter` with SQL functions that merge the histogram and minute blobs.
 */

interface Group {
  siteId: number;
  t: number;
  checks: number;
  up: number;
  latSum: number;
  latMin: number | null;
  latMax: number | null;
  dns: number;
  connect: number;
  tls: number;
  ttfb: number;
  transfer: number;
  /** Histogram buckets of passed checks added one by one (the recorder's case: a few per group). */
  buckets: number[];
  /** Whole histograms added (recordRollups, backfill). */
  blobs: Uint8Array[];
  /** Hour groups of recent hours: the minute detail (see MINUTE_DETAIL_HOURS). */
  minutes: MinuteCounts | null;
}

function newGroup(siteId: number, t: number): Group {
  return {
    siteId,
    t,
    checks: 0,
    up: 0,
    latSum: 0,
    latMin: null,
    latMax: null,
    dns: 0,
    connect: 0,
    tls: 0,
    ttfb: 0,
    transfer: 0,
    buckets: [],
    blobs: [],
    minutes: null,
  };
}

function histOf(g: Group): Uint8Array {
  if (g.blobs.length === 0) {
    // The common case (the recorder: a handful of checks per group): no dense array.
    if (g.buckets.length > 1) g.buckets.sort((x, y) => x - y);
    return encodeSortedBuckets(g.buckets);
  }
  if (g.blobs.length === 1 && g.buckets.length === 0) return g.blobs[0]!;
  const counts = newCounts();
  for (const b of g.blobs) addEncoded(counts, b);
  for (const b of g.buckets) counts[b]!++;
  return encodeCounts(counts);
}

/**
 * Merges what a batch adds to each (tier, site, bucket) in memory first, so a batch of 500 checks of 500 sites
 * costs one upsert per site and tier, and 60 checks of one site in one minute cost one.
 */
export class RollupBatch {
  readonly groups: Record<RollupTier, Map<string, Group>> = { minute: new Map(), hour: new Map(), day: new Map() };

  private group(tier: RollupTier, siteId: number, t: number): Group {
    const key = `${siteId}:${t}`;
    const map = this.groups[tier];
    let g = map.get(key);
    if (!g) {
      g = newGroup(siteId, t);
      map.set(key, g);
    }
    return g;
  }

  /** One raw check into all three tiers. `latency` only for a check that passed. */
  addCheck(siteId: number, checkedAt: number, latency: CheckLatency | null): void {
    const bucket = latency ? bucketOf(latency.totalUs) : -1;
    for (const tier of ['minute', 'hour', 'day'] as const) {
      const step = TIER_MS[tier];
      const g = this.group(tier, siteId, Math.floor(checkedAt / step) * step);
      g.checks++;
      if (tier === 'hour') {
        g.minutes ??= newMinuteCounts();
        const i = Math.floor((checkedAt - g.t) / 60_000) * 3;
        g.minutes[i]!++;
        if (latency) {
          g.minutes[i + 1]!++;
          g.minutes[i + 2]! += latency.totalUs;
        }
      }
      if (!latency) continue;
      g.up++;
      g.latSum += latency.totalUs;
      if (g.latMin === null || latency.totalUs < g.latMin) g.latMin = latency.totalUs;
      if (g.latMax === null || latency.totalUs > g.latMax) g.latMax = latency.totalUs;
      g.dns += latency.dnsUs;
      g.connect += latency.connectUs;
      g.tls += latency.tlsUs;
      g.ttfb += latency.ttfbUs;
      g.transfer += latency.transferUs;
      g.buckets.push(bucket);
    }
  }

  /** A whole bucket's figures into one tier (its `t` is aligned down to the tier's bucket). */
  addDelta(d: RollupDelta): void {
    const step = TIER_MS[d.tier];
    const g = this.group(d.tier, d.siteId, Math.floor(d.t / step) * step);
    g.checks += d.checks;
    g.up += d.up;
    g.latSum += d.latSumUs;
    if (d.latMinUs !== null && (g.latMin === null || d.latMinUs < g.latMin)) g.latMin = d.latMinUs;
    if (d.latMaxUs !== null && (g.latMax === null || d.latMaxUs > g.latMax)) g.latMax = d.latMaxUs;
    g.dns += d.dnsSumUs;
    g.connect += d.connectSumUs;
    g.tls += d.tlsSumUs;
    g.ttfb += d.ttfbSumUs;
    g.transfer += d.transferSumUs;
    if (d.hist.length > 0) g.blobs.push(d.hist);
  }

  get size(): number {
    return this.groups.minute.size + this.groups.hour.size + this.groups.day.size;
  }

}

const asBuffer = (u8: Uint8Array): Buffer =>
  Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

/** Names of the SQL functions the upserts merge blobs with (registered on each connection). */
const MERGE_FN = 'upbeat_hist_merge';
const MERGE_MINUTES_FN = 'upbeat_minutes_merge';

export interface RollupWriter {
  /** Upserts every group of the batch, merging with what each bucket already holds. Call inside a transaction. */
  apply(batch: RollupBatch): void;
}

export function createRollupWriter(db: Db): RollupWriter {
  db.function(MERGE_FN, { deterministic: true }, (a: unknown, b: unknown) =>
    asBuffer(mergeEncoded(a as Uint8Array | null, b as Uint8Array | null)),
  );
  db.function(MERGE_MINUTES_FN, { deterministic: true }, (a: unknown, b: unknown) =>
    asBuffer(mergeMinutes(a as Uint8Array | null, b as Uint8Array | null) ?? new Uint8Array(0)),
  );
  const upserts = {} as Record<RollupTier, Statement>;
  for (const tier of ['minute', 'hour', 'day'] as const) {
    upserts[tier] = db.prepare(
      `INSERT INTO ${TABLE[tier]} (site_id, t, checks, up, lat_sum, lat_min, lat_max, dns_sum, connect_sum, tls_sum,
         ttfb_sum, transfer_sum, hist)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site_id, t) DO UPDATE SET
         checks = checks + excluded.checks,
         up = up + excluded.up,
         lat_sum = lat_sum + excluded.lat_sum,
         lat_min = CASE WHEN lat_min IS NULL OR excluded.lat_min < lat_min THEN excluded.lat_min ELSE lat_min END,
         lat_max = CASE WHEN lat_max IS NULL OR excluded.lat_max > lat_max THEN excluded.lat_max ELSE lat_max END,
         dns_sum = dns_sum + excluded.dns_sum,
         connect_sum = connect_sum + excluded.connect_sum,
         tls_sum = tls_sum + excluded.tls_sum,
         ttfb_sum = ttfb_sum + excluded.ttfb_sum,
         transfer_sum = transfer_sum + excluded.transfer_sum,
         hist = ${MERGE_FN}(hist, excluded.hist)`,
    );
  }
  const upsertMinutes = db.prepare<[number, number, Buffer]>(
    `INSERT INTO rollup_hour_minutes (site_id, t, minutes) VALUES (?, ?, ?)
     ON CONFLICT (site_id, t) DO UPDATE SET minutes = ${MERGE_MINUTES_FN}(minutes, excluded.minutes)`,
  );
  return {
    apply(batch) {
      for (const tier of ['minute', 'hour', 'day'] as const) {
        const upsert = upserts[tier];
        for (const g of batch.groups[tier].values()) {
          upsert.run(
            g.siteId,
            g.t,
            g.checks,
            g.up,
            g.latSum,
            g.latMin,
            g.latMax,
            g.dns,
            g.connect,
            g.tls,
            g.ttfb,
            g.transfer,
            asBuffer(histOf(g)),
          );
          // Every raw check adds to its hour's minute detail, so the detail always sums to the hour; the pruner
          // deletes it once the hour is past MINUTE_DETAIL_HOURS.
          if (tier === 'hour' && g.minutes) upsertMinutes.run(g.siteId, g.t, asBuffer(encodeMinutes(g.minutes)));
        }
      }
    },
  };
}
