import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BUCKETS,
  GAMMA,
  MIN_US,
  RELATIVE_ERROR,
  addEncoded,
  addValue,
  bucketOf,
  bucketValue,
  decodeCounts,
  encodeCounts,
  encodeSortedBuckets,
  exactPercentile,
  mergeEncoded,
  newCounts,
  percentilesOf,
} from '../../../db/histogram';

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

/** Latencies in whole µs, as the recorder stores them, from several shapes including heavy tails. */
const SHAPES: Record<string, (rnd: () => number) => number> = {
  // A typical site: log-normal around 80 ms.
  lognormal: (rnd) => Math.exp(Math.log(80_000) + 0.5 * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())),
  // Pareto, alpha 1.1: most checks fast, a few enormous (up to the 60 s timeout).
  pareto: (rnd) => Math.min(60_000_000, 5_000 / Math.pow(1 - rnd(), 1 / 1.1)),
  // Two modes: cache hits and misses.
  bimodal: (rnd) => (rnd() < 0.9 ? 2_000 + rnd() * 500 : 900_000 + rnd() * 200_000),
  // Loopback: a few µs, under the first bucket's bound.
  tiny: (rnd) => rnd() * 25,
  constant: () => 123_456,
  uniformWide: (rnd) => rnd() * 30_000_000,
};

/** The stated bound: relative error α, or 5 µs for latencies under MIN_US. */
function withinBound(estimate: number, exact: number): boolean {
  return Math.abs(estimate - exact) <= RELATIVE_ERROR * exact + 1e-9 || Math.abs(estimate - exact) <= MIN_US / 2;
}

describe('buckets', () => {
  test('γ = 1.08 gives a bound under 4 % (the target is 5 %)', () => {
    assert.equal(GAMMA, 1.08);
    assert.ok(RELATIVE_ERROR < 0.04 && RELATIVE_ERROR > 0.038, String(RELATIVE_ERROR));
  });

  test('every latency from 0 to an hour lands in a bucket whose reported value is within the bound', () => {
    const rnd = random(1);
    const values = [0, 1, 9, 10, 11, 12, 100, 1000, 60_000_000, 3_000_000_000];
    for (let i = 0; i < 20_000; i++) values.push(Math.round(Math.exp(rnd() * Math.log(3_000_000_000))));
    for (const v of values) {
      const b = bucketOf(v);
      assert.ok(b >= 0 && b < BUCKETS);
      assert.ok(withinBound(bucketValue(b), v), `${v} µs → bucket ${b} reports ${bucketValue(b)}`);
    }
  });

  test('buckets never decrease as latency grows', () => {
    let last = 0;
    for (let v = 0; v < 5_000_000; v = Math.ceil(v * 1.01) + 1) {
      const b = bucketOf(v);
      assert.ok(b >= last, `${v}`);
      last = b;
    }
  });
});

describe('encoding', () => {
  test('counts round-trip through the sparse blob, including counts past one varint byte and past 2^32', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: BUCKETS - 1 }), fc.integer({ min: 1, max: 2 ** 40 })), { maxLength: 40 }), (pairs) => {
        const counts = newCounts();
        for (const [b, c] of pairs) counts[b] = c;
        assert.deepEqual(decodeCounts(encodeCounts(counts)), counts);
      }),
    );
  });

  test('empty buckets take no space: one check is two bytes, an empty histogram none', () => {
    const one = newCounts();
    addValue(one, 80_000);
    assert.equal(encodeCounts(one).length, 2);
    assert.equal(encodeCounts(newCounts()).length, 0);
    assert.deepEqual(encodeSortedBuckets([3, 3, 7]), encodeCounts(Object.assign(newCounts(), { 3: 2, 7: 1 })));
  });

  test('merging blobs adds their counts, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 60_000_000 }), { maxLength: 30 }), { maxLength: 8 }), (groups) => {
        const expected = newCounts();
        const blobs = groups.map((g) => {
          const c = newCounts();
          for (const v of g) {
            addValue(c, v);
            addValue(expected, v);
          }
          return encodeCounts(c);
        });
        const forward = blobs.reduce<Uint8Array>((a, b) => mergeEncoded(a, b), new Uint8Array(0));
        const backward = [...blobs].reverse().reduce<Uint8Array>((a, b) => mergeEncoded(a, b), new Uint8Array(0));
        assert.deepEqual(decodeCounts(forward), expected);
        assert.deepEqual(forward, backward);
      }),
    );
  });

  test('a torn blob is read up to where it breaks, never thrown', () => {
    const c = newCounts();
    c[5] = 300; // two varint bytes
    const blob = encodeCounts(c);
    const into = newCounts();
    assert.equal(addEncoded(into, blob.subarray(0, 2)), 0);
    assert.equal(addEncoded(into, null), 0);
  });
});

describe('percentiles from merged histograms', () => {
  for (const [shape, draw] of Object.entries(SHAPES)) {
    test(`${shape}: p50/p95/p99 of merged minute histograms are within the bound of the exact ones`, () => {
      const rnd = random(shape.length * 7919);
      for (let round = 0; round < 20; round++) {
        const n = 1 + Math.floor(rnd() * 5000);
        const values = Array.from({ length: n }, () => Math.round(draw(rnd)));
        // Split into "minutes" of random size, each its own blob, merged as the rollups merge them.
        let merged: Uint8Array = new Uint8Array(0);
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < n; ) {
          const size = 1 + Math.floor(rnd() * 60);
          const counts = newCounts();
          for (const v of values.slice(i, i + size)) {
            addValue(counts, v);
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          merged = mergeEncoded(merged, encodeCounts(counts));
          i += size;
        }
        const sorted = [...values].sort((a, b) => a - b);
        const ps = [1, 25, 50, 90, 95, 99, 99.9, 100];
        const estimates = percentilesOf(decodeCounts(merged), ps, min, max);
        ps.forEach((p, k) => {
          const exact = exactPercentile(sorted, p)!;
          const estimate = estimates[k]!;
          assert.ok(withinBound(estimate, exact), `${shape} n=${n} p${p}: ${estimate} vs exact ${exact}`);
        });
      }
    });
  }

  test('the range min and max make p0 and p100 exact', () => {
    const counts = newCounts();
    for (const v of [12_345, 50_000, 99_999]) addValue(counts, v);
    assert.deepEqual(percentilesOf(counts, [0.0001, 100], 12_345, 99_999), [12_345, 99_999]);
  });

  test('an empty histogram has no percentiles, not zero', () => {
    assert.deepEqual(percentilesOf(newCounts(), [50, 99]), [null, null]);
    assert.equal(exactPercentile([], 50), null);
  });
});
