/**
 * `npm run bench`: the checking engine under load, against a local target server in its own process, printed as
 * ONE table (and written to tests/output/bench-engine.md). See tests/bench/README.md for what each row measures.
 *
 *   npm run bench                                   the full run, about 3.5 minutes
 *   npm run bench -- --only load --sites 1000 --seconds 20
 *   npm run bench -- --only peak --peak-seconds 8
 *   npm run bench -- --only cli
 *
 * Flags: --only load|peak|cli (comma-separated), --sites N (10000), --interval S (30), --seconds S (150, the
 * measured window after one interval of warm-up), --concurrency N (200, the monitor's), --peak-seconds S (15),
 * --peak-concurrency N (256), --urls N (1000), --server-workers N (1), --server-closes (the target sends
 * `Connection: close`), --cpu-prof (profile the monitor into tests/output/prof/ and print where its time went),
 * --keep (keep the temporary database and say where), --assert-pct N (that percentage of the sites carry a body
 * assertion and a regex assertion; compare its CPU per check with a run without).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import type { SelfReportStats } from '../../lib/monitor/self-report';
import { nextSlotAtOrAfter, offsetOf } from '../../lib/monitor/scheduler';
import { delayOf, delayOfUrl, sitePath } from './lib/delays';
import {
  countTimeWait,
  cpuPressureSeconds,
  cpuSeconds,
  runQueueWaitSeconds,
  machineCpu,
  startProcess,
  statusKb,
  stopProcess,
  sysctl,
  type CpuSnapshot,
  type Started,
} from './lib/proc';
import { formatProfile, summariseProfile } from './lib/cpuprofile';
import { summarize, type Summary } from './lib/stats';
import { formatMarkdown, formatText, ms, num, type Row } from './lib/table';
import { openAppStore } from '../../lib/store';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = path.join(ROOT, 'tests', 'output');
const TSX_BIN = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CHECK_LAUNCHER = path.join(ROOT, 'lib', 'cli', 'check.mjs');
const PARTS = ['load', 'peak', 'cli'] as const;
type Part = (typeof PARTS)[number];

// ---------------------------------------------------------------------------------------------------------------
// Flags

interface Flags {
  only: Set<Part>;
  sites: number;
  intervalS: number;
  seconds: number;
  concurrency: number;
  peakSeconds: number;
  peakConcurrency: number;
  urls: number;
  serverWorkers: number;
  isCpuProf: boolean;
  isKeep: boolean;
  isServerClosing: boolean;
  /** Percentage of the load sites that carry assertions (a body substring and a regex, both holding). */
  assertPct: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const value = (name: string, fallback: number, min: number, max: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} takes a whole number ${min}-${max}`);
    return n;
  };
  const known = new Set([
    '--only', '--sites', '--interval', '--seconds', '--concurrency', '--peak-seconds', '--peak-concurrency',
    '--urls', '--server-workers', '--cpu-prof', '--keep', '--server-closes', '--assert-pct',
  ]);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown flag ${arg}`);
  const onlyAt = argv.indexOf('--only');
  const only = new Set<Part>(PARTS);
  if (onlyAt !== -1) {
    only.clear();
    for (const p of (argv[onlyAt + 1] ?? '').split(',')) {
      if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only takes ${PARTS.join(', ')}; got "${p}"`);
      only.add(p as Part);
    }
  }
  return {
    only,
    sites: value('--sites', 10000, 1, 200000),
    intervalS: value('--interval', 30, 1, 3600),
    seconds: value('--seconds', 150, 1, 3600),
    concurrency: value('--concurrency', 200, 1, 10000),
    peakSeconds: value('--peak-seconds', 15, 4, 600),
    peakConcurrency: value('--peak-concurrency', 256, 1, 10000),
    urls: value('--urls', 1000, 1, 100000),
    serverWorkers: value('--server-workers', 1, 1, 16),
    isCpuProf: argv.includes('--cpu-prof'),
    isKeep: argv.includes('--keep'),
    isServerClosing: argv.includes('--server-closes'),
    assertPct: value('--assert-pct', 0, 0, 100),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, msToWait)));

/** Waits until the epoch time `at`, logging progress every 10 s. */
async function waitUntil(at: number, label: string, from: number): Promise<void> {
  let nextLog = Date.now() + 10000;
  while (Date.now() < at) {
    await sleep(Math.min(at - Date.now(), 1000));
    if (Date.now() >= nextLog && Date.now() < at) {
      log(`${label}: ${Math.round((Date.now() - from) / 1000)} / ${Math.round((at - from) / 1000)} s`);
      nextLog += 10000;
    }
  }
}

const children = new Set<Started>();

async function start(command: string, args: readonly string[], label: string, env?: NodeJS.ProcessEnv) {
  const started = await startProcess(command, args, {
    cwd: ROOT,
    env: env ?? process.env,
    ready: label === 'monitor' ? /checker running/ : /^listening (\d+)/,
    label,
    timeoutMs: 60000,
  });
  children.add(started);
  void started.exited.then(() => children.delete(started));
  return started;
}

function getJson<T>(port: number, urlPath: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`GET ${urlPath} timed out`)));
  });
}

interface TargetStats {
  requests: number;
  delayed: number;
  overshootMs: { p50: number; p95: number; p99: number; max: number };
}

/** CPU of a process and the whole machine between two moments. */
class CpuMeter {
  private readonly pids: number[];
  private startAt = 0;
  private startCpu: (number | null)[] = [];
  private startMachine: CpuSnapshot | null = null;
  private startWait: (number | null)[] = [];
  private startPressure: number | null = null;

  constructor(pids: number[]) {
    this.pids = pids;
  }

  begin(): void {
    this.startAt = performance.now();
    this.startCpu = this.pids.map(cpuSeconds);
    this.startMachine = machineCpu();
    this.startWait = this.pids.map(runQueueWaitSeconds);
    this.startPressure = cpuPressureSeconds();
  }

  /** Per pid: CPU seconds used and percent of one core; the machine: percent busy of all cores. */
  end() {
    const seconds = (performance.now() - this.startAt) / 1000;
    const used = this.pids.map((pid, i) => {
      const now = cpuSeconds(pid);
      const before = this.startCpu[i];
      return now === null || before === null || before === undefined ? NaN : now - before;
    });
    const m = machineCpu();
    const machineBusy = m && this.startMachine ? m.busy - this.startMachine.busy : NaN;
    const waited = this.pids.map((pid, i) => {
      const now = runQueueWaitSeconds(pid);
      const before = this.startWait[i];
      return now === null || before === null || before === undefined ? NaN : now - before;
    });
    const pressure = cpuPressureSeconds();
    return {
      /** Per pid: ms per second its event-loop thread sat runnable without a CPU. */
      waitMsPerSecond: waited.map((w) => (w / seconds) * 1000),
      /** Share of the time some task on the machine waited for a CPU (PSI "some"), %. */
      pressurePercent:
        pressure === null || this.startPressure === null ? NaN : ((pressure - this.startPressure) / seconds) * 100,
      seconds,
      cpuSeconds: used,
      percentOfCore: used.map((u) => (u / seconds) * 100),
      /** Busy core-seconds of everything on the machine. */
      machineBusySeconds: machineBusy,
      cores: os.cpus().length,
    };
  }
}

/** Whatever else kept the machine busy (other builds, editors) while we measured, in % of all cores. */
function othersPercent(machineBusySeconds: number, ours: readonly number[], seconds: number, cores: number) {
  const mine = ours.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  return Math.max(0, ((machineBusySeconds - mine) / (seconds * cores)) * 100);
}

/** How much the rest of the machine got in the way while we measured. */
function describeNoise(cpu: ReturnType<CpuMeter['end']>, names: readonly string[], selfUsed = 0): string {
  const others = othersPercent(cpu.machineBusySeconds, [...cpu.cpuSeconds, selfUsed], cpu.seconds, cpu.cores);
  const waits = names.map((name, i) => `${name} ${num(cpu.waitMsPerSecond[i] ?? NaN)}`).join(', ');
  return (
    `other processes kept ${num(others)}% of the machine busy; CPU pressure (PSI some) ` +
    `${num(cpu.pressurePercent)}%; ms per second the event-loop thread sat runnable without a CPU: ${waits}`
  );
}

/** This process's CPU seconds (all threads). */
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// ---------------------------------------------------------------------------------------------------------------
// Part 1: the monitor as its own process, N sites on a fixed interval

interface LoadResult {
  rows: Row[];
  notes: string[];
  /** Where the monitor's time went, when profiled. */
  profile?: string;
}

/** Summarises the monitor's main-thread profile over the measured window (the profile ends when it exits). */
function describeMonitorProfile(pid: number, lastSeconds: number, skipLastSeconds: number): string {
  const dir = path.join(OUTPUT, 'prof');
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))[0];
  if (!file) return `no profile of pid ${pid} in ${dir}\n`;
  const summary = summariseProfile(file, lastSeconds * 1000, skipLastSeconds * 1000, 25);
  return formatProfile(`monitor main thread over the window (${path.relative(ROOT, file)})`, summary);
}

async function runLoad(flags: Flags, targetPort: number, target: Started): Promise<LoadResult> {
  const intervalMs = flags.intervalS * 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-'));
  const file = path.join(dir, 'upbeat.db');
  const notes: string[] = [];
  let profile: string | undefined;
  try {
    log(`load: creating ${num(flags.sites)} sites in ${file}`);
    const store = openAppStore(file);
    store.db.transaction(() => {
      for (let n = 1; n <= flags.sites; n++) {
        store.createSite({
          name: `site ${n}`,
          url: `http://127.0.0.1:${targetPort}${sitePath(n)}`,
          method: 'GET',
          intervalSeconds: flags.intervalS,
          timeoutMs: 10000,
          expectedStatus: '200-399',
          followRedirects: false,
          headers: {},
          paused: false,
          // Spread evenly over the sites: these keep their body and run a regex in its bounded context.
          ...(n % 100 < flags.assertPct
            ? {
                assertions: [
                  { type: 'body-not-contains' as const, value: 'maintenance', ignoreCase: true },
                  { type: 'body-matches' as const, pattern: '^[\\s\\S]*$' },
                ],
              }
            : {}),
        });
      }
    })();
    store.close();

    const nodeArgs = flags.isCpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(OUTPUT, 'prof')}`, '--import', 'tsx', 'lib/cli/monitor.ts']
      : ['--import', 'tsx', 'lib/cli/monitor.ts'];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      UPBEAT_DB: file,
      UPBEAT_CONCURRENCY: String(flags.concurrency),
      UPBEAT_MONITOR: 'on',
    };
    const monitor = await start(process.execPath, nodeArgs, 'monitor', env);
    const readyAt = Date.now();
    const windowStart = readyAt + intervalMs;
    const windowEnd = windowStart + flags.seconds * 1000;
    log(`load: monitor pid ${monitor.pid} running; warm-up ${flags.intervalS} s, then measuring ${flags.seconds} s`);
    // Resident memory over the run: a peak that keeps climbing is a leak, one that saws up and down is the heap.
    const rssSamples: { at: number; mb: number }[] = [];
    const sampleRss = () => {
      const kb = statusKb(monitor.pid, 'VmRSS');
      if (kb !== null) rssSamples.push({ at: Date.now() - readyAt, mb: kb / 1024 });
    };
    sampleRss();
    const rssTimer = setInterval(sampleRss, 5000);

    await waitUntil(windowStart, 'load: warm-up', readyAt);
    const beats = watchSelfReports(file);
    const meter = new CpuMeter([monitor.pid, target.pid]);
    const selfBefore = selfCpu();
    meter.begin();
    await getJson<TargetStats>(targetPort, '/__stats?reset=1');
    await waitUntil(windowEnd, 'load: measuring', windowStart);
    const cpu = meter.end();
    const beatFigures = beats.stop();
    const selfUsed = selfCpu() - selfBefore;
    const serverStats = await getJson<TargetStats>(targetPort, '/__stats');
    const peakKb = statusKb(monitor.pid, 'VmHWM');
    const rssKb = statusKb(monitor.pid, 'VmRSS');
    clearInterval(rssTimer);

    // Checks due just before the end finish within their delay (≤ 300 ms) and reach the database within a flush
    // (250 ms); stopping then lets any still in flight finish and writes what is left.
    await sleep(1500);
    const code = await stopProcess(monitor, 'SIGTERM', 20000);
    const exitedAt = Date.now();
    if (code !== 0) notes.push(`the monitor exited with ${code} on SIGTERM`);
    if (flags.isCpuProf) {
      profile = describeMonitorProfile(monitor.pid, (exitedAt - windowStart) / 1000, (exitedAt - windowEnd) / 1000);
    }

    const analysis = analyseChecks(file, flags, windowStart, windowEnd, beatFigures.batchSpans);
    const monitorCpu = cpu.cpuSeconds[0] ?? NaN;
    const cpuPct = cpu.percentOfCore[0] ?? NaN;
    const targetPct = cpu.percentOfCore[1] ?? NaN;
    const done = analysis.done;
    const due = analysis.due;
    const donePct = due === 0 ? NaN : (done / due) * 100;
    const usPerCheck = (monitorCpu / Math.max(1, done)) * 1e6;

    const asserted = flags.assertPct > 0 ? `, ${flags.assertPct}% with assertions` : '';
    const title = `${num(flags.sites)} sites every ${flags.intervalS} s, ${flags.seconds} s window${asserted}`;
    const rows: Row[] = [
      {
        measure: `Checks done / due (${title})`,
        result: `${num(done)} / ${num(due)}`,
        target: '≥ 99.9%',
        ratio: `${num(donePct, 2)}%`,
        met: donePct >= 99.9 ? 'yes' : 'no',
      },
      {
        measure: 'Start lag p50 / p99 / max (lag_ms)',
        result: `${num(analysis.lag.p50)} / ${num(analysis.lag.p99)} / ${num(analysis.lag.max)} ms`,
        target: 'p99 ≤ 100 ms',
        ratio: 'ideal 0 ms',
        met: analysis.lag.p99 <= 100 ? 'yes' : 'no',
      },
      {
        measure: 'Monitor CPU (utime+stime over the window)',
        result: `${num(cpuPct, 1)}% of one core`,
        target: '—',
        ratio: `${num(usPerCheck)} µs CPU per check`,
        met: '—',
      },
      {
        measure: 'Monitor peak RSS (VmHWM)',
        result: peakKb === null ? 'n/a' : `${num(peakKb / 1024)} MB`,
        target: '≤ 250 MB',
        ratio: rssKb === null ? '' : `RSS at the end ${num(rssKb / 1024)} MB`,
        met: peakKb === null ? '—' : peakKb / 1024 <= 250 ? 'yes' : 'no',
      },
      {
        measure: 'Latency accuracy |total − injected| p50 / p95',
        result: `${ms(analysis.accuracy.p50, 2)} / ${ms(analysis.accuracy.p95, 2)}`,
        target: 'p95 ≤ 3 ms',
        ratio: `target's own timers late p50 / p95 ${ms(serverStats.overshootMs.p50, 2)} / ${ms(serverStats.overshootMs.p95, 2)}`,
        met: analysis.accuracy.p95 <= 3 ? 'yes' : 'no',
      },
    ];
    notes.push(
      `load: monitor = \`node --import tsx lib/cli/monitor.ts\`, UPBEAT_CONCURRENCY=${flags.concurrency}; window ` +
        `[start + ${flags.intervalS} s, + ${flags.seconds} s] (one full interval of warm-up excluded). Due = grid ` +
        `slots (nextSlotAtOrAfter) inside the window; done = distinct slots with a row in \`checks\` ` +
        `(checked_at − lag_ms snapped to the site's grid).`,
      `load: ${num(analysis.failed)} of the done checks failed${analysis.failedKinds}; ${num(analysis.extra)} ` +
        `extra rows on an already-counted slot; target server CPU ${num(targetPct, 1)}% of one core.`,
      `load noise: ${describeNoise(cpu, ['monitor', 'target'], selfUsed)}.`,
      `load, from the monitor's own self-report: ${describeBeats(beatFigures)}.`,
      `load: monitor RSS (VmRSS every 5 s), the highest of each 30 s from start: ${describeRss(rssSamples)}.`,
      `load: accuracy = |total_us/1000 − injected delay| of passed checks in the window; total includes the ` +
        `loopback connect and the target's own timer lateness (shown beside it). ` +
        describeAccuracySplit(analysis.accuracyBlocked, analysis.accuracyFree),
    );
    if (flags.isKeep) notes.push(`load: database kept at ${file}`);
    return { rows, notes, ...(profile === undefined ? {} : { profile }) };
  } finally {
    if (!flags.isKeep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface BeatFigures {
  beats: number;
  batchWriteMs: number[];
  batchRows: number[];
  /** When each recorder transaction held the event loop, epoch ms [start, end], in order. */
  batchSpans: [number, number][];
  loopP99Ms: number[];
  loopMaxMs: number[];
  heapUsedMb: number[];
}

/**
 * Reads the monitor's own self-report (written into the database every 2 s) while it runs: its recorder batches
 * and event-loop delay, seen from inside the process, so the table's lag can be told apart from the machine's.
 */
function watchSelfReports(file: string): { stop(): BeatFigures } {
  const store = openAppStore(file);
  const figures: BeatFigures = {
    beats: 0,
    batchWriteMs: [],
    batchRows: [],
    batchSpans: [],
    loopP99Ms: [], loopMaxMs: [], heapUsedMb: [] };
  let lastBeat = 0;
  const read = () => {
    try {
      const beat = store.readSelfReport();
      if (!beat || beat.reportedAt === lastBeat || beat.stoppedAt !== null) return;
      lastBeat = beat.reportedAt;
      const stats = beat.stats as Partial<SelfReportStats> | null;
      if (!stats) return;
      figures.beats++;
      for (const b of stats.recentBatches ?? []) {
        figures.batchWriteMs.push(b.writeMs);
        figures.batchRows.push(b.size);
        figures.batchSpans.push([b.at - b.writeMs, b.at]);
      }
      if (stats.eventLoop) {
        figures.loopP99Ms.push(stats.eventLoop.p99Ms);
        figures.loopMaxMs.push(stats.eventLoop.maxMs);
      }
      if (stats.process) figures.heapUsedMb.push(stats.process.heapUsedBytes / 2 ** 20);
    } catch {
      // busy or mid-write: the next read catches up
    }
  };
  const timer = setInterval(read, 1000);
  return {
    stop() {
      clearInterval(timer);
      store.close();
      return figures;
    },
  };
}

function describeBeats(f: BeatFigures): string {
  if (f.beats === 0) return 'no self-report read';
  const write = summarize(f.batchWriteMs);
  const rows = summarize(f.batchRows);
  const loop = summarize(f.loopP99Ms);
  const heap = summarize(f.heapUsedMb);
  return (
    `${num(write.count)} recorder batches of ${num(rows.p50)} rows (p50), each one transaction of ` +
    `${ms(write.p50)} p50 / ${ms(write.p99)} p99 / ${ms(write.max)} max; event-loop delay per 2 s beat: p99 ` +
    `${ms(loop.p50)} in the median beat, ${ms(loop.max)} in the worst, longest single delay ` +
    `${ms(Math.max(...f.loopMaxMs))}; heap used ${num(Math.min(...f.heapUsedMb))}-${num(heap.max)} MB`
  );
}

function describeAccuracySplit(blocked: Summary, free: Summary): string {
  if (blocked.count + free.count === 0) return '';
  const share = (blocked.count / (blocked.count + free.count)) * 100;
  return (
    `${num(share, 1)}% of them had their response due while a recorder transaction held the event loop: ` +
    `p50 / p95 ${ms(blocked.p50, 2)} / ${ms(blocked.p95, 2)}; all the others ${ms(free.p50, 2)} / ` +
    `${ms(free.p95, 2)}.`
  );
}

function describeRss(samples: readonly { at: number; mb: number }[]): string {
  const bySlice = new Map<number, number>();
  for (const s of samples) {
    const slice = Math.floor(s.at / 30000);
    bySlice.set(slice, Math.max(bySlice.get(slice) ?? 0, s.mb));
  }
  return [...bySlice.values()].map((mb) => num(mb)).join(', ') + ' MB';
}

/** Whether `t` falls inside one of the sorted, non-overlapping spans. */
function isInside(spans: readonly [number, number][], t: number): boolean {
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

function analyseChecks(
  file: string,
  flags: Flags,
  windowStart: number,
  windowEnd: number,
  batchSpans: readonly [number, number][],
) {
  const spans = [...batchSpans].sort((a, b) => a[0] - b[0]);
  const store = openAppStore(file);
  try {
    const sites = store.db.prepare<[], { id: number; url: string; interval_s: number }>(
      'SELECT id, url, interval_s FROM sites',
    ).all();
    const bySite = new Map<number, { delay: number; intervalMs: number; offset: number }>();
    let due = 0;
    for (const s of sites) {
      const intervalMs = s.interval_s * 1000;
      bySite.set(s.id, { delay: delayOfUrl(s.url) ?? NaN, intervalMs, offset: offsetOf(s.id, intervalMs) });
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
      accuracyBlocked: summarize(accuracyBlocked),
      accuracyFree: summarize(accuracyFree),
    };
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: peak sustained checks per second on fresh connections, the probe in this process

async function runPeak(flags: Flags, targetPort: number, target: Started): Promise<LoadResult> {
  const { probe } = await import('../../lib/monitor/probe');
  const concurrency = flags.peakConcurrency;
  const delayMs = 50;
  const ideal = concurrency / (delayMs / 1000);
  const limit = pLimit(concurrency);
  const warmupMs = 2000;
  const durationMs = flags.peakSeconds * 1000;
  const expectedStatus = [[200, 399] as const];
  const finishes: number[] = [];
  const totals: number[] = [];
  const connects: number[] = [];
  const ttfbs: number[] = [];
  const errors = new Map<string, number>();
  let n = 0;

  log(`peak: ${flags.peakSeconds} s of checks at concurrency ${concurrency} against ${delayMs} ms targets`);
  const begun = performance.now();
  const end = begun + durationMs;
  const meter = new CpuMeter([process.pid, target.pid]);
  let isMetered = false;
  const meterStart = setTimeout(() => {
    isMetered = true;
    meter.begin();
  }, warmupMs);

  const one = async (): Promise<void> => {
    const i = ++n;
    const result = await probe({
      url: `http://127.0.0.1:${targetPort}${sitePath((i % 10000) + 1, delayMs)}`,
      method: 'GET',
      timeoutMs: 10000,
      expectedStatus,
      followRedirects: false,
    });
    const at = performance.now();
    if (result.ok) {
      finishes.push(at - begun);
      if (at - begun >= warmupMs && at < end) {
        totals.push(result.timings.totalMs);
        connects.push(result.timings.connectMs);
        ttfbs.push(result.timings.ttfbMs);
      }
    } else {
      const kind = result.error?.kind ?? 'status';
      errors.set(kind, (errors.get(kind) ?? 0) + 1);
    }
  };
  // `concurrency` chains through one limiter: each finished check queues the next until the time is up.
  const chain = async (): Promise<void> => {
    while (performance.now() < end) await limit(one);
  };
  await Promise.all(Array.from({ length: concurrency }, chain));
  clearTimeout(meterStart);
  const cpu = isMetered ? meter.end() : null;
  const timeWait = countTimeWait(targetPort);

  const steadyMs = durationMs - warmupMs;
  const steady = finishes.filter((t) => t >= warmupMs && t < durationMs).length;
  const rate = steady / (steadyMs / 1000);
  const perSecond: number[] = [];
  for (let s = warmupMs; s + 1000 <= durationMs; s += 1000) {
    perSecond.push(finishes.filter((t) => t >= s && t < s + 1000).length);
  }
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const total = summarize(totals);
  const connect = summarize(connects);
  const ttfb = summarize(ttfbs);
  const rows: Row[] = [
    {
      measure: `Peak checks/s, fresh connections, concurrency ${concurrency}, ${delayMs} ms targets`,
      result: `${num(rate)}/s`,
      target: '≥ 2,000/s',
      ratio: `${num(rate / ideal, 2)}× ideal ${num(ideal)}/s`,
      // A rate bought with failures is no rate: more than 0.1% failed checks fails the row.
      met: rate >= 2000 && errorCount <= 0.001 * finishes.length ? 'yes' : 'no',
    },
  ];
  const notes = [
    `peak: probe() in the bench process through p-limit(${concurrency}) for ${flags.peakSeconds} s; rate = passed ` +
      `checks finishing in the last ${num(steadyMs / 1000)} s (first ${warmupMs / 1000} s ramp excluded); ` +
      `per-second min / max ${num(Math.min(...perSecond))} / ${num(Math.max(...perSecond))}; ` +
      `total p50 / p99 ${ms(total.p50, 1)} / ${ms(total.p99, 1)} against ${delayMs} ms injected (connect ` +
      `${ms(connect.p50, 1)} / ${ms(connect.p99, 1)}, ttfb ${ms(ttfb.p50, 1)} / ${ms(ttfb.p99, 1)}); ` +
      `failed ${num(errorCount)}${errors.size ? ` (${[...errors].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}.`,
  ];
  if (cpu) {
    const steadyChecks = finishes.filter((t) => t >= warmupMs && t < durationMs).length;
    const usPerCheck = ((cpu.cpuSeconds[0] ?? NaN) / Math.max(1, steadyChecks)) * 1e6;
    notes.push(
      `peak: CPU over the steady part — checker (this process) ${num(cpu.percentOfCore[0] ?? NaN)}% of one core ` +
        `= ${num(usPerCheck)} µs per check (so one core would top out near ${num(1e6 / usPerCheck)}/s), target ` +
        `server ${num(cpu.percentOfCore[1] ?? NaN)}%; TIME_WAIT sockets at the end ` +
        `${timeWait === null ? 'n/a' : `${num(timeWait.total)}, ${num(timeWait.serverSide)} of them on the server's side`} (ip_local_port_range ` +
        `${sysctl('net.ipv4.ip_local_port_range') ?? 'n/a'}, tcp_tw_reuse ${sysctl('net.ipv4.tcp_tw_reuse') ?? 'n/a'}).`,
      `peak noise: ${describeNoise(cpu, ['checker', 'target'])}.`,
    );
  }
  return { rows, notes };
}

// ---------------------------------------------------------------------------------------------------------------
// Part 3: the one-shot CLI over a URL list, beside the classic Python thread pool

interface Timed {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function timedRun(command: string, args: readonly string[], timeoutMs = 120000): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const begun = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - begun, code, stdout, stderr });
    });
  });
}

function hasPython(): boolean {
  const paths = (process.env.PATH ?? '').split(path.delimiter);
  return paths.some((p) => fs.existsSync(path.join(p, 'python3')));
}

async function runCli(flags: Flags, targetPort: number): Promise<LoadResult> {
  const delayMs = 100;
  const concurrency = 100;
  const ideal = (flags.urls * delayMs) / concurrency / 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-cli-'));
  const list = path.join(dir, 'urls.txt');
  const out = path.join(dir, 'results.json');
  const notes: string[] = [];
  try {
    const urls = Array.from({ length: flags.urls }, (_, i) => `http://127.0.0.1:${targetPort}${sitePath(i + 1, delayMs)}`);
    fs.writeFileSync(list, urls.join('\n') + '\n');

    // The first run after a change builds the bundle; the figures are for a built one, as a user sees it (and
    // tsx's start-up beside it, the way the checker started before it had a bundle).
    log('cli: building the bundle, then timing startup (--help) and the run');
    await timedRun(process.execPath, [CHECK_LAUNCHER, '--help']);
    const startup = await timedRun(process.execPath, [CHECK_LAUNCHER, '--help']);
    await timedRun(TSX_BIN, ['lib/cli/check-entry.ts', '--help']);
    const tsxStartup = await timedRun(TSX_BIN, ['lib/cli/check-entry.ts', '--help']);
    const run = await timedRun(process.execPath, [
      CHECK_LAUNCHER, list, '--concurrency', String(concurrency), '--format', 'json', '--output', out,
    ]);
    let inside = NaN;
    let up = NaN;
    if (fs.existsSync(out)) {
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: { elapsedMs: number; up: number } };
      inside = report.summary.elapsedMs;
      up = report.summary.up;
    }
    if (run.code !== 0) notes.push(`cli: exited with ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const wall = run.wallMs / 1000;
    const rows: Row[] = [
      {
        measure: `CLI, ${num(flags.urls)} URLs × ${delayMs} ms, concurrency ${concurrency}: whole process`,
        result: `${num(wall, 2)} s`,
        target: `≤ ${num(ideal * 1.3, 2)} s`,
        ratio: `${num(wall / ideal, 2)}× ideal ${num(ideal, 1)} s`,
        met: wall <= ideal * 1.3 && up === flags.urls ? 'yes' : 'no',
      },
      {
        measure: '  of which the checks (summary.elapsedMs)',
        result: `${num(inside / 1000, 2)} s`,
        target: `≤ ${num(ideal * 1.3, 2)} s`,
        ratio: `${num(inside / 1000 / ideal, 2)}× ideal`,
        met: inside / 1000 <= ideal * 1.3 ? 'yes' : 'no',
      },
      {
        measure: '  startup alone (`node lib/cli/check.mjs --help`, from the bundle)',
        result: `${num(startup.wallMs / 1000, 2)} s`,
        target: '—',
        ratio: `tsx lib/cli/check-entry.ts --help: ${num(tsxStartup.wallMs / 1000, 2)} s`,
        met: '—',
      },
    ];
    notes.push(
      `cli: \`node lib/cli/check.mjs <list> --concurrency ${concurrency} --format json --output <file>\` (what ` +
        `\`npm run check --\` runs, without npm's own start-up); ${num(up)} of ${num(flags.urls)} up.`,
    );

    if (hasPython()) {
      log('cli: the Python baseline (ThreadPoolExecutor(20) + urlopen)');
      const py = await timedRun('python3', [path.join('tests', 'bench', 'baseline_check.py'), list]);
      const parsed = JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}') as { wall_s?: number; ok?: number };
      const pyWall = py.wallMs / 1000;
      rows.push({
        measure: 'Baseline: Python ThreadPoolExecutor(20) + urlopen, same list: whole process',
        result: `${num(pyWall, 2)} s`,
        target: '—',
        ratio: pyWall >= wall ? `Upbeat CLI ${num(pyWall / wall, 1)}× faster` : `Upbeat CLI ${num(wall / pyWall, 1)}× slower`,
        met: '—',
      });
      notes.push(
        `cli: baseline inside its own timer ${num(parsed.wall_s ?? NaN, 2)} s, ${num(parsed.ok ?? NaN)} ok; its ` +
          `ideal at 20 workers is ${num((flags.urls * delayMs) / 20 / 1000, 1)} s.`,
      );
    } else {
      notes.push('cli: no python3 on PATH, baseline skipped.');
    }
    return { rows, notes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

function describeMachine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) model = m[1].trim();
  } catch {
    // not Linux: os.cpus() is enough
  }
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return (
    `Machine: ${model}, ${os.cpus().length} cores, ${num(os.totalmem() / 2 ** 30, 1)} GB RAM, Node ${process.version}, ` +
    `${os.type()} ${os.release()}; load average at start ${load}`
  );
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const machine = describeMachine();
  log(machine);
  const target = await start(
    process.execPath,
    [
      '--import', 'tsx', 'tests/bench/target-server.ts', '--workers', String(flags.serverWorkers),
      ...(flags.isServerClosing ? ['--close'] : []),
    ],
    'target-server',
  );
  const port = Number(target.match[1]);
  log(`target server pid ${target.pid} on 127.0.0.1:${port}`);
  // Checks the target answers before anything is measured.
  await getJson(port, '/__stats');
  if (delayOf(1) < 20) throw new Error('delayOf is out of range');

  const rows: Row[] = [];
  const notes: string[] = [];
  const profiles: string[] = [];
  const begun = Date.now();
  try {
    for (const part of PARTS) {
      if (!flags.only.has(part)) continue;
      const result =
        part === 'load'
          ? await runLoad(flags, port, target)
          : part === 'peak'
            ? await runPeak(flags, port, target)
            : await runCli(flags, port);
      rows.push(...result.rows);
      notes.push(...result.notes);
      if (result.profile) profiles.push(result.profile);
    }
  } finally {
    await stopProcess(target);
  }
  const took = `Took ${num((Date.now() - begun) / 1000)} s; run as \`npm run bench -- ${process.argv.slice(2).join(' ')}\`.`;
  const text = `${machine}\n\n${formatText(rows)}\n${notes.map((n) => `- ${n}`).join('\n')}\n${took}\n`;
  process.stdout.write(`\n${text}`);
  for (const p of profiles) process.stdout.write(`\n${p}`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  const md =
    `# Engine benchmark\n\n${machine}\n\n${formatMarkdown(rows)}\n${notes.map((n) => `- ${n}`).join('\n')}\n\n${took}\n`;
  fs.writeFileSync(path.join(OUTPUT, 'bench-engine.md'), md);
  log(`written to ${path.relative(ROOT, path.join(OUTPUT, 'bench-engine.md'))}`);
}

const stopChildren = () => {
  for (const c of children) {
    if (c.child.exitCode === null && c.child.signalCode === null) process.kill(c.pid, 'SIGTERM');
  }
};
process.on('SIGINT', () => {
  stopChildren();
  process.exit(130);
});

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    stopChildren();
    process.exit(1);
  },
);
