/**
 * The load parts (`load`, `ontime`, `scale`, `readers`): the monitor as its own process (or inside the web server),
 * N sites on a fixed interval, measured from outside through what it recorded.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAppStore } from '../../../lib/store';
import { formatProfile, summariseProfile } from '../lib/cpuprofile';
import { sitePath } from '../lib/delays';
import { statusKb, stopProcess, type Started } from '../lib/proc';
import { ms, num, type Row } from '../lib/table';
import { analyseChecks, describeAccuracySplit, describeRss, waitLogOf } from './analyse-checks';
import { CpuMeter, describeNoise } from './cpu-meter';
import type { Flags } from './flags';
import { getJson, log, onPath, OUTPUT, ROOT, selfCpu, sleep, start, waitUntil, type LoadResult, type TargetStats } from './harness';
import { measureFloor } from './floor';
import { describeBeats, watchSelfReports } from './self-reports';
import { APP_SERVER, freePort } from '../../helpers/app-server';
import { summarize } from '../lib/stats';

const READER_TOKEN = 'upbeat-bench-reader-token-0123456789abcdef';

/**
 * A client reading the dashboard until `until`: /api/overview 10 times a second and one site's history 10 times a
 * second (readers-client.mjs, in its own process under SCHED_IDLE: it stands for browsers elsewhere).
 */
async function startReaders(
  port: number,
  until: number,
): Promise<{ count: number; failed: number; p50Ms: number; p95Ms: number; scheduling: string }> {
  const client = path.join(ROOT, 'tests', 'bench', 'engine', 'readers-client.mjs');
  const args = [process.execPath, client, String(port), String(until), READER_TOKEN];
  // SCHED_IDLE where util-linux's chrt is there, else the lowest nice level.
  const hasChrt = onPath('chrt');
  const child = spawn(hasChrt ? 'chrt' : 'nice', hasChrt ? ['--idle', '0', ...args] : ['-n', '19', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the readers' client exited with ${code}`);
  const { times, failed } = JSON.parse(out) as { times: number[]; failed: number };
  const t = summarize(times);
  return { count: times.length, failed, p50Ms: t.p50, p95Ms: t.p95, scheduling: hasChrt ? 'under SCHED_IDLE' : 'at nice 19' };
}

/** Summarises the monitor's main-thread profile over the measured window (the profile ends when it exits). */
export function describeMonitorProfile(pid: number, lastSeconds: number, skipLastSeconds: number): string {
  const dir = path.join(OUTPUT, 'prof');
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))[0];
  if (!file) return `no profile of pid ${pid} in ${dir}\n`;
  const summary = summariseProfile(file, lastSeconds * 1000, skipLastSeconds * 1000, 25);
  return formatProfile(`monitor main thread over the window (${path.relative(ROOT, file)})`, summary);
}

/** What a load run varies beyond the flags. */
export interface LoadSpec {
  /** Names the run in its rows and notes. */
  label: string;
  /** Percentage of the sites that never answer in time (they hang past their timeout). */
  hangPct?: number;
  /** Every site's timeout, ms. Default 10,000. */
  timeoutMs?: number;
  /** Start without UPBEAT_CONCURRENCY: the defaults, as a user runs it. */
  isDefaults?: boolean;
  /** Run the web server (as `npm start` does, checker inside) instead of `npm run monitor`. */
  isInApp?: boolean;
  /** With isInApp: a client reads /api/overview 10 times a second and a site's history 10 times a second. */
  hasReaders?: boolean;
  rssTargetMb?: number;
  /** Accuracy targets, ms; and the baseline figure to compare p95 with. */
  accuracy?: { p50: number; p95: number; baselineP95?: number };
  /** What the issue measured before, for the done row. */
  baselineDone?: string;
}

/** The figures a caller compares across runs. */
export interface LoadFigures {
  accuracyP50: number;
  accuracyP95: number;
  /** p95 of |total − the target's actual wait|; NaN without the target's log. */
  waitedP95: number;
  donePct: number;
  lagP99: number;
  peakMb: number;
  reads?: { count: number; p95Ms: number };
  /** What could saturate: each side's busy share, for telling which gives first. */
  monitorCpuPct: number;
  targetCpuPct: number;
  /** Median over the self-reports of each loop's p99 delay, ms; and the longest recorder transaction p99, ms. */
  mainLoopP99Ms: number;
  checkerLoopP99Ms: number;
  recorderWriteP99Ms: number;
  boundMax: number;
}

const HANG_MS = 60_000;

export async function runLoad(
  flags: Flags,
  targetPort: number,
  target: Started,
  spec: LoadSpec = { label: 'load' },
): Promise<LoadResult & { figures: LoadFigures }> {
  const intervalMs = flags.intervalS * 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-'));
  const file = path.join(dir, 'upbeat.db');
  const notes: string[] = [];
  let profile: string | undefined;
  try {
    log(`load: creating ${num(flags.sites)} sites in ${file}`);
    const store = openAppStore(file);
    store.db.transaction(() => {
      // Hanging sites spread evenly: every (100 / hangPct)-th one.
      const hangEvery = spec.hangPct ? 100 / spec.hangPct : 0;
      for (let n = 1; n <= flags.sites; n++) {
        const hangs = hangEvery > 0 && Math.floor(n / hangEvery) !== Math.floor((n - 1) / hangEvery);
        store.createSite({
          name: `site ${n}`,
          url: `http://127.0.0.1:${targetPort}${hangs ? sitePath(n, HANG_MS) : sitePath(n)}`,
          method: 'GET',
          intervalSeconds: flags.intervalS,
          timeoutMs: spec.timeoutMs ?? 10000,
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

    const prof = flags.isCpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(OUTPUT, 'prof')}`] : [];
    const appPort = spec.isInApp ? await freePort() : 0;
    const nodeArgs = spec.isInApp
      ? [...prof, APP_SERVER, '-p', String(appPort), '-H', '127.0.0.1']
      : [...prof, '--import', 'tsx', 'lib/cli/monitor.ts'];
    const { UPBEAT_CONCURRENCY: _ignored, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      UPBEAT_DB: file,
      ...(spec.isDefaults ? {} : { UPBEAT_CONCURRENCY: String(flags.concurrency) }),
      UPBEAT_MONITOR: 'on',
      ...(spec.isInApp ? { NEXT_TELEMETRY_DISABLED: '1', NEXT_MANUAL_SIG_HANDLE: '1', UPBEAT_API_TOKEN: READER_TOKEN } : {}),
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
    // A window starts with an empty log of the target's waits: from here on, each answer's actual wait.
    await getJson<unknown>(targetPort, '/__waits');
    const readers = spec.hasReaders ? startReaders(appPort, windowEnd) : null;
    const floor = measureFloor(targetPort, windowEnd);
    await waitUntil(windowEnd, `${spec.label}: measuring`, windowStart);
    const reads = readers ? await readers : undefined;
    const floorFigures = await floor;
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

    const waitLog = waitLogOf(await getJson<Array<[number, number, number]>>(targetPort, '/__waits'));
    const analysis = analyseChecks(file, flags, windowStart, windowEnd, beatFigures.batchSpans, waitLog);
    const monitorCpu = cpu.cpuSeconds[0] ?? NaN;
    const cpuPct = cpu.percentOfCore[0] ?? NaN;
    const targetPct = cpu.percentOfCore[1] ?? NaN;
    const done = analysis.done;
    const due = analysis.due;
    const donePct = due === 0 ? NaN : (done / due) * 100;
    const usPerCheck = (monitorCpu / Math.max(1, done)) * 1e6;

    const asserted = flags.assertPct > 0 ? `, ${flags.assertPct}% with assertions` : '';
    const hanging = spec.hangPct ? `, ${spec.hangPct}% hang to a ${(spec.timeoutMs ?? 10000) / 1000} s timeout` : '';
    const how = spec.isDefaults ? ', defaults' : spec.isInApp ? `, in the web server${spec.hasReaders ? ' with readers' : ''}` : '';
    const title = `${spec.label}: ${num(flags.sites)} sites every ${flags.intervalS} s, ${flags.seconds} s window${hanging}${asserted}${how}`;
    const rssTargetMb = spec.rssTargetMb ?? 250;
    const acc = spec.accuracy ?? { p50: Infinity, p95: 3 };
    const rate = done / flags.seconds;
    const rows: Row[] = [
      {
        measure: `Checks done / due (${title})`,
        result: `${num(done)} / ${num(due)}`,
        target: '≥ 99.9%',
        ratio: `${num(donePct, 2)}% (${num(rate)}/s)${spec.baselineDone ? `; baseline ${spec.baselineDone}` : ''}`,
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
        target: `≤ ${rssTargetMb} MB`,
        ratio: rssKb === null ? '' : `RSS at the end ${num(rssKb / 1024)} MB`,
        met: peakKb === null ? '—' : peakKb / 1024 <= rssTargetMb ? 'yes' : 'no',
      },
      {
        measure: 'Latency accuracy |total − injected| p50 / p95',
        result: `${ms(analysis.accuracy.p50, 2)} / ${ms(analysis.accuracy.p95, 2)}`,
        target: Number.isFinite(acc.p50) ? `p50 ≤ ${acc.p50} ms, p95 ≤ ${acc.p95} ms` : `p95 ≤ ${acc.p95} ms`,
        ratio:
          `injected = the delay asked for; the target's own timers late p50 / p95 ${ms(serverStats.overshootMs.p50, 2)} / ${ms(serverStats.overshootMs.p95, 2)}` +
          (acc.baselineP95 ? `; p95 ${num(analysis.accuracy.p95 / acc.baselineP95, 2)}× the baseline ${ms(acc.baselineP95, 2)}` : ''),
        met: analysis.accuracy.p50 <= acc.p50 && analysis.accuracy.p95 <= acc.p95 ? 'yes' : 'no',
      },
      {
        measure: '  … |total − what the target actually waited| p50 / p95',
        result: analysis.accuracyWaited.count === 0 ? 'n/a' : `${ms(analysis.accuracyWaited.p50, 2)} / ${ms(analysis.accuracyWaited.p95, 2)}`,
        target: Number.isFinite(acc.p50) ? `p50 ≤ ${acc.p50} ms, p95 ≤ ${acc.p95} ms` : `p95 ≤ ${acc.p95} ms`,
        ratio:
          `${num(analysis.accuracyWaited.count)} checks matched to the target's log of each answer's wait; the floor ` +
          `(a bare socket client, same target, same time) ${ms(floorFigures.p50, 2)} / ${ms(floorFigures.p95, 2)}`,
        met:
          analysis.accuracyWaited.count === 0
            ? '—'
            : analysis.accuracyWaited.p50 <= acc.p50 && analysis.accuracyWaited.p95 <= acc.p95
              ? 'yes'
              : 'no',
      },
    ];
    notes.push(
      `${spec.label}: monitor = ${spec.isInApp ? 'the web server, as `npm start` runs it (checker inside)' : '`node --import tsx lib/cli/monitor.ts`'}, UPBEAT_CONCURRENCY=${spec.isDefaults ? 'unset (default)' : flags.concurrency}; window ` +
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
    if (reads) {
      notes.push(
        `${spec.label}: readers (their own process ${reads.scheduling}, standing for browsers elsewhere) made ${num(reads.count)} reads (/api/overview and /api/sites/1/history, 10/s each), ` +
          `p50 / p95 ${ms(reads.p50Ms)} / ${ms(reads.p95Ms)}; ${num(reads.failed)} failed.`,
      );
    }
    if (flags.isKeep) notes.push(`load: database kept at ${file}`);
    const figures: LoadFigures = {
      accuracyP50: analysis.accuracy.p50,
      accuracyP95: analysis.accuracy.p95,
      waitedP95: analysis.accuracyWaited.count === 0 ? NaN : analysis.accuracyWaited.p95,
      donePct,
      lagP99: analysis.lag.p99,
      peakMb: peakKb === null ? NaN : peakKb / 1024,
      ...(reads ? { reads: { count: reads.count, p95Ms: reads.p95Ms } } : {}),
      monitorCpuPct: cpuPct,
      targetCpuPct: targetPct,
      mainLoopP99Ms: summarize(beatFigures.loopP99Ms).p50,
      checkerLoopP99Ms: summarize(beatFigures.checkerLoopP99Ms).p50,
      recorderWriteP99Ms: summarize(beatFigures.batchWriteMs).p99,
      boundMax: beatFigures.bound.length > 0 ? Math.max(...beatFigures.bound) : NaN,
    };
    return { rows: rows.map((r, i) => (i === 0 ? r : { ...r, measure: `  ${r.measure}` })), notes, figures, ...(profile === undefined ? {} : { profile }) };
  } finally {
    if (!flags.isKeep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
