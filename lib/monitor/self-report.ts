import fs from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { SelfReport } from '../../db';
import type { BatchInfo, RecorderStats } from './recorder';
import type { SchedulerStats } from './scheduler';
import type { LoopFigures } from './checker-protocol';

/**
 * The checker's self-report: every few seconds it writes its own figures (scheduler lag, checks in flight and queued,
 * recent recorder batches, event-loop lag, memory, open handles) into the database. The web process reads them
 * from there for GET /api/health, so a checker running inside the web server and one running as its own process
 * are seen the same way, and a checker that died or hangs shows as a self-report that stopped.
 */

/** How often the checker writes its self-report, ms. */
export const SELF_REPORT_EVERY_MS = 2_000;
/** Batches kept between two reports; a flush every 250 ms gives ~8 per report, so this only bounds a burst. */
const RECENT_BATCHES = 64;
/** Queue lengths kept, one per report, to tell a queue that keeps growing from a momentary one. */
const QUEUE_TREND = 6;
/** Sampling resolution of the event-loop delay histogram, ms; it is subtracted from what the histogram reports. */
const LOOP_RESOLUTION_MS = 10;
/**
 * How far back the recent start lag reaches, ms, and how many samples it keeps at most. The scheduler's own
 * window holds the last 8,192 checks, which at a few checks a second is many minutes: after a stall (a machine
 * waking from sleep) its p99 would say "behind" long after the checker caught up. The recent figure says now.
 */
export const RECENT_LAG_MS = 30_000;
const RECENT_LAG_MAX_SAMPLES = 4096;

/** The figures in a self-report (stored as JSON; read back and validated by lib/health.ts). */
export interface SelfReportStats {
  version: 1;
  /** The writer's period, ms: a reader judges staleness against it. */
  everyMs: number;
  scheduler: SchedulerStats;
  recorder: Omit<RecorderStats, 'lastBatch'> & { lastBatch: BatchInfo | null };
  /** Batches written since the previous report, oldest first (at most 64). */
  recentBatches: BatchInfo[];
  /** The scheduler's queue length at this and the previous reports, oldest first. */
  queuedTrend: number[];
  /** Start lag of the checks that started in the last 30 s (at most the last 4,096 of them), ms. */
  recentLag: { windowMs: number; count: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** How late the event loop ran its timers since the previous report, beyond the sampling resolution, ms. */
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  /** The same of the checker's own thread, where it has one (null: it shares the loop above). */
  checkerLoop: LoopFigures | null;
  process: {
    pid: number;
    uptimeS: number;
    rssBytes: number;
    heapUsedBytes: number;
    heapTotalBytes: number;
    externalBytes: number;
    arrayBuffersBytes: number;
    /** Entries of /proc/self/fd; null where there is no /proc. */
    openFds: number | null;
    /** `process.getActiveResourcesInfo()` counted by kind (TCPSocketWrap, Timeout, FSReqCallback …). */
    activeResources: Record<string, number>;
  };
}

/** What the writer needs from storage. */
export interface SelfReportSink {
  writeSelfReport(report: SelfReport): void;
}

export interface SelfReportOptions {
  sink: SelfReportSink;
  scheduler: () => SchedulerStats;
  /** The checker thread's loop figures, when the checker runs on its own thread. */
  checkerLoop?: () => LoopFigures | null;
  recorder: () => RecorderStats;
  startedAt: number;
  everyMs?: number;
}

export interface SelfReporter {
  /** Notes a batch the recorder wrote (wire it to the recorder's `onFlush`). */
  noteBatch(info: BatchInfo): void;
  /** Notes the start lag of a check as it starts. */
  noteLag(lagMs: number): void;
  /** Writes a report now. */
  report(): void;
  /** Writes a last report marked stopped and stops the timer. Never throws. */
  stop(): void;
}

/**
 * Writes a self-report at once and then every `everyMs` until stopped. A failed write (database busy past its
 * timeout, disk full) is logged once and retried at the next report; it never stops the checker.
 */
export function startSelfReport(options: SelfReportOptions): SelfReporter {
  const everyMs = options.everyMs ?? SELF_REPORT_EVERY_MS;
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  let recent: BatchInfo[] = [];
  const queued: number[] = [];
  const lags = new LagRing(RECENT_LAG_MAX_SAMPLES);
  let lastError = '';
  let stopped = false;

  const figures = (): SelfReportStats => {
    const scheduler = options.scheduler();
    queued.push(scheduler.queued);
    if (queued.length > QUEUE_TREND) queued.shift();
    const batches = recent;
    recent = [];
    const mem = process.memoryUsage();
    const stats: SelfReportStats = {
      version: 1,
      everyMs,
      scheduler,
      recorder: options.recorder(),
      recentBatches: batches,
      queuedTrend: [...queued],
      recentLag: lags.figures(performance.now() - RECENT_LAG_MS),
      eventLoop: loopFigures(loop),
      checkerLoop: options.checkerLoop?.() ?? null,
      process: {
        pid: process.pid,
        uptimeS: Math.round(process.uptime()),
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        externalBytes: mem.external,
        arrayBuffersBytes: mem.arrayBuffers,
        openFds: countOpenFds(),
        activeResources: countResources(),
      },
    };
    loop.reset();
    return stats;
  };

  const write = (stoppedAt: number | null) => {
    try {
      const now = Date.now();
      options.sink.writeSelfReport({
        pid: process.pid,
        startedAt: options.startedAt,
        reportedAt: now,
        stoppedAt,
        stats: figures(),
      });
      lastError = '';
    } catch (err) {
      const message = (err as Error).message;
      // One line per distinct failure, not one every report.
      if (message !== lastError && stoppedAt === null) console.error('[self-report] could not write:', message);
      lastError = message;
    }
  };

  const timer = setInterval(() => write(null), everyMs);
  // The self-report is about the process; it is never the reason the process stays alive.
  timer.unref();
  write(null);

  return {
    noteBatch(info) {
      if (recent.length >= RECENT_BATCHES) recent.shift();
      recent.push(info);
    },
    noteLag: (lagMs) => lags.add(performance.now(), lagMs),
    report: () => {
      if (!stopped) write(null);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      write(Date.now());
      loop.disable();
    },
  };
}

/** The last `capacity` start lags with when they were noted: fixed memory, O(1) to add. */
class LagRing {
  private readonly at: Float64Array;
  private readonly lag: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.lag = new Float64Array(capacity);
  }

  add(at: number, lagMs: number): void {
    this.at[this.next] = at;
    this.lag[this.next] = lagMs;
    this.next = (this.next + 1) % this.at.length;
    if (this.filled < this.at.length) this.filled++;
  }

  /** Nearest-rank percentiles of the lags noted at or after `since` (a performance.now() time). */
  figures(since: number): SelfReportStats['recentLag'] {
    const values: number[] = [];
    for (let i = 0; i < this.filled; i++) if (this.at[i]! >= since) values.push(this.lag[i]!);
    values.sort((a, b) => a - b);
    const rank = (p: number) =>
      values.length === 0 ? 0 : values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))]!;
    return {
      windowMs: RECENT_LAG_MS,
      count: values.length,
      p50Ms: round(rank(50)),
      p99Ms: round(rank(99)),
      maxMs: round(values[values.length - 1] ?? 0),
    };
  }
}

function loopFigures(h: IntervalHistogram): SelfReportStats['eventLoop'] {
  const beyond = (ns: number) => (Number.isFinite(ns) ? round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS)) : 0);
  if (h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };
  return { p50Ms: beyond(h.percentile(50)), p99Ms: beyond(h.percentile(99)), maxMs: beyond(h.max), meanMs: beyond(h.mean) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

let hasProcFd: boolean | undefined;

function countOpenFds(): number | null {
  if (hasProcFd === false) return null;
  try {
    const n = fs.readdirSync('/proc/self/fd').length;
    hasProcFd = true;
    // The listing itself holds one descriptor while it reads.
    return n - 1;
  } catch {
    hasProcFd = false;
    return null;
  }
}

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
