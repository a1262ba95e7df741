/** What the recorded checks say: due vs done, start lag, latency accuracy. */
import { nextSlotAtOrAfter, offsetOf } from '../../../lib/monitor/scheduler';
import { openAppStore } from '../../../lib/store';
import { delayOfUrl, siteNumberOf } from '../lib/delays';
import { summarize, type Summary } from '../lib/stats';
import { ms, num } from '../lib/table';
import type { Flags } from './flags';

export function describeAccuracySplit(blocked: Summary, free: Summary): string {
  if (blocked.count + free.count === 0) return '';
  const share = (blocked.count / (blocked.count + free.count)) * 100;
  return (
    `${num(share, 1)}% of them had their response due while a recorder transaction held the event loop: ` +
    `p50 / p95 ${ms(blocked.p50, 2)} / ${ms(blocked.p95, 2)}; all the others ${ms(free.p50, 2)} / ` +
    `${ms(free.p95, 2)}.`
  );
}

export function describeRss(samples: readonly { at: number; mb: number }[]): string {
  const bySlice = new Map<number, number>();
  for (const s of samples) {
    const slice = Math.floor(s.at / 30000);
    bySlice.set(slice, Math.max(bySlice.get(slice) ?? 0, s.mb));
  }
  return [...bySlice.values()].map((mb) => num(mb)).join(', ') + ' MB';
}

/** Whether `t` falls inside one of the sorted, non-overlapping spans. */
export function isInside(spans: readonly [number, number][], t: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = spans[mid]!;
    if (t < start) hi = mid - 1;
    else if (t > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The target's log of actual waits (target-server.ts /__waits) by site number: [arrived at ms, waited µs], in order. */
export type WaitLog = Map<number, Array<[number, number]>>;

export function waitLogOf(rows: ReadonlyArray<[number, number, number]>): WaitLog {
  const log: WaitLog = new Map();
  for (const [site, at, us] of rows) {
    let list = log.get(site);
    if (!list) log.set(site, (list = []));
    list.push([at, us]);
  }
  return log;
}

/** What the server waited for the check of `site` that started at `checkedAt`: its first arrival from then on. */
function waitedMs(log: WaitLog, site: number | null, checkedAt: number, totalMs: number): number | null {
  const list = site === null ? undefined : log.get(site);
  if (!list) return null;
  // Epoch ms in two processes: the arrival is after the check started, allowing a millisecond of rounding.
  for (const [at, us] of list) if (at >= checkedAt - 1 && at <= checkedAt + totalMs + 1) return us / 1000;
  return null;
}

export function analyseChecks(
  file: string,
  flags: Flags,
  windowStart: number,
  windowEnd: number,
  batchSpans: readonly [number, number][],
  waitLog: WaitLog = new Map(),
) {
  const spans = [...batchSpans].sort((a, b) => a[0] - b[0]);
  const store = openAppStore(file);
  try {
    const sites = store.db.prepare<[], { id: number; url: string; interval_s: number }>(
      'SELECT id, url, interval_s FROM sites',
    ).all();
    const bySite = new Map<number, { delay: number; intervalMs: number; offset: number; number: number | null }>();
    let due = 0;
    for (const s of sites) {
      const intervalMs = s.interval_s * 1000;
      bySite.set(s.id, { delay: delayOfUrl(s.url) ?? NaN, intervalMs, offset: offsetOf(s.id, intervalMs), number: siteNumberOf(s.url) });
      const first = nextSlotAtOrAfter(s.id, intervalMs, windowStart);
      if (first < windowEnd) due += Math.floor((windowEnd - 1 - first) / intervalMs) + 1;
    }
    const margin = flags.intervalS * 1000;
    const rows = store.db
      .prepare<[number, number], { site_id: number; checked_at: number; lag_ms: number; total_us: number; ok: number; error_kind: number | null }>(
        `SELECT site_id, checked_at, lag_ms, total_us, ok, error_kind FROM checks
         WHERE checked_at >= ? AND checked_at < ?`,
      )
      .all(windowStart - margin, windowEnd + margin);
    const seen = new Set<string>();
    const lags: number[] = [];
    const accuracy: number[] = [];
    // Against the wait the server actually made (its timer's lateness is the fixture's error, not the probe's).
    const accuracyWaited: number[] = [];
    // Split by whether the response was due while a recorder transaction held the event loop.
    const accuracyBlocked: number[] = [];
    const accuracyFree: number[] = [];
    let failed = 0;
    let extra = 0;
    const kinds = new Map<number, number>();
    for (const r of rows) {
      const site = bySite.get(r.site_id);
      if (!site) continue;
      const dueEstimate = r.checked_at - r.lag_ms;
      const slot = Math.round((dueEstimate - site.offset) / site.intervalMs) * site.intervalMs + site.offset;
      if (slot < windowStart || slot >= windowEnd) continue;
      const key = `${r.site_id}:${slot}`;
      if (seen.has(key)) {
        extra++;
        continue;
      }
      seen.add(key);
      lags.push(r.lag_ms);
      if (r.ok === 1) {
        const error = Math.abs(r.total_us / 1000 - site.delay);
        accuracy.push(error);
        const waited = waitedMs(waitLog, site.number, r.checked_at, r.total_us / 1000);
        if (waited !== null) accuracyWaited.push(Math.abs(r.total_us / 1000 - waited));
        if (spans.length > 0) (isInside(spans, r.checked_at + site.delay) ? accuracyBlocked : accuracyFree).push(error);
      } else {
        failed++;
        kinds.set(r.error_kind ?? 0, (kinds.get(r.error_kind ?? 0) ?? 0) + 1);
      }
    }
    const failedKinds =
      kinds.size === 0 ? '' : ` (error_kind code: count ${[...kinds].map(([k, n]) => `${k}: ${n}`).join(', ')})`;
    return {
      due,
      done: seen.size,
      failed,
      failedKinds,
      extra,
      lag: summarize(lags),
      accuracy: summarize(accuracy),
      accuracyWaited: summarize(accuracyWaited),
      accuracyBlocked: summarize(accuracyBlocked),
      accuracyFree: summarize(accuracyFree),
    };
  } finally {
    store.close();
  }
}
