/**
 * `npm run bench:soak`: the checker stays steady over time — memory, open files, handles and event-loop lag do
 * not creep. Prints one table and the samples (also written as Markdown to tests/output/bench-soak.md).
 *
 * The checker runs as its own process on N sites (default 1,000; intervals 10/15/20/30 s) against local
 * targets, some of them failing in each way a site fails: refused (a closed port), HTTP 500 (a small server in
 * this process) and timeouts (the target server holding the answer past the site's 2 s timeout). Every ~10 s
 * it samples the checker: RSS and open file descriptors from /proc/<pid>, heap used, event-loop lag and active
 * handles by kind from the checker's own self-report. It compares the figures just after warm-up with those at
 * the end (each the median of three samples) and fits a slope; flat = the end within 10% of the start.
 *
 *   npm run bench:soak                          10 minutes
 *   npm run bench:soak -- --minutes 1           a short run while developing
 *
 * Flags: --minutes M (10), --sites N (1000), --sample S (10), --warmup S (20% of the run, at most 120),
 * --fail-percent P (15: a third refused, a third 500s, a third timeouts), --concurrency N (100), --keep.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { SiteSettings } from '../../db/domain';
import {
  describeMachine,
  SelfReportTap,
  log,
  machineBusyMeter,
  parseFlags,
  runMain,
  seedSites,
  sleep,
  startChecker,
  startTargetServer,
  stopChild,
  targetSite,
  tempDatabase,
  writeReport,
} from './reliability/common';
import { slope } from './reliability/analysis';
import { cpuSeconds, statusKb } from './lib/proc';
import { num, type Row } from './lib/table';

const flags = parseFlags(process.argv.slice(2), {
  minutes: { default: 10, min: 0.25, max: 24 * 60, integer: false },
  sites: { default: 1000, min: 10, max: 100_000 },
  sample: { default: 10, min: 1, max: 600 },
  warmup: { default: -1, min: -1, max: 3600 },
  'fail-percent': { default: 15, min: 0, max: 90 },
  concurrency: { default: 100, min: 1, max: 10_000 },
}, ['keep']);

const INTERVALS_S = [10, 15, 20, 30];
const TIMEOUT_MS = 2000;

interface Sample {
  atS: number;
  rssMb: number;
  heapMb: number;
  fds: number;
  handles: number;
  sockets: number;
  timers: number;
  loopP99Ms: number;
  loopMaxMs: number;
  inFlight: number;
  recorded: number;
  cpuPercent: number;
}

function openFds(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

async function main(): Promise<void> {
  const machine = describeMachine();
  log(machine);
  const busy = machineBusyMeter();
  const begun = Date.now();
  const runMs = flags.minutes * 60_000;
  const warmupMs = flags.warmup >= 0 ? flags.warmup * 1000 : Math.min(120_000, runMs * 0.2);

  const target = await startTargetServer();
  // HTTP 500 to everything, from this process: cheap, and its CPU is not the checker's.
  const failing = http.createServer((req, res) => {
    req.resume();
    res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
    res.end('failing on purpose\n');
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  const failingPort = (failing.address() as net.AddressInfo).port;
  const refusedPort = await closedPort();

  const db = tempDatabase('upbeat-soak-');
  const samples: Sample[] = [];
  const mix = { healthy: 0, refused: 0, status500: 0, timeout: 0 };
  try {
    const failEvery = flags['fail-percent'] > 0 ? Math.round(100 / flags['fail-percent']) : Infinity;
    const sites: SiteSettings[] = Array.from({ length: flags.sites }, (_, i) => {
      const n = i + 1;
      const base = targetSite(target.port, n, { intervalSeconds: INTERVALS_S[n % INTERVALS_S.length]!, timeoutMs: TIMEOUT_MS });
      if (n % failEvery !== 0) {
        mix.healthy++;
        return base;
      }
      switch (Math.floor(n / failEvery) % 3) {
        case 0:
          mix.refused++;
          return { ...base, url: `http://127.0.0.1:${refusedPort}/s/${n}` };
        case 1:
          mix.status500++;
          return { ...base, url: `http://127.0.0.1:${failingPort}/s/${n}` };
        default:
          mix.timeout++;
          return targetSite(target.port, n, { ...base, delayMs: 60_000 });
      }
    });
    seedSites(db.file, sites);
    const checker = await startChecker(db.file, { UPBEAT_CONCURRENCY: String(flags.concurrency) });
    const tap = new SelfReportTap(db.file, 1000);
    const startedAt = Date.now();
    log(
      `checker pid ${checker.pid}: ${num(flags.sites)} sites (${mix.healthy} healthy, ${mix.refused} refused, ` +
        `${mix.status500} answering 500, ${mix.timeout} timing out); ${flags.minutes} min, warm-up ` +
        `${num(warmupMs / 1000)} s, a sample every ${flags.sample} s`,
    );
    let lastCpu = cpuSeconds(checker.pid) ?? NaN;
    let lastAt = performance.now();
    let nextLog = Date.now() + 60_000;
    for (let k = 1; ; k++) {
      const at = startedAt + k * flags.sample * 1000;
      if (at > startedAt + runMs) break;
      await sleep(at - Date.now());
      if (checker.child.exitCode !== null) throw new Error(`the checker exited:\n${checker.tail()}`);
      tap.poll();
      const beat = tap.beats[tap.beats.length - 1]?.stats;
      const cpu = cpuSeconds(checker.pid) ?? NaN;
      const now = performance.now();
      const resources = beat?.process.activeResources ?? {};
      samples.push({
        atS: (Date.now() - startedAt) / 1000,
        rssMb: (statusKb(checker.pid, 'VmRSS') ?? NaN) / 1024,
        heapMb: (beat?.process.heapUsedBytes ?? NaN) / 2 ** 20,
        fds: openFds(checker.pid),
        handles: Object.values(resources).reduce((a, b) => a + b, 0),
        sockets: (resources.TCPSocketWrap ?? 0) + (resources.TCPWRAP ?? 0),
        timers: resources.Timeout ?? 0,
        loopP99Ms: beat?.eventLoop.p99Ms ?? NaN,
        loopMaxMs: beat?.eventLoop.maxMs ?? NaN,
        inFlight: beat?.scheduler.inFlight ?? NaN,
        recorded: beat?.recorder.recorded ?? NaN,
        cpuPercent: ((cpu - lastCpu) / ((now - lastAt) / 1000)) * 100,
      });
      lastCpu = cpu;
      lastAt = now;
      if (Date.now() >= nextLog) {
        const s = samples[samples.length - 1]!;
        log(`${num(s.atS)} s: RSS ${num(s.rssMb, 1)} MB, heap ${num(s.heapMb, 1)} MB, fds ${s.fds}, handles ${s.handles}`);
        nextLog += 60_000;
      }
    }
    const code = await stopChild(checker);
    tap.close();
    if (code !== 0) log(`the checker exited with ${code} on SIGTERM`);
  } finally {
    await stopChild(target.started);
    await new Promise<void>((resolve) => failing.close(() => resolve()));
    db.remove(flags.has('keep'));
  }

  const steady = samples.filter((s) => s.atS * 1000 >= warmupMs);
  if (steady.length < 2) throw new Error('too few samples after the warm-up: run longer or sample more often');
  const head = steady.slice(0, 3);
  const tail = steady.slice(-3);
  type Key = 'rssMb' | 'heapMb' | 'fds' | 'handles' | 'timers' | 'loopP99Ms';
  const metric = (
    key: Key,
    label: string,
    unit: string,
    digits: number,
    isFlat: (start: number, end: number) => boolean,
    target: string,
  ): Row => {
    const start = median(head.map((s) => s[key]));
    const end = median(tail.map((s) => s[key]));
    const perTenMin = slope(steady.map((s) => [s.atS / 600, s[key]] as const));
    return {
      measure: label,
      result: `${num(start, digits)} → ${num(end, digits)}${unit}`,
      target,
      ratio: `slope ${perTenMin >= 0 ? '+' : ''}${num(perTenMin, digits)}${unit} per 10 min`,
      met: isFlat(start, end) ? 'yes' : 'no',
    };
  };
  const within10 = (start: number, end: number) => end <= start * 1.1;
  // Heap used is a sawtooth between collections, so a sample says more about when the last GC ran than about
  // what is kept. What is kept is the floor: the lowest sample of the first third against that of the last.
  const heapFloor = (): Row => {
    const third = Math.max(1, Math.floor(steady.length / 3));
    const start = Math.min(...steady.slice(0, third).map((s) => s.heapMb));
    const end = Math.min(...steady.slice(-third).map((s) => s.heapMb));
    const perTenMin = slope(steady.map((s) => [s.atS / 600, s.heapMb] as const));
    return {
      measure: 'Heap used, lowest of the first third → of the last third (after collections)',
      result: `${num(start, 1)} → ${num(end, 1)} MB`,
      target: 'end ≤ start + 10%',
      ratio: `slope ${perTenMin >= 0 ? '+' : ''}${num(perTenMin, 1)} MB per 10 min`,
      met: within10(start, end) ? 'yes' : 'no',
    };
  };
  const title = `${num(flags.sites)} sites, ${flags.minutes} min`;
  const rows: Row[] = [
    metric('rssMb', `Checker RSS after warm-up → end (${title})`, ' MB', 1, within10, 'end ≤ start + 10%'),
    heapFloor(),
    // Descriptors and handles follow the checks in flight (a socket each), so a handful either way is the load.
    metric('fds', 'Open file descriptors (/proc/<pid>/fd)', '', 0, (a, b) => b <= Math.max(a * 1.1, a + 10), 'end ≤ start + max(10%, 10)'),
    metric('handles', 'Active resources (getActiveResourcesInfo)', '', 0, (a, b) => b <= Math.max(a * 1.1, a + 10), 'end ≤ start + max(10%, 10)'),
    metric('timers', '  of which timers', '', 0, (a, b) => b <= Math.max(a * 1.1, a + 5), 'end ≤ start + max(10%, 5)'),
    metric('loopP99Ms', 'Event-loop lag p99 (per 2 s beat)', ' ms', 1, (a, b) => b <= Math.max(a * 2, a + 10), 'end ≤ max(2 × start, start + 10 ms)'),
  ];
  const last = samples[samples.length - 1];
  const checksPerS = last && samples[0] ? (last.recorded - samples[0].recorded) / (last.atS - samples[0].atS) : NaN;
  const notes = [
    `The checker as its own process (\`lib/cli/monitor.ts\`, UPBEAT_CONCURRENCY=${flags.concurrency}), ` +
      `${num(flags.sites)} sites on intervals ${INTERVALS_S.join('/')} s with a ${TIMEOUT_MS} ms timeout: ` +
      `${mix.healthy} healthy (20-300 ms), ${mix.refused} refused, ${mix.status500} answering 500, ${mix.timeout} ` +
      `timing out. ${num(checksPerS, 1)} checks/s recorded.`,
    `Start = median of the first three samples after ${num(warmupMs / 1000)} s of warm-up; end = median of the ` +
      `last three; slope = least squares over every sample after warm-up. RSS and descriptors from /proc; heap, ` +
      `lag and handles from the checker's self-report. CPU of the checker ${num(median(steady.map((s) => s.cpuPercent)), 1)}% ` +
      `of one core (median of the samples).`,
    `noise: ${busy()}; other engineers' builds and tests share these 2 cores.`,
  ];
  const took = `Took ${num((Date.now() - begun) / 1000)} s; run as \`npm run bench:soak -- ${process.argv.slice(2).join(' ')}\`.`;
  const sampleTable = [
    'Samples:',
    '',
    '| t (s) | RSS MB | heap MB | fds | handles | sockets | timers | in flight | loop p99 ms | loop max ms | CPU % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...samples.map(
      (s) =>
        `| ${num(s.atS)} | ${num(s.rssMb, 1)} | ${num(s.heapMb, 1)} | ${s.fds} | ${s.handles} | ${s.sockets} | ` +
        `${s.timers} | ${s.inFlight} | ${num(s.loopP99Ms, 1)} | ${num(s.loopMaxMs, 1)} | ${num(s.cpuPercent, 1)} |`,
    ),
  ];
  writeReport('bench-soak', 'Soak benchmark', machine, rows, notes, took, sampleTable.join('\n'));
}

runMain(main);
