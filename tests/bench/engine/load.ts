/** Part `load`: the monitor as its own process, N sites on a fixed interval. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAppStore } from '../../../lib/store';
import { formatProfile, summariseProfile } from '../lib/cpuprofile';
import { sitePath } from '../lib/delays';
import { statusKb, stopProcess, type Started } from '../lib/proc';
import { ms, num, type Row } from '../lib/table';
import { analyseChecks, describeAccuracySplit, describeRss } from './analyse-checks';
import { CpuMeter, describeNoise } from './cpu-meter';
import type { Flags } from './flags';
import { getJson, log, OUTPUT, ROOT, selfCpu, sleep, start, waitUntil, type LoadResult, type TargetStats } from './harness';
import { describeBeats, watchSelfReports } from './self-reports';

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

export async function runLoad(flags: Flags, targetPort: number, target: Started): Promise<LoadResult> {
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
