import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelfReport } from '../../db';
import {
  databaseBytes,
  isQueueGrowing,
  judgeHealth,
  readHealth,
  STALE_AFTER_MS,
  type HealthStatus,
} from '../../lib/health';
import { startSelfReport, type SelfReportStats } from '../../lib/monitor/self-report';
import { startMonitor } from '../../lib/monitor/monitor';
import type { BatchInfo, RecorderStats } from '../../lib/monitor/recorder';
import type { SchedulerStats } from '../../lib/monitor/scheduler';
import { tempStore } from '../helpers/temp-store';

const NOW = 1_800_000_000_000;

function schedulerStats(over: Partial<SchedulerStats> = {}): SchedulerStats {
  return {
    sites: 10,
    inFlight: 2,
    bound: 64,
    ceiling: 2000,
    queued: 0,
    started: 100,
    retries: 0,
    skippedOverlap: 0,
    coalesced: 0,
    lagP50Ms: 1,
    lagP99Ms: 12,
    lagMaxMs: 30,
    ...over,
  };
}

function recorderStats(over: Partial<RecorderStats> = {}): RecorderStats {
  return {
    pending: 0,
    batches: 5,
    recorded: 100,
    dropped: 0,
    failed: 0,
    lastBatch: { size: 20, recorded: 20, dropped: 0, writeMs: 1.5, delayMs: 251, at: NOW - 300 },
    writeP99Ms: 2,
    delayP99Ms: 260,
    ...over,
  };
}

function stats(over: Partial<SelfReportStats> = {}): SelfReportStats {
  return {
    version: 1,
    everyMs: 2000,
    scheduler: schedulerStats(),
    recorder: recorderStats(),
    recentBatches: [],
    queuedTrend: [0, 0, 0],
    recentLag: { windowMs: 30_000, count: 200, p50Ms: 1, p99Ms: 15, maxMs: 40 },
    eventLoop: { p50Ms: 0.1, p99Ms: 3, maxMs: 8, meanMs: 0.4 },
    checkerLoop: { p50Ms: 0, p99Ms: 1, maxMs: 2 },
    process: {
      pid: 42,
      uptimeS: 60,
      rssBytes: 80e6,
      heapUsedBytes: 20e6,
      heapTotalBytes: 30e6,
      externalBytes: 2e6,
      arrayBuffersBytes: 1e6,
      openFds: 25,
      activeResources: { Timeout: 3, TCPSocketWrap: 2 },
    },
    ...over,
  };
}

function selfReport(over: Partial<SelfReport> = {}): SelfReport {
  return { pid: 42, startedAt: NOW - 60_000, reportedAt: NOW - 1_000, stoppedAt: null, stats: stats(), ...over };
}

function statusOf(report: SelfReport | undefined, isCheckerExpected = true): HealthStatus {
  return judgeHealth({ report, now: NOW, isCheckerExpected }).status;
}

describe('status rules', () => {
  test('a fresh self-report from a checker that keeps up is ok, with no reasons', () => {
    const verdict = judgeHealth({ report: selfReport(), now: NOW, isCheckerExpected: true });
    assert.equal(verdict.status, 'ok');
    assert.deepEqual(verdict.reasons, []);
    assert.equal(verdict.figures?.scheduler.sites, 10);
    // The same figures are read the same way whether the checker runs here or as its own process.
    assert.equal(statusOf(selfReport(), false), 'ok');
  });

  test('no self-report at all: stalled when this process should run the checker, off when it runs elsewhere', () => {
    assert.equal(statusOf(undefined, true), 'stalled');
    assert.equal(statusOf(undefined, false), 'off');
  });

  test('a checker that stopped cleanly: off when it ran as its own process, stalled when it should run here', () => {
    assert.equal(statusOf(selfReport({ stoppedAt: NOW - 5_000 }), false), 'off');
    assert.equal(statusOf(selfReport({ stoppedAt: NOW - 5_000 }), true), 'stalled');
  });

  test('a self-report older than 15 s is stalled in both modes (the checker died or hangs); 15 s is not', () => {
    assert.equal(statusOf(selfReport({ reportedAt: NOW - STALE_AFTER_MS - 1 }), true), 'stalled');
    assert.equal(statusOf(selfReport({ reportedAt: NOW - STALE_AFTER_MS - 1 }), false), 'stalled');
    assert.equal(statusOf(selfReport({ reportedAt: NOW - STALE_AFTER_MS }), true), 'ok');
    const { reasons } = judgeHealth({ report: selfReport({ reportedAt: NOW - 60_000 }), now: NOW, isCheckerExpected: true });
    assert.deepEqual(reasons, ['no self-report from the checker (pid 42) for 60 s']);
  });

  const recentLag = (p99Ms: number, count = 200) => ({ windowMs: 30_000, count, p50Ms: 1, p99Ms, maxMs: p99Ms });

  test('start lag p99 over the last 30 s above 1 s is behind; exactly 1 s is not', () => {
    const lagging = selfReport({ stats: stats({ recentLag: recentLag(1001) }) });
    const verdict = judgeHealth({ report: lagging, now: NOW, isCheckerExpected: true });
    assert.equal(verdict.status, 'behind');
    assert.deepEqual(verdict.reasons, ['checks start late: lag p99 1001 ms in the last 30 s (over 1000 ms)']);
    assert.equal(statusOf(selfReport({ stats: stats({ recentLag: recentLag(1000) }) })), 'ok');
  });

  test('a stall long past (high p99 in the scheduler\'s long window) is ok once recent checks start on time', () => {
    const recovered = selfReport({
      stats: stats({ scheduler: schedulerStats({ lagP99Ms: 45_000, lagMaxMs: 60_000 }), recentLag: recentLag(20) }),
    });
    assert.equal(statusOf(recovered), 'ok');
  });

  test('checks due while none started in the last 30 s is behind (every slot held, the queue no longer growing)', () => {
    const stuck = selfReport({
      stats: stats({ scheduler: schedulerStats({ queued: 400, inFlight: 100 }), recentLag: recentLag(0, 0), queuedTrend: [400, 400, 400, 400] }),
    });
    const verdict = judgeHealth({ report: stuck, now: NOW, isCheckerExpected: true });
    assert.equal(verdict.status, 'behind');
    assert.deepEqual(verdict.reasons, ['400 checks are due but none started in the last 30 s']);
    // Nothing due and nothing started (few sites, long intervals) is simply quiet.
    assert.equal(statusOf(selfReport({ stats: stats({ recentLag: recentLag(0, 0) }) })), 'ok');
  });

  test('a self-report without the recent lag (an older checker) is judged on the scheduler\'s own p99', () => {
    const { recentLag: _omitted, ...older } = stats({ scheduler: schedulerStats({ lagP99Ms: 1500 }) });
    assert.equal(statusOf(selfReport({ stats: older })), 'behind');
    const { recentLag: _omitted2, ...olderOk } = stats();
    assert.equal(statusOf(selfReport({ stats: olderOk })), 'ok');
  });

  test('a queue that keeps growing is behind, even before the lag shows it', () => {
    const growing = selfReport({ stats: stats({ queuedTrend: [0, 10, 25, 40] }) });
    const verdict = judgeHealth({ report: growing, now: NOW, isCheckerExpected: true });
    assert.equal(verdict.status, 'behind');
    assert.match(verdict.reasons[0] ?? '', /keeps growing \(0 → 10 → 25 → 40\)/);
  });

  test('an event loop blocked for over 1 s at p99 is behind', () => {
    const blocked = selfReport({ stats: stats({ eventLoop: { p50Ms: 2, p99Ms: 1500, maxMs: 1600, meanMs: 30 } }) });
    assert.equal(statusOf(blocked), 'behind');
  });

  test('a checker thread whose own loop is blocked for over 1 s at p99 is behind, whatever the main loop does', () => {
    const blocked = selfReport({ stats: stats({ checkerLoop: { p50Ms: 2, p99Ms: 1500, maxMs: 1600 } }) });
    const verdict = judgeHealth({ report: blocked, now: NOW, isCheckerExpected: true });
    assert.equal(verdict.status, 'behind');
    assert.match(verdict.reasons[0] ?? '', /checker thread's event loop is blocked: lag p99 1500 ms/);
    // A checker without a thread of its own (UPBEAT_CHECKER_THREAD=off, or an older version) reports none.
    assert.equal(statusOf(selfReport({ stats: stats({ checkerLoop: null }) })), 'ok');
  });

  test('several problems are all named', () => {
    const bad = selfReport({
      stats: stats({ recentLag: recentLag(5000), queuedTrend: [100, 200, 300, 400] }),
    });
    assert.equal(judgeHealth({ report: bad, now: NOW, isCheckerExpected: true }).reasons.length, 2);
  });

  test('a fresh self-report whose figures cannot be read is behind, not ok', () => {
    assert.equal(statusOf(selfReport({ stats: null })), 'behind');
    assert.equal(statusOf(selfReport({ stats: { version: 99, something: 'else' } })), 'behind');
    assert.equal(statusOf(selfReport({ stats: null, reportedAt: NOW - 60_000 })), 'stalled');
  });
});

describe('a queue that keeps growing', () => {
  const cases: Array<[number[], boolean, string]> = [
    [[0, 10, 25, 40], true, 'rose at every report, by 40'],
    [[5, 0, 10, 25, 40], true, 'the last four reports rose'],
    [[100, 100, 100, 120], true, 'flat then up counts as not falling, +20'],
    [[0, 5, 10, 19], false, 'rose by less than 20'],
    [[0, 30, 20, 40], false, 'fell once'],
    [[0, 50, 100], false, 'too few reports to call it a trend'],
    [[300, 300, 300, 300], false, 'large but steady'],
    [[], false, 'no samples'],
  ];
  for (const [trend, expected, why] of cases) {
    test(`${JSON.stringify(trend)} → ${expected} (${why})`, () => assert.equal(isQueueGrowing(trend), expected));
  }
});

describe('the self-report, written and read through a real database', () => {
  test('a writer reports at once; the reader reports its figures and the database size; a clean stop reads off', (t) => {
    const store = tempStore(t);
    const batch: BatchInfo = { size: 7, recorded: 7, dropped: 0, writeMs: 0.8, delayMs: 250.4, at: Date.now() };
    const writer = startSelfReport({
      sink: store,
      scheduler: () => schedulerStats({ inFlight: 3 }),
      recorder: () => recorderStats({ lastBatch: batch }),
      startedAt: Date.now() - 1000,
      everyMs: 60_000,
    });
    t.after(() => writer.stop());

    const report = readHealth(store, { isCheckerExpected: true });
    assert.equal(report.status, 'ok');
    assert.equal(report.checker.pid, process.pid);
    assert.equal(report.checker.expected, 'in-process');
    assert.ok((report.checker.reportAgeMs ?? Infinity) < 5000);
    assert.equal(report.checker.stoppedAt, null);
    assert.deepEqual(
      {
        sites: report.scheduler?.sites,
        inFlight: report.scheduler?.inFlight,
        bound: report.scheduler?.bound,
        ceiling: report.scheduler?.ceiling,
        queued: report.scheduler?.queued,
      },
      { sites: 10, inFlight: 3, bound: 64, ceiling: 2000, queued: 0 },
    );
    assert.equal(report.scheduler?.lagP99Ms, 12);
    assert.deepEqual(report.scheduler?.recent, { windowMs: 30_000, checks: 0, lagP50Ms: 0, lagP99Ms: 0, lagMaxMs: 0 });
    assert.deepEqual(report.recorder?.lastBatch, {
      at: new Date(batch.at).toISOString(),
      size: 7,
      writeMs: 0.8,
      delayMs: 250.4,
    });
    assert.ok(report.eventLoop !== null && report.eventLoop.lagP99Ms >= 0);
    assert.ok((report.process?.rssBytes ?? 0) > 0);
    assert.ok(Object.values(report.process?.activeResources ?? {}).length > 0);
    if (process.platform === 'linux') assert.ok((report.process?.openFds ?? 0) > 0);
    assert.ok(report.database.fileBytes > 0);
    assert.equal(report.database.totalBytes, report.database.fileBytes + report.database.walBytes);

    writer.stop();
    const stopped = readHealth(store, { isCheckerExpected: false });
    assert.equal(stopped.status, 'off');
    assert.notEqual(stopped.checker.stoppedAt, null);
    assert.equal(readHealth(store, { isCheckerExpected: true }).status, 'stalled');
  });

  test('each report carries the batches written since the previous one, and the last queue lengths', (t) => {
    const store = tempStore(t);
    let queued = 0;
    const writer = startSelfReport({
      sink: store,
      scheduler: () => schedulerStats({ queued: (queued += 10) }),
      recorder: () => recorderStats(),
      startedAt: Date.now(),
      everyMs: 60_000,
    });
    t.after(() => writer.stop());
    const info = (size: number): BatchInfo => ({ size, recorded: size, dropped: 0, writeMs: 1, delayMs: 250, at: 0 });
    writer.noteBatch(info(1));
    writer.noteBatch(info(2));
    for (let lag = 1; lag <= 100; lag++) writer.noteLag(lag);
    writer.report();
    const first = store.readSelfReport()?.stats as SelfReportStats;
    assert.deepEqual(first.recentBatches.map((b) => b.size), [1, 2]);
    assert.deepEqual(first.recentLag, { windowMs: 30_000, count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
    writer.report();
    assert.deepEqual((store.readSelfReport()?.stats as SelfReportStats).recentBatches, []);
    for (let i = 0; i < 10; i++) writer.report();
    const trend = (store.readSelfReport()?.stats as SelfReportStats).queuedTrend;
    assert.equal(trend.length, 6, 'a short, bounded trend');
    assert.deepEqual(trend, [80, 90, 100, 110, 120, 130]);
    assert.equal(readHealth(store, { isCheckerExpected: true }).status, 'behind', 'the queue kept growing');
  });

  test('a self-report that cannot be written neither throws nor stops the writer', (t) => {
    const errors: unknown[] = [];
    t.mock.method(console, 'error', (...args: unknown[]) => errors.push(args));
    let attempts = 0;
    const writer = startSelfReport({
      sink: {
        writeSelfReport: () => {
          attempts++;
          throw new Error('disk full');
        },
      },
      scheduler: () => schedulerStats(),
      recorder: () => recorderStats(),
      startedAt: Date.now(),
      everyMs: 60_000,
    });
    writer.report();
    writer.report();
    writer.stop();
    assert.equal(attempts, 4, 'the first report, two more, and the last one at stop');
    assert.equal(errors.length, 1, 'one line per distinct failure');
  });

  test('the checker writes a self-report as it starts and marks it stopped when it stops', async (t) => {
    const store = tempStore(t);
    const monitor = startMonitor({ store, concurrency: 2, syncMs: 50, selfReportMs: 60_000 });
    t.after(() => monitor.stop());
    const running = store.readSelfReport();
    assert.equal(running?.pid, process.pid);
    assert.equal(running?.stoppedAt, null);
    assert.equal(readHealth(store, { isCheckerExpected: true }).status, 'ok');
    await monitor.stop();
    assert.notEqual(store.readSelfReport()?.stoppedAt, null);
    assert.equal(readHealth(store, { isCheckerExpected: false }).status, 'off');
  });

  test('database size counts the file and its write-ahead log; a missing file is 0', (t) => {
    const store = tempStore(t);
    const size = databaseBytes(store.file);
    assert.ok(size.fileBytes > 0);
    assert.ok(size.walBytes >= 0);
    assert.deepEqual(databaseBytes(`${store.file}.nothing-here`), { fileBytes: 0, walBytes: 0, totalBytes: 0 });
    assert.deepEqual(databaseBytes(':memory:'), { fileBytes: 0, walBytes: 0, totalBytes: 0 });
  });
});
