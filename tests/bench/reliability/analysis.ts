/**
 * What the reliability benchmarks read back from a run's database: check rows in a window, how many checks were
 * in flight at once (exactly, from each row's start and duration), due slots, and per-second rates.
 */
import { openStore } from '../../../db';
import { nextSiteState } from '../../../lib/monitor/state';
import { nextSlotAtOrAfter, offsetOf } from '../../../lib/monitor/scheduler';

export interface RawCheck {
  id: number;
  site_id: number;
  checked_at: number;
  ok: number;
  error_kind: number | null;
  lag_ms: number;
  total_us: number;
}

/** Check rows that started in [from, to), oldest first. */
export function readChecks(file: string, from: number, to: number): RawCheck[] {
  const store = openStore(file, { decideState: nextSiteState });
  try {
    return store.db
      .prepare<[number, number], RawCheck>(
        `SELECT id, site_id, checked_at, ok, error_kind, lag_ms, total_us FROM checks
         WHERE checked_at >= ? AND checked_at < ? ORDER BY checked_at, id`,
      )
      .all(from, to);
  } finally {
    store.close();
  }
}

export interface Overlap {
  /** Most checks in flight at one moment inside the window. */
  max: number;
  /** Milliseconds inside the window during which at least `n` checks were in flight. */
  msAtLeast(n: number): number;
}

/**
 * Checks in flight over time, from each row's start (`checked_at`) and duration (`total_us`): a check holds its
 * slot in the concurrency bound for exactly that long (plus microseconds of bookkeeping), so this is the
 * scheduler's in-flight count at every instant, not a sample of it. Only time inside [from, to) counts.
 */
export function overlap(rows: readonly RawCheck[], from: number, to: number): Overlap {
  const events: Array<[number, number]> = [];
  for (const r of rows) {
    const start = r.checked_at;
    const end = r.checked_at + r.total_us / 1000;
    if (end <= from || start >= to) continue;
    events.push([start, 1], [end, -1]);
  }
  // Ends before starts at the same instant: a slot freed and taken again is not two at once.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const timeAt = new Map<number, number>();
  let level = 0;
  let max = 0;
  let prev = from;
  for (const [t, delta] of events) {
    const clipped = Math.min(Math.max(t, from), to);
    if (clipped > prev) timeAt.set(level, (timeAt.get(level) ?? 0) + (clipped - prev));
    prev = Math.max(prev, clipped);
    level += delta;
    if (t >= from && t < to) max = Math.max(max, level);
  }
  if (to > prev) timeAt.set(level, (timeAt.get(level) ?? 0) + (to - prev));
  return {
    max,
    msAtLeast: (n) => [...timeAt].filter(([l]) => l >= n).reduce((sum, [, ms]) => sum + ms, 0),
  };
}

/** Grid slots of the given sites inside [from, to) (see the scheduler's `nextSlotAtOrAfter`). */
export function dueSlots(sites: ReadonlyArray<{ id: number; intervalMs: number }>, from: number, to: number): number {
  let due = 0;
  for (const s of sites) {
    const first = nextSlotAtOrAfter(s.id, s.intervalMs, from);
    if (first < to) due += Math.floor((to - 1 - first) / s.intervalMs) + 1;
  }
  return due;
}

/** Distinct grid slots with a row (`checked_at − lag_ms` snapped to the site's grid) inside [from, to). */
export function doneSlots(
  rows: readonly RawCheck[],
  intervalMsOf: (siteId: number) => number | undefined,
  from: number,
  to: number,
): number {
  const seen = new Set<string>();
  for (const r of rows) {
    const intervalMs = intervalMsOf(r.site_id);
    if (intervalMs === undefined) continue;
    const offset = offsetOf(r.site_id, intervalMs);
    const slot = Math.round((r.checked_at - r.lag_ms - offset) / intervalMs) * intervalMs + offset;
    if (slot >= from && slot < to) seen.add(`${r.site_id}:${slot}`);
  }
  return seen.size;
}

/** How many of `times` fall in each whole second of [from, to). */
export function perSecond(times: readonly number[], from: number, to: number): number[] {
  const buckets = new Array<number>(Math.max(0, Math.floor((to - from) / 1000))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / 1000);
    if (i >= 0 && i < buckets.length) buckets[i]!++;
  }
  return buckets;
}

/** Least-squares slope of y over x (per unit of x); NaN with fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}
