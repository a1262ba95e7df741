import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Site } from '../../db/domain';
import { ADJUST_EVERY_MS, DEFAULT_FLOOR, initialBound, nextBound, type BoundLimits } from './bound';
import { systemClock, type Clock } from './clock';
import { MinHeap } from './heap';
import { SampleWindow } from './stats';

/** What the scheduler hands to the runner for each check it starts. */
export interface DueCheck {
  /** The slot this check belongs to (epoch ms). */
  dueAt: number;
  /** When it actually started, after waiting for a free slot in the concurrency bound. */
  startedAt: number;
  /** startedAt - dueAt: the monitor's own lateness, never the site's latency. */
  lagMs: number;
}

/** Runs one check; resolves to whether it passed (void: unknown, no retry). */
export type RunCheck = (site: Site, due: DueCheck) => Promise<boolean | void>;

export interface SchedulerOptions {
  /** Checks in flight at most, across all sites: the ceiling of the adaptive bound (see bound.ts). */
  concurrency: number;
  runCheck: RunCheck;
  clock?: Clock;
  /** False keeps the bound fixed at `concurrency`. Default true. */
  adaptive?: boolean;
  /** The least the adaptive bound shrinks to (and where it starts). Default 64, within the ceiling. */
  floor?: number;
}

export interface SchedulerStats {
  sites: number;
  inFlight: number;
  /** Checks allowed in flight now (the adaptive bound). */
  bound: number;
  /** The most the bound may grow to (UPBEAT_CONCURRENCY). */
  ceiling: number;
  /** Checks due and waiting for a free slot in the concurrency bound. */
  queued: number;
  started: number;
  /** Slots skipped because the previous check of that site was still running. */
  skippedOverlap: number;
  /** Missed slots folded into one check after a stall (sleep, long pause). */
  coalesced: number;
  /** Extra checks queued after a failure, to confirm it quickly. */
  retries: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

interface Entry {
  key: number; // due time
  siteId: number;
  gen: number;
  /** A slot on the site's regular grid; the other kind is a one-off "check now". */
  isSlot: boolean;
}

interface Tracked {
  site: Site;
  gen: number;
  busy: boolean;
  /** Failed checks in a row seen here; a retry follows each one short of the site's confirmAfter. */
  failures: number;
}

/**
 * A stable offset of each site inside its interval, from its id, so sites spread evenly over the interval and a
 * restart keeps the spread. (A 32-bit integer mix; ids are small consecutive integers and must not cluster.)
 */
export function offsetOf(siteId: number, intervalMs: number): number {
  let h = siteId >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h = (h ^ (h >>> 16)) >>> 0;
  return h % intervalMs;
}

/** The first slot of the site's grid at or after `t`. */
export function nextSlotAtOrAfter(siteId: number, intervalMs: number, t: number): number {
  const offset = offsetOf(siteId, intervalMs);
  const k = Math.ceil((t - offset) / intervalMs);
  return k * intervalMs + offset;
}

/** Sampling resolution of the event-loop delay histogram the bound reads, ms (subtracted from what it reports). */
const LOOP_RESOLUTION_MS = 5;

const intervalMsOf = (s: Site) => s.intervalSeconds * 1000;

const KIND_FIELDS = ['kind', 'assertions', 'requestBody', 'requestContentType', 'tlsVerify', 'caPem', 'hostHeader', 'dnsRecordType', 'dnsServer', 'dnsExpected'] as const;

/** Fields whose change makes the next result different in kind, so the user wants to see one at once. */
function changesWhatIsChecked(a: Site, b: Site): boolean {
  return (
    a.url !== b.url ||
    a.method !== b.method ||
    a.expectedStatus !== b.expectedStatus ||
    a.followRedirects !== b.followRedirects ||
    a.timeoutMs !== b.timeoutMs ||
    JSON.stringify(a.headers ?? {}) !== JSON.stringify(b.headers ?? {}) ||
    KIND_FIELDS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
  );
}

/**
 * Decides when each site is checked. One timer for the earliest due check (a min-heap of due times), one global
 * bound on checks in flight (p-limit), never two checks of one site at once. Slots sit on a per-site grid
 * (`k * interval + offset`), so the next due time is the previous one plus the interval and nothing drifts; a
 * check that could not start on time starts as soon as it can and its lag is recorded; slots missed during a
 * stall are folded into one check.
 */
export class Scheduler {
  private readonly clock: Clock;
  private readonly limit: LimitFunction;
  private readonly runCheck: RunCheck;
  private readonly heap = new MinHeap<Entry>();
  private readonly sites = new Map<number, Tracked>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lag = new SampleWindow(8192);
  private timer: unknown = null;
  private timerAt = Infinity;
  private running = false;
  private synced = false;
  private counters = { started: 0, skippedOverlap: 0, coalesced: 0, retries: 0 };
  private readonly limits: BoundLimits;
  private readonly adaptive: boolean;
  /** Start lags of the checks started since the last adjustment. */
  private periodLags: number[] = [];
  private loop: IntervalHistogram | null = null;
  private adjuster: ReturnType<typeof setInterval> | null = null;

  constructor(options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.adaptive = options.adaptive ?? true;
    this.limits = { ceiling: options.concurrency, floor: options.floor ?? DEFAULT_FLOOR };
    // rejectOnClear: checks still queued at stop settle at once instead of hanging the shutdown.
    this.limit = pLimit({
      concurrency: this.adaptive ? initialBound(this.limits) : options.concurrency,
      rejectOnClear: true,
    });
    this.runCheck = options.runCheck;
  }

  start(): void {
    this.running = true;
    if (this.adaptive && this.adjuster === null) {
      this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      this.loop.enable();
      this.adjuster = setInterval(() => this.adjustBound(), ADJUST_EVERY_MS);
      // The bound is about checks; it is never the reason the process stays alive.
      this.adjuster.unref();
    }
    this.arm();
  }

  /** One step of the adaptive bound (bound.ts) on the figures of the period that just ended. */
  private adjustBound(): void {
    const lags = this.periodLags.sort((a, b) => a - b);
    this.periodLags = [];
    const lagP99Ms = lags.length === 0 ? 0 : lags[Math.min(lags.length - 1, Math.ceil(0.99 * lags.length) - 1)]!;
    const loop = this.loop;
    const loopP99Ms = loop && loop.count > 0 ? Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) : 0;
    loop?.reset();
    const { bound } = nextBound(
      { bound: this.limit.concurrency, inFlight: this.limit.activeCount, queued: this.limit.pendingCount, lagP99Ms, loopP99Ms },
      this.limits,
    );
    if (bound !== this.limit.concurrency) this.limit.concurrency = bound;
  }

  /**
   * Brings the schedule in line with the current list of sites. The first call places every site on its next
   * slot (a restart must not fire everything at once); later calls check new, resumed and re-targeted sites at
   * once, and any site whose "check now" request is newer than the last one seen.
   */
  sync(list: readonly Site[]): void {
    const now = this.clock.now();
    const first = !this.synced;
    this.synced = true;
    const seen = new Set<number>();
    for (const site of list) {
      seen.add(site.id);
      const tracked = this.sites.get(site.id);
      if (!tracked) {
        this.sites.set(site.id, { site, gen: 0, busy: false, failures: 0 });
        if (!site.paused) this.place(site.id, now, !first);
        continue;
      }
      const old = tracked.site;
      tracked.site = site;
      const requested = site.checkRequestedAt !== null && site.checkRequestedAt !== old.checkRequestedAt;
      if (site.paused) {
        if (!old.paused) tracked.gen++;
        continue;
      }
      const resumed = old.paused;
      const regridded = resumed || old.intervalSeconds !== site.intervalSeconds;
      const immediate = !first && (resumed || requested || changesWhatIsChecked(old, site));
      if (regridded) {
        tracked.gen++;
        this.place(site.id, now, immediate);
      } else if (immediate) {
        this.push({ key: now, siteId: site.id, gen: tracked.gen, isSlot: false });
      }
    }
    for (const [id, tracked] of this.sites) {
      if (!seen.has(id)) {
        tracked.gen++; // its heap entries go stale and are dropped when they surface
        this.sites.delete(id);
      }
    }
    this.arm();
  }

  /** Stops starting checks and waits for the ones in flight (each bounded by its own timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.adjuster !== null) clearInterval(this.adjuster);
    this.adjuster = null;
    this.loop?.disable();
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    this.limit.clearQueue();
    await Promise.allSettled([...this.inFlight]);
  }

  /** The figures that cost nothing to read (no percentiles): for frequent looks. */
  lightStats(): { inFlight: number; queued: number; bound: number } {
    return { inFlight: this.limit.activeCount, queued: this.limit.pendingCount, bound: this.limit.concurrency };
  }

  stats(): SchedulerStats {
    return {
      sites: this.sites.size,
      inFlight: this.limit.activeCount,
      bound: this.limit.concurrency,
      ceiling: this.limits.ceiling,
      queued: this.limit.pendingCount,
      ...this.counters,
      lagP50Ms: this.lag.percentile(50),
      lagP99Ms: this.lag.percentile(99),
      lagMaxMs: this.lag.max(),
    };
  }

  /** Puts a site on its grid: the next slot, and optionally a check right now. */
  private place(siteId: number, now: number, checkNow: boolean): void {
    const tracked = this.sites.get(siteId);
    if (!tracked) return;
    const interval = intervalMsOf(tracked.site);
    let slot = nextSlotAtOrAfter(siteId, interval, now);
    if (checkNow) {
      this.push({ key: now, siteId, gen: tracked.gen, isSlot: false });
      // Leave at least half an interval after the immediate check before the first regular one.
      if (slot - now < interval / 2) slot += interval;
    }
    this.push({ key: slot, siteId, gen: tracked.gen, isSlot: true });
  }

  private push(entry: Entry): void {
    this.heap.push(entry);
  }

  /** Keeps exactly one timer, set for the earliest entry. */
  private arm(): void {
    if (!this.running) return;
    const top = this.heap.peek();
    if (!top) return;
    if (this.timer !== null && this.timerAt <= top.key) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = top.key;
    this.timer = this.clock.setTimer(() => this.fire(), Math.max(0, top.key - this.clock.now()));
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (!this.running) return;
    const now = this.clock.now();
    for (let top = this.heap.peek(); top && top.key <= now; top = this.heap.peek()) {
      this.heap.pop();
      this.dispatch(top, now);
    }
    this.arm();
  }

  /**
   * A failure not yet confirmed is re-checked after the site's retry interval (a one-off entry: the grid of
   * regular slots is untouched), so a 5-minute site is confirmed down in seconds, not in 10 minutes.
   */
  private afterResult(tracked: Tracked, gen: number, ok: boolean): void {
    if (ok) {
      tracked.failures = 0;
      return;
    }
    tracked.failures++;
    const site = tracked.site;
    if (!this.running || tracked.gen !== gen || site.paused || tracked.failures >= site.confirmAfter) return;
    const retryMs = Math.min(site.retryIntervalSeconds, site.intervalSeconds) * 1000;
    this.counters.retries++;
    this.push({ key: this.clock.now() + retryMs, siteId: site.id, gen, isSlot: false });
    this.arm();
  }

  private dispatch(entry: Entry, now: number): void {
    const tracked = this.sites.get(entry.siteId);
    if (!tracked || tracked.gen !== entry.gen || tracked.site.paused) return;
    let dueAt = entry.key;
    if (entry.isSlot) {
      const interval = intervalMsOf(tracked.site);
      const missed = Math.floor((now - dueAt) / interval);
      if (missed > 0) {
        // Asleep or stalled for whole intervals: one check for all of them, on the latest missed slot.
        dueAt += missed * interval;
        this.counters.coalesced += missed;
      }
      this.push({ key: dueAt + interval, siteId: entry.siteId, gen: entry.gen, isSlot: true });
    }
    if (tracked.busy) {
      this.counters.skippedOverlap++;
      return;
    }
    tracked.busy = true;
    const site = tracked.site;
    const task = this.limit(async () => {
      const startedAt = this.clock.now();
      const lagMs = Math.max(0, startedAt - dueAt);
      this.lag.add(lagMs);
      if (this.adaptive && this.periodLags.length < 65_536) this.periodLags.push(lagMs);
      this.counters.started++;
      const ok = await this.runCheck(site, { dueAt, startedAt, lagMs });
      if (ok !== undefined) this.afterResult(tracked, entry.gen, ok);
    })
      .catch((err: unknown) => {
        if (!this.running) return; // dropped from the queue by stop()
        console.error(`[scheduler] check of site ${site.id} failed unexpectedly`, err);
      })
      .finally(() => {
        tracked.busy = false;
        this.inFlight.delete(task);
      });
    this.inFlight.add(task);
  }
}
