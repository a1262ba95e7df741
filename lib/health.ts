import fs from 'node:fs';
import { z } from 'zod';
import type { SelfReport } from '../db';
import type { SchedulerStats } from './monitor/scheduler';

/**
 * The monitor's own health, as GET /api/health reports it: read from the self-report the checker writes into
 * the database (lib/monitor/self-report.ts), so it is the same whether the checker runs inside the web server or as
 * its own process, and a checker that died or hangs shows up as a self-report that stopped.
 *
 * Status:
 * - `ok`      — the checker's self-report is fresh and it keeps up.
 * - `behind`  — fresh, but checks start late (start lag p99 over the last 30 s above 1 s), checks are due and
 *               none started in those 30 s, its queue keeps growing, or its event loop is blocked (p99 over 1 s):
 *               latency figures may be late.
 * - `stalled` — the checker should be running but its self-report is older than 15 s, it stopped, or it never
 *               started; or it runs as its own process (UPBEAT_MONITOR=off) and died without saying goodbye.
 * - `off`     — UPBEAT_MONITOR=off and no checker process is running: none has ever written a self-report to this
 *               database, or the last one stopped cleanly.
 */

export const HEALTH_STATUSES = ['ok', 'behind', 'stalled', 'off'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** A self-report older than this means the checker is gone or frozen (seven missed at the default 2 s). */
export const STALE_AFTER_MS = 15_000;
/** Scheduler lag p99 above this means checks start late enough for people to notice. */
export const LAG_BEHIND_MS = 1_000;
/** Event-loop lag p99 above this means the checker's process is too busy to keep time. */
export const LOOP_BEHIND_MS = 1_000;
/** The queue "keeps growing" when it rose at every one of at least this many reports in a row… */
export const QUEUE_TREND_REPORTS = 4;
/** …and by at least this many checks overall (a queue of a few checks at a busy second is normal). */
export const QUEUE_GROWTH_MIN = 20;

const num = z.number();

/** The figures lib/health.ts reads from a self-report; anything else in it is ignored. */
const statsSchema = z.object({
  scheduler: z.object({
    sites: num,
    inFlight: num,
    // A checker from before the adaptive bound does not write these.
    bound: num.nullable().default(null),
    ceiling: num.nullable().default(null),
    queued: num,
    started: num,
    skippedOverlap: num,
    coalesced: num,
    // A checker from before retries existed does not write it.
    retries: num.default(0),
    lagP50Ms: num,
    lagP99Ms: num,
    lagMaxMs: num,
  }),
  recorder: z.object({
    pending: num,
    batches: num,
    recorded: num,
    dropped: num,
    failed: num,
    writeP99Ms: num,
    delayP99Ms: num,
    lastBatch: z.object({ size: num, writeMs: num, delayMs: num, at: num }).nullable(),
  }),
  queuedTrend: z.array(num),
  recentLag: z.object({ windowMs: num, count: num, p50Ms: num, p99Ms: num, maxMs: num }).optional(),
  eventLoop: z.object({ p50Ms: num, p99Ms: num, maxMs: num }),
  // The checker thread's own loop; absent from a checker without one (or from before it had one).
  checkerLoop: z.object({ p50Ms: num, p99Ms: num, maxMs: num }).nullable().default(null),
  process: z.object({
    rssBytes: num,
    heapUsedBytes: num,
    openFds: num.nullable(),
    activeResources: z.record(z.string(), num),
  }),
});
export type SelfReportFigures = z.infer<typeof statsSchema>;

export interface HealthInput {
  report: SelfReport | undefined;
  now: number;
  /** True when this process runs the checker itself (UPBEAT_MONITOR on), so a missing self-report is a fault. */
  isCheckerExpected: boolean;
}

export interface HealthVerdict {
  status: HealthStatus;
  /** Why the status is not `ok`, in words for people; empty when it is. */
  reasons: string[];
  /** The self-report's figures, when it has readable ones. */
  figures: SelfReportFigures | null;
}

/** The figures of a self-report, or null when they are missing or of another shape (another version wrote them). */
export function figuresOf(report: SelfReport | undefined): SelfReportFigures | null {
  const parsed = statsSchema.safeParse(report?.stats);
  return parsed.success ? parsed.data : null;
}

/** True when the queue rose at each of the last QUEUE_TREND_REPORTS reports, by QUEUE_GROWTH_MIN or more in all. */
export function isQueueGrowing(trend: readonly number[]): boolean {
  if (trend.length < QUEUE_TREND_REPORTS) return false;
  const recent = trend.slice(-QUEUE_TREND_REPORTS);
  for (let i = 1; i < recent.length; i++) if (recent[i]! < recent[i - 1]!) return false;
  return recent[recent.length - 1]! - recent[0]! >= QUEUE_GROWTH_MIN;
}

/** The status rules (see the module comment), as a pure function of the self-report and the time. */
export function judgeHealth({ report, now, isCheckerExpected }: HealthInput): HealthVerdict {
  const figures = figuresOf(report);
  if (!report) {
    return isCheckerExpected
      ? { status: 'stalled', reasons: ['the checker has not reported: it did not start'], figures }
      : { status: 'off', reasons: ['the checker is off here (UPBEAT_MONITOR=off) and no checker process runs'], figures };
  }
  if (report.stoppedAt !== null) {
    const when = new Date(report.stoppedAt).toISOString();
    return isCheckerExpected
      ? { status: 'stalled', reasons: [`the checker stopped at ${when}`], figures }
      : { status: 'off', reasons: [`the checker process stopped at ${when}`], figures };
  }
  const ageMs = now - report.reportedAt;
  if (ageMs > STALE_AFTER_MS) {
    return {
      status: 'stalled',
      reasons: [`no self-report from the checker (pid ${report.pid}) for ${Math.round(ageMs / 1000)} s`],
      figures,
    };
  }
  if (figures === null) {
    return { status: 'behind', reasons: ['the checker\u2019s self-report has no readable figures'], figures };
  }
  const reasons: string[] = [];
  // The recent lag (the last 30 s) says how the checker does now; the scheduler's own window reaches back many
  // minutes and is used only when a self-report does not carry the recent one.
  const recent = figures.recentLag;
  const lagP99Ms = recent ? (recent.count > 0 ? recent.p99Ms : 0) : figures.scheduler.lagP99Ms;
  const over = recent ? `in the last ${Math.round(recent.windowMs / 1000)} s` : 'recently';
  if (lagP99Ms > LAG_BEHIND_MS) {
    reasons.push(`checks start late: lag p99 ${Math.round(lagP99Ms)} ms ${over} (over ${LAG_BEHIND_MS} ms)`);
  }
  if (recent && recent.count === 0 && figures.scheduler.queued > 0) {
    reasons.push(`${figures.scheduler.queued} checks are due but none started ${over}`);
  }
  if (isQueueGrowing(figures.queuedTrend)) {
    reasons.push(`the queue of due checks keeps growing (${figures.queuedTrend.join(' → ')})`);
  }
  if (figures.eventLoop.p99Ms > LOOP_BEHIND_MS) {
    reasons.push(`the checker's event loop is blocked: lag p99 ${Math.round(figures.eventLoop.p99Ms)} ms`);
  }
  if (figures.checkerLoop && figures.checkerLoop.p99Ms > LOOP_BEHIND_MS) {
    reasons.push(`the checker thread's event loop is blocked: lag p99 ${Math.round(figures.checkerLoop.p99Ms)} ms`);
  }
  return { status: reasons.length > 0 ? 'behind' : 'ok', reasons, figures };
}

/** Bytes of the database file and its write-ahead log (0 for what does not exist). */
export function databaseBytes(file: string): { fileBytes: number; walBytes: number; totalBytes: number } {
  const size = (p: string) => {
    try {
      return fs.statSync(p).size;
    } catch {
      return 0;
    }
  };
  const fileBytes = file === ':memory:' ? 0 : size(file);
  const walBytes = file === ':memory:' ? 0 : size(`${file}-wal`);
  return { fileBytes, walBytes, totalBytes: fileBytes + walBytes };
}

/** GET /api/health's body. Times are ISO 8601; durations in ms. */
export interface HealthReport {
  status: HealthStatus;
  reasons: string[];
  at: string;
  checker: {
    /** Where this web process expects the checker: inside itself, or as its own process (UPBEAT_MONITOR=off). */
    expected: 'in-process' | 'own-process';
    pid: number | null;
    startedAt: string | null;
    reportedAt: string | null;
    reportAgeMs: number | null;
    stoppedAt: string | null;
  };
  scheduler: Omit<SchedulerStats, 'bound' | 'ceiling'> & {
    /** Checks allowed in flight now (the adaptive bound) and the most it may grow to; null from an older checker. */
    bound: number | null;
    ceiling: number | null;
    /** Start lag of the checks that started in the last `windowMs` (what the status judges). */
    recent: { windowMs: number; checks: number; lagP50Ms: number; lagP99Ms: number; lagMaxMs: number } | null;
  } | null;
  recorder: {
    pending: number;
    batches: number;
    recorded: number;
    failed: number;
    writeP99Ms: number;
    delayP99Ms: number;
    lastBatch: { at: string; size: number; writeMs: number; delayMs: number } | null;
  } | null;
  eventLoop: { lagP50Ms: number; lagP99Ms: number; lagMaxMs: number } | null;
  /** The checker thread's own event loop (where probes take their timestamps); null when it has none. */
  checkerLoop: { lagP50Ms: number; lagP99Ms: number; lagMaxMs: number } | null;
  process: {
    rssBytes: number;
    heapUsedBytes: number;
    openFds: number | null;
    activeResources: Record<string, number>;
  } | null;
  database: { fileBytes: number; walBytes: number; totalBytes: number };
}

export interface HealthSource {
  readonly file: string;
  readSelfReport(): SelfReport | undefined;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const r1 = (ms: number) => Math.round(ms * 10) / 10;

/** Reads the self-report and the database's size and judges them: the whole of GET /api/health. */
export function readHealth(
  store: HealthSource,
  options: { isCheckerExpected: boolean; now?: number },
): HealthReport {
  const now = options.now ?? Date.now();
  const report = store.readSelfReport();
  const { status, reasons, figures: f } = judgeHealth({
    report,
    now,
    isCheckerExpected: options.isCheckerExpected,
  });
  return {
    status,
    reasons,
    at: new Date(now).toISOString(),
    checker: {
      expected: options.isCheckerExpected ? 'in-process' : 'own-process',
      pid: report?.pid ?? null,
      startedAt: iso(report?.startedAt),
      reportedAt: iso(report?.reportedAt),
      reportAgeMs: report ? Math.max(0, now - report.reportedAt) : null,
      stoppedAt: iso(report?.stoppedAt),
    },
    scheduler: f && {
      ...f.scheduler,
      lagP50Ms: r1(f.scheduler.lagP50Ms),
      lagP99Ms: r1(f.scheduler.lagP99Ms),
      lagMaxMs: r1(f.scheduler.lagMaxMs),
      recent: f.recentLag
        ? {
            windowMs: f.recentLag.windowMs,
            checks: f.recentLag.count,
            lagP50Ms: r1(f.recentLag.p50Ms),
            lagP99Ms: r1(f.recentLag.p99Ms),
            lagMaxMs: r1(f.recentLag.maxMs),
          }
        : null,
    },
    recorder: f && {
      pending: f.recorder.pending,
      batches: f.recorder.batches,
      recorded: f.recorder.recorded,
      failed: f.recorder.failed,
      writeP99Ms: r1(f.recorder.writeP99Ms),
      delayP99Ms: r1(f.recorder.delayP99Ms),
      lastBatch: f.recorder.lastBatch && {
        at: new Date(f.recorder.lastBatch.at).toISOString(),
        size: f.recorder.lastBatch.size,
        writeMs: r1(f.recorder.lastBatch.writeMs),
        delayMs: r1(f.recorder.lastBatch.delayMs),
      },
    },
    eventLoop: f && { lagP50Ms: f.eventLoop.p50Ms, lagP99Ms: f.eventLoop.p99Ms, lagMaxMs: f.eventLoop.maxMs },
    checkerLoop: f?.checkerLoop
      ? { lagP50Ms: f.checkerLoop.p50Ms, lagP99Ms: f.checkerLoop.p99Ms, lagMaxMs: f.checkerLoop.maxMs }
      : null,
    process: f && {
      rssBytes: f.process.rssBytes,
      heapUsedBytes: f.process.heapUsedBytes,
      openFds: f.process.openFds,
      activeResources: f.process.activeResources,
    },
    database: databaseBytes(store.file),
  };
}
