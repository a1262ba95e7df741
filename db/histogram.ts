/**
 * A fixed log-scale latency histogram that merges by adding counts, so p50/p95/p99 over any range come from the
 * rollups of that range without keeping every check. Pure functions, no imports: db/ writes the blobs, lib/ and
 * the pages read them.
 *
 * Buckets. Latencies are whole microseconds. Bucket 0 holds 0..MIN_US; bucket i ≥ 1 holds
 * (MIN_US·γ^(i−1), MIN_US·γ^i] with γ = 1.08, up to bucket 255 (about 56 minutes; anything longer is clamped
 * there, far beyond the 60 s longest timeout). A bucket reports MIN_US·2γ^i/(γ+1), the point whose relative
 * distance to both ends is the same, so
 *
 *   **every percentile is within α = (γ−1)/(γ+1) = 3.85 % of the true nearest-rank percentile of the same checks**
 *   (within 5 µs for latencies under 10 µs),
 *
 * because the counts are exact: the bucket holding the k-th smallest latency is found exactly, only the value
 * inside it is estimated. The estimate is then clamped into the range's exact [min, max], which can only bring
 * it closer, and the first and last rank are the exact min and max themselves.
 *
 * Storage. A blob of (bucket index: 1 byte, count: unsigned LEB128 varint) pairs for the non-empty buckets only,
 * ascending. Latencies of one site cluster in a few dozen buckets, so a minute of one check is 2 bytes, an hour
 * of 60 checks typically 20-40, a day 40-100 — against 256 × 4 = 1 KiB for a fixed-width array, which would
 * make a minute rollup twenty times larger than the raw check it sums. Decoding is a byte loop (tens of ns per
 * bucket) and only ever runs for the rows of one range, or inside an upsert for one merge.
 */

export const GAMMA = 1.08;
/** Upper bound of bucket 0, µs. */
export const MIN_US = 10;
export const BUCKETS = 256;
/** The relative error bound of a percentile: (γ−1)/(γ+1). */
export const RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);

const INV_LN_GAMMA = 1 / Math.log(GAMMA);

/** Which bucket a latency in µs falls in. */
export function bucketOf(us: number): number {
  if (!(us > MIN_US)) return 0;
  const i = Math.ceil(Math.log(us / MIN_US) * INV_LN_GAMMA);
  return i >= BUCKETS ? BUCKETS - 1 : i < 1 ? 1 : i;
}

const REPRESENTATIVE = Float64Array.from({ length: BUCKETS }, (_, i) =>
  i === 0 ? MIN_US / 2 : (MIN_US * 2 * GAMMA ** i) / (GAMMA + 1),
);

/** The value a bucket reports, µs. */
export function bucketValue(index: number): number {
  return REPRESENTATIVE[index] ?? NaN;
}

/** Dense counts, one slot per bucket. Float64 so that a year of one-second checks cannot overflow. */
export type Counts = Float64Array;

export function newCounts(): Counts {
  return new Float64Array(BUCKETS);
}

/** Encodes dense counts as the sparse blob (empty buckets left out). */
export function encodeCounts(counts: ArrayLike<number>): Uint8Array {
  let size = 0;
  for (let i = 0; i < BUCKETS; i++) {
    let c = counts[i] ?? 0;
    if (c <= 0) continue;
    size++;
    do {
      size++;
      c = Math.floor(c / 128);
    } while (c > 0);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < BUCKETS; i++) {
    let c = counts[i] ?? 0;
    if (c <= 0) continue;
    out[at++] = i;
    // Division rather than >>> so counts above 2^32 stay exact.
    while (c >= 128) {
      out[at++] = (c % 128) | 128;
      c = Math.floor(c / 128);
    }
    out[at++] = c;
  }
  return out;
}

/** Encodes bucket indexes of single values, sorted ascending, without building a dense array. */
export function encodeSortedBuckets(sorted: readonly number[]): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    const index = sorted[i]!;
    let c = 0;
    while (i < sorted.length && sorted[i] === index) {
      c++;
      i++;
    }
    bytes.push(index);
    while (c >= 128) {
      bytes.push((c % 128) | 128);
      c = Math.floor(c / 128);
    }
    bytes.push(c);
  }
  return Uint8Array.from(bytes);
}

/**
 * Adds a blob's counts into `into` (dense). Returns how many checks the blob held. A malformed tail (a torn
 * write cannot happen inside SQLite, but a foreign writer could) is ignored rather than thrown.
 */
export function addEncoded(into: Counts, blob: Uint8Array | null | undefined): number {
  if (!blob) return 0;
  let total = 0;
  let at = 0;
  const n = blob.length;
  while (at < n) {
    const index = blob[at++]!;
    let count = 0;
    let scale = 1;
    let byte = 128;
    while (at < n && byte >= 128) {
      byte = blob[at++]!;
      count += (byte & 127) * scale;
      scale *= 128;
    }
    if (byte >= 128) break;
    into[index] = (into[index] ?? 0) + count;
    total += count;
  }
  return total;
}

/** The counts of one blob, dense. */
export function decodeCounts(blob: Uint8Array | null | undefined): Counts {
  const counts = newCounts();
  addEncoded(counts, blob);
  return counts;
}

/** Two blobs merged into one: what the rollup upsert stores when a bucket already has a row. */
export function mergeEncoded(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): Uint8Array {
  if (!a || a.length === 0) return b ?? new Uint8Array(0);
  if (!b || b.length === 0) return a;
  const counts = decodeCounts(a);
  addEncoded(counts, b);
  return encodeCounts(counts);
}

/** Adds one latency (µs) to dense counts. */
export function addValue(counts: Counts, us: number): void {
  counts[bucketOf(us)]!++;
}

const rankOf = (p: number | undefined, total: number) =>
  p === undefined ? Infinity : Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));

/**
 * Nearest-rank percentiles (`ps` ascending, 0 < p ≤ 100) of dense counts, in µs, each clamped into
 * [minUs, maxUs] when given; null for each when the counts are empty. One pass over the buckets.
 */
export function percentilesOf(
  counts: Counts,
  ps: readonly number[],
  minUs?: number | null,
  maxUs?: number | null,
): (number | null)[] {
  let total = 0;
  for (let i = 0; i < BUCKETS; i++) total += counts[i]!;
  const out: (number | null)[] = ps.map(() => null);
  if (total === 0) return out;
  const hasMin = minUs !== null && minUs !== undefined;
  const hasMax = maxUs !== null && maxUs !== undefined;
  let k = 0;
  let seen = 0;
  for (let i = 0; i < BUCKETS && k < ps.length; i++) {
    seen += counts[i]!;
    for (let rank = rankOf(ps[k], total); k < ps.length && seen >= rank; rank = rankOf(ps[++k], total)) {
      // The smallest and the largest value are known exactly: a one-check bucket reports its own latency.
      if (rank === 1 && hasMin) out[k] = minUs;
      else if (rank === total && hasMax) out[k] = maxUs;
      else out[k] = Math.min(hasMax ? maxUs : Infinity, Math.max(hasMin ? minUs : 0, REPRESENTATIVE[i]!));
    }
  }
  return out;
}

/** Exact nearest-rank percentile of values sorted ascending (the reference the histogram is held to). */
export function exactPercentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
