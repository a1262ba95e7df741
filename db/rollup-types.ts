import type { RollupTier } from './retention';

/** The shapes of rollup buckets as they are read and written (see rollups.ts). */

export const ROLLUP_TABLE: Record<RollupTier, string> = { minute: 'rollup_minute', hour: 'rollup_hour', day: 'rollup_day' };

/** One rollup bucket as read back. Latencies are µs and cover the passed checks only. */
export interface RollupRow {
  /** Bucket start, epoch ms. */
  t: number;
  checks: number;
  up: number;
  latSumUs: number;
  /** Null while no check in the bucket passed. */
  latMinUs: number | null;
  latMaxUs: number | null;
  dnsSumUs: number;
  connectSumUs: number;
  tlsSumUs: number;
  ttfbSumUs: number;
  transferSumUs: number;
  /** The latency histogram blob (db/histogram.ts). */
  hist: Uint8Array;
}

/** A bucket with nothing in it yet (tests and the history benchmark build theirs from this). */
export function emptyRollup(t: number): RollupRow {
  return {
    t,
    checks: 0,
    up: 0,
    latSumUs: 0,
    latMinUs: null,
    latMaxUs: null,
    dnsSumUs: 0,
    connectSumUs: 0,
    tlsSumUs: 0,
    ttfbSumUs: 0,
    transferSumUs: 0,
    hist: new Uint8Array(0),
  };
}

/** What one bucket gains: the same fields, for a site and a tier. */
export interface RollupDelta extends RollupRow {
  siteId: number;
  tier: RollupTier;
}

/** The phases of one passed check, µs, as the recorder stores them. */
export interface CheckLatency {
  dnsUs: number;
  connectUs: number;
  tlsUs: number;
  ttfbUs: number;
  transferUs: number;
  totalUs: number;
}
