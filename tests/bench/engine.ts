/**
 * `npm run bench`: the checking engine under load, against a local target server in its own process, printed as
 * ONE table (and written to tests/output/bench-engine.md). See tests/bench/README.md for what each row measures.
 *
 *   npm run bench                                   the full run, about 3.5 minutes
 *   npm run bench -- --only load --sites 1000 --seconds 20
 *   npm run bench -- --only peak --peak-seconds 8
 *   npm run bench -- --only cli
 *
 * Parts: load (accuracy at 10,000 sites every 30 s), readers (the same inside the web server, quiet and while a
 * client reads the dashboard), ontime (10,000 sites at 20 s on the defaults, 3 % hanging), scale (30,000 sites at
 * 30 s), saturate (site counts stepped until start lag p99 passes 1 s; --saturate-steps 30000,40000,…), curl
 * (phases beside curl's -w), peak, cli.
 *
 * Flags: --only load|readers|ontime|scale|saturate|curl|peak|cli (comma-separated), --readers-sites N (10000),
 * --ontime-sites N (10000), --scale-sites N (30000), --sites N (10000), --interval S (30), --seconds S (150, the
 * measured window after one interval of warm-up), --concurrency N (200, the monitor's), --peak-seconds S (15),
 * --peak-concurrency N (256), --urls N (1000), --server-workers N (1), --server-closes (the target sends
 * `Connection: close`), --cpu-prof (profile the monitor into tests/output/prof/ and print where its time went),
 * --keep (keep the temporary database and say where), --assert-pct N (that percentage of the sites carry a body
 * assertion and a regex assertion; compare its CPU per check with a run without).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { delayOf } from './lib/delays';
import { stopProcess } from './lib/proc';
import { formatMarkdown, formatText, num, type Row } from './lib/table';
import { runCli } from './engine/cli';
import { spawnSync } from 'node:child_process';
import type { Started } from './lib/proc';
import { runCurl } from './engine/curl';
import { parseFlags, PARTS, type Flags, type Part } from './engine/flags';
import { children, getJson, log, OUTPUT, ROOT, start, type LoadResult } from './engine/harness';
import { runLoad } from './engine/load';
import { runPeak } from './engine/peak';
import { runSaturate } from './engine/saturate';

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

/** The issue's figures before the checker had its own thread and an adaptive bound. */
const BASELINE = {
  accuracyP95Ms: 7.58,
  ontime: '326 checks/s = 0.65 of due, lag p50 10.7 s',
};

async function runPart(part: Part, flags: Flags, port: number, target: Started): Promise<LoadResult> {
  switch (part) {
    case 'load':
      return runLoad(flags, port, target, {
        label: 'accuracy',
        accuracy: { p50: 0.5, p95: 2, baselineP95: BASELINE.accuracyP95Ms },
      });
    case 'readers':
      return runReaders({ ...flags, sites: flags.readersSites }, port, target);
    case 'ontime':
      return runLoad({ ...flags, sites: flags.ontimeSites, intervalS: 20 }, port, target, {
        label: 'on time with the defaults',
        isDefaults: true,
        hangPct: 3,
        timeoutMs: 5000,
        baselineDone: BASELINE.ontime,
      });
    case 'scale':
      return runLoad({ ...flags, sites: flags.scaleSites, intervalS: 30 }, port, target, {
        label: 'scale',
        isDefaults: true,
        rssTargetMb: 400,
      });
    case 'saturate':
      return runSaturate(flags, port, target);
    case 'curl':
      return runCurl(port);
    case 'peak':
      return runPeak(flags, port, target);
    case 'cli':
      return runCli(flags, port);
  }
}

/** The accuracy run inside the web server, quiet and then with a client reading the dashboard. */
async function runReaders(flags: Flags, port: number, target: Started): Promise<LoadResult> {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/ensure-build.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the web app did not build');
  const quiet = await runLoad(flags, port, target, { label: 'in the web server, quiet', isInApp: true, accuracy: { p50: 0.5, p95: 2 } });
  const busy = await runLoad(flags, port, target, {
    label: 'in the web server, with readers',
    isInApp: true,
    hasReaders: true,
    accuracy: { p50: 0.5, p95: 2 },
  });
  const ratio = busy.figures.accuracyP95 / Math.max(quiet.figures.accuracyP95, 0.01);
  // The same against the target's actual waits: with readers the target server itself runs late (its timers share
  // the two cores too), which is the fixture's error and not the checker's.
  const waitedRatio = busy.figures.waitedP95 / Math.max(quiet.figures.waitedP95, 0.01);
  return {
    rows: [
      ...quiet.rows,
      ...busy.rows,
      {
        measure: 'Accuracy p95 with readers (/api/overview + history, 10/s each) ÷ quiet',
        result: `${num(busy.figures.accuracyP95, 2)} / ${num(quiet.figures.accuracyP95, 2)} ms`,
        target: '≤ 1.2×',
        ratio: `${num(ratio, 2)}×`,
        met: ratio <= 1.2 ? 'yes' : 'no',
      },
      {
        measure: '  … against what the target actually waited',
        result: `${num(busy.figures.waitedP95, 2)} / ${num(quiet.figures.waitedP95, 2)} ms`,
        target: '≤ 1.2×',
        ratio: `${num(waitedRatio, 2)}×`,
        met: Number.isFinite(waitedRatio) ? (waitedRatio <= 1.2 ? 'yes' : 'no') : '—',
      },
    ],
    notes: [...quiet.notes, ...busy.notes],
  };
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
      const result = await runPart(part, flags, port, target);
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
