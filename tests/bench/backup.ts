/**
 * `npm run bench:backup`: backups and restores at 1,000 sites × 7 days of one check a minute. Prints ONE table
 * (also written to tests/output/bench-backup.md):
 *
 *   - the database: 100 sites × 7 days written through the checker's own verbs by the history benchmark's data
 *     builder (tests/bench/history.ts), pruned to steady state by the pruner, then each site's history copied in
 *     SQL to nine more sites — the same rows and pages as 1,000 sites, in a fraction of the time;
 *   - `npm run backup` as its own process: time (whole process and the copy alone) and size, against a plain
 *     file copy of the same quiet file;
 *   - `npm run restore` into a fresh folder: time (copy, integrity check, swap) and size;
 *   - the scheduled backup inside a running checker (1,000 sites on a local target server, every 30 s): the
 *     copy's time, and the checker's start lag and event-loop delay while it runs against a quiet window before.
 *
 *   npm run bench:backup                                  full size (about 5 minutes)
 *   npm run bench:backup -- --sites 200 --days 2          a quick run
 *   npm run bench:backup -- --db /tmp/b.db --keep         keep the database; --reuse to measure it again
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Store } from '../../db';
import { startBackupSchedule } from '../../lib/backup/schedule';
import { startMonitor } from '../../lib/monitor/monitor';
import { startPruner } from '../../lib/monitor/pruner';
import { DEFAULT_RETENTION } from '../../db/retention';
import { generate, parseFlags as parseHistoryFlags } from './lib/history-data';
import { summarize, type Summary } from './lib/stats';
import { ms, num, type Row } from './lib/table';
import { describeMachine, log, machineBusyMeter, ROOT, runMain, sleep, startTargetServer, stopChild, writeReport } from './reliability/common';
import { openAppStore } from '../../lib/store';

const MB = 1e6;

interface Flags {
  sites: number;
  days: number;
  baseSites: number;
  intervalS: number;
  quietS: number;
  db: string | null;
  isReuse: boolean;
  isKeep: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  const known = new Set(['--sites', '--days', '--base-sites', '--interval', '--quiet', '--db', '--reuse', '--keep']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown flag ${arg}`);
  const value = (name: string, fallback: number, min: number, max: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} takes a whole number ${min}-${max}`);
    return n;
  };
  const sites = value('--sites', 1000, 1, 20_000);
  const dbAt = argv.indexOf('--db');
  return {
    sites,
    days: value('--days', 7, 1, 90),
    baseSites: Math.min(sites, value('--base-sites', 100, 1, 20_000)),
    intervalS: value('--interval', 30, 1, 3600),
    quietS: value('--quiet', 20, 5, 600),
    db: dbAt === -1 ? null : path.resolve(argv[dbAt + 1] ?? ''),
    isReuse: argv.includes('--reuse'),
    isKeep: argv.includes('--keep'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The database

/** Tables holding per-site history, copied from a base site to its replicas. */
const PER_SITE_TABLES = ['checks', 'rollup_minute', 'rollup_hour', 'rollup_day', 'rollup_hour_minutes'] as const;

function columnsOf(store: Store, table: string): string[] {
  return (store.db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
}

/**
 * `flags.sites` sites of `flags.days` days: the first `baseSites` through the history builder (the checker's own
 * write path), pruned by the pruner as the checker would, then copied in SQL, site by site, onto new sites.
 */
async function build(store: Store, flags: Flags): Promise<void> {
  log(`history of ${flags.baseSites} sites × ${flags.days} days through the history benchmark's builder`);
  generate(store, parseHistoryFlags(['--sites', String(flags.baseSites), '--days', String(flags.days)]), (l) => log(l));
  log('pruning to steady state (minute rollups past 48 h, as the checker would)');
  const pruner = startPruner({ store, retention: DEFAULT_RETENTION, everyMs: 0 });
  await pruner.runOnce();
  await pruner.stop();
  const base = store.listSites();
  const copies = flags.sites - base.length;
  if (copies <= 0) return;
  log(`copying their history onto ${num(copies)} more sites in SQL`);
  const t0 = performance.now();
  const siteCols = columnsOf(store, 'sites').filter((c) => c !== 'id');
  store.db.exec('CREATE TEMP TABLE replica (src INTEGER NOT NULL, dst INTEGER NOT NULL)');
  const addSite = store.db.prepare(
    `INSERT INTO sites (${siteCols.join(', ')}) SELECT ${siteCols.map((c) => (c === 'name' ? `name || ' copy ' || ?` : c)).join(', ')}
     FROM sites WHERE id = ?`,
  );
  const addMap = store.db.prepare('INSERT INTO temp.replica (src, dst) VALUES (?, ?)');
  store.db.transaction(() => {
    for (let i = 0; i < copies; i++) {
      const src = base[i % base.length]!.id;
      const dst = Number(addSite.run(i, src).lastInsertRowid);
      addMap.run(src, dst);
    }
  })();
  for (const table of PER_SITE_TABLES) {
    const cols = columnsOf(store, table).filter((c) => c !== 'id' && c !== 'site_id');
    store.db.exec(
      `INSERT INTO ${table} (site_id, ${cols.join(', ')})
       SELECT r.dst, ${cols.map((c) => `h.${c}`).join(', ')} FROM temp.replica r JOIN ${table} h ON h.site_id = r.src
       ORDER BY r.dst`,
    );
    log(`  ${table} copied (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  store.db.exec(`UPDATE sites SET last_check_id = (SELECT max(id) FROM checks WHERE site_id = sites.id)`);
  store.db.exec('DROP TABLE temp.replica');
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

interface CliTiming {
  wallMs: number;
  stdout: string;
  /** Each stderr line with the ms since start it arrived at. */
  lines: Array<{ atMs: number; line: string }>;
}

function runCli(which: 'backup' | 'restore', dbPath: string, args: readonly string[]): Promise<CliTiming> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `lib/cli/${which}.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, UPBEAT_DB: dbPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lines: CliTiming['lines'] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    for (const line of String(d).split('\n')) if (line) lines.push({ atMs: performance.now() - started, line });
  });
  return new Promise((resolve, reject) =>
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`npm run ${which} exited with ${code}:\n${stdout}${stderr}`));
      else resolve({ wallMs: performance.now() - started, stdout, lines });
    }),
  );
}

/** When the CLI line matching `pattern` arrived, ms since its start. */
function lineAt(run: CliTiming, pattern: RegExp): number {
  return run.lines.find((l) => pattern.test(l.line))?.atMs ?? NaN;
}

/** Start lags (ms, from the rows) of the checks that began in [from, to). */
function lagsBetween(store: Store, from: number, to: number): number[] {
  return store.db.prepare<[number, number], number>('SELECT lag_ms FROM checks WHERE checked_at >= ? AND checked_at < ?').pluck().all(from, to);
}

const mb = (bytes: number) => `${num(bytes / MB, 1)} MB`;
const secs = (msValue: number) => `${num(msValue / 1000, 1)} s`;
const rate = (bytes: number, msValue: number) => `${num(bytes / MB / (msValue / 1000))} MB/s`;
const lagText = (s: Summary) => `${num(s.p50)} / ${num(s.p99)} / ${num(s.max)} ms`;

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const machine = describeMachine();
  const busy = machineBusyMeter();
  const runStarted = performance.now();
  const dir = flags.db ? path.dirname(flags.db) : fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-backup-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-backup-work-'));
  const file = flags.db ?? path.join(dir, 'upbeat.db');
  const rows: Row[] = [];
  const notes: string[] = [];
  let target: Awaited<ReturnType<typeof startTargetServer>> | null = null;
  try {
    const reuse = flags.isReuse && fs.existsSync(file);
    if (!reuse) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    fs.mkdirSync(dir, { recursive: true });
    let store = openAppStore(file);
    const t0 = performance.now();
    if (reuse) log(`reusing ${file}`);
    else await build(store, flags);
    const buildMs = performance.now() - t0;
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const checks = store.countChecks();
    const siteCount = store.countSites();
    store.close();
    const dbBytes = fs.statSync(file).size;
    rows.push({
      measure: `Database: ${num(siteCount)} sites × ${flags.days} days at 60 s`,
      result: mb(dbBytes),
      target: '—',
      ratio: `${num(checks)} raw checks; built in ${secs(buildMs)}`,
      met: '—',
    });

    // A plain copy of the quiet file, flushed to disk: what reading and writing these bytes costs at all here.
    const plain = path.join(work, 'plain-copy.db');
    let t = performance.now();
    fs.copyFileSync(file, plain);
    const fd = fs.openSync(plain, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    const plainMs = performance.now() - t;
    fs.rmSync(plain);

    log('npm run backup');
    const cliBackup = path.join(work, 'cli-backup.db');
    const backup = await runCli('backup', file, [cliBackup]);
    const copyMs = Number(/in ([\d.]+) s/.exec(backup.stdout)?.[1] ?? NaN) * 1000;
    const backupBytes = fs.statSync(cliBackup).size;
    rows.push({
      measure: 'npm run backup (own process, 16 MiB steps): whole process / the copy alone',
      result: `${secs(backup.wallMs)} / ${secs(copyMs)}`,
      target: '—',
      ratio: `${rate(backupBytes, copyMs)}; file copy + fsync of the quiet file ${secs(plainMs)} (${num(copyMs / plainMs, 1)}× of it)`,
      met: '—',
    });
    rows.push({
      measure: 'Backup file size',
      result: mb(backupBytes),
      target: '—',
      ratio: `${num((backupBytes / dbBytes) * 100)}% of the database file`,
      met: '—',
    });

    log('npm run restore into a fresh folder');
    const fresh = path.join(work, 'restored', 'upbeat.db');
    t = performance.now();
    const restore = await runCli('restore', fresh, [cliBackup]);
    const restoreMs = performance.now() - t;
    const restoredBytes = fs.statSync(fresh).size;
    const checkFrom = lineAt(restore, /checking the copy/);
    const checkTo = lineAt(restore, /making sure Upbeat is not running|restored /);
    rows.push({
      measure: 'npm run restore into a fresh folder (copy, PRAGMA integrity_check, schema, swap): whole process',
      result: secs(restoreMs),
      target: '—',
      ratio: `${mb(restoredBytes)}; of which copy ${secs(checkFrom - lineAt(restore, /copying/))}, integrity check ${secs(checkTo - checkFrom)}`,
      met: '—',
    });
    if (!/now holds the backup/.test(restore.stdout)) throw new Error(`restore said:\n${restore.stdout}`);
    fs.rmSync(path.join(work, 'restored'), { recursive: true, force: true });
    fs.rmSync(cliBackup);

    // The scheduled backup, inside a running checker.
    target = await startTargetServer();
    store = openAppStore(file);
    const port = target.port;
    store.db.transaction(() => {
      store.listSites().forEach((s, i) => store.updateSite(s.id, { url: `http://127.0.0.1:${port}/s/${i}`, intervalSeconds: flags.intervalS }));
    })();
    log(`checker on ${num(siteCount)} sites every ${flags.intervalS} s (target server pid ${target.started.pid})`);
    const monitor = startMonitor({ store, concurrency: 100, retention: false });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    // Warm-up: the scheduler spreads sites over their interval from the start, so a few seconds settle it.
    await sleep(10_000);
    const quietFrom = Date.now();
    loop.enable();
    await sleep(flags.quietS * 1000);
    loop.disable();
    const quietTo = Date.now();
    const quietLoop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    loop.reset();

    log('scheduled backup (the checker’s own code path: the copy on its own thread, 1 MiB steps)');
    const backups = path.join(work, 'scheduled');
    const schedule = startBackupSchedule({ dbFile: file, dir: backups, everyMs: 24 * 3_600_000, firstAfterMs: 24 * 3_600_000, keep: 1 });
    const walBefore = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
    const during0 = Date.now();
    loop.enable();
    const scheduled = await schedule.runOnce();
    loop.disable();
    const during1 = Date.now();
    const walAfter = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
    await schedule.stop();
    const duringLoop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    await monitor.stop();
    const quiet = summarize(lagsBetween(store, quietFrom, quietTo));
    const during = summarize(lagsBetween(store, during0, during1));
    store.close();

    rows.push({
      measure: 'Scheduled backup inside the checker (copy on its own thread, 1 MiB steps, checker running)',
      result: secs(scheduled.tookMs),
      target: '—',
      ratio: `${mb(scheduled.bytes)}; ${rate(scheduled.bytes, scheduled.tookMs)}; ${num(scheduled.tookMs / copyMs, 1)}× the CLI's copy`,
      met: '—',
    });
    // Within 2 ms of quiet counts as met too: below that the ratio measures timer noise, not the backup.
    const lagLimit = Math.max(quiet.p99 + 2, 1.2 * quiet.p99);
    rows.push({
      measure: `Checker start lag p50 / p99 / max while it backs up (${num(siteCount)} sites every ${flags.intervalS} s)`,
      result: lagText(during),
      target: `p99 ≤ 1.2 × quiet`,
      ratio: `${num(during.p99 / Math.max(1, quiet.p99), 2)}× quiet (${lagText(quiet)}); ${num(during.count)} vs ${num(quiet.count)} checks`,
      met: during.p99 <= lagLimit ? 'yes' : 'no',
    });
    rows.push({
      measure: 'Checker event-loop delay p99 / max (10 ms resolution) while it backs up',
      result: `${ms(Math.max(0, duringLoop.p99 - 10))} / ${ms(Math.max(0, duringLoop.max - 10))}`,
      target: '—',
      ratio: `quiet: ${ms(Math.max(0, quietLoop.p99 - 10))} / ${ms(Math.max(0, quietLoop.max - 10))}`,
      met: '—',
    });
    notes.push(
      `The database: ${num(flags.baseSites)} sites × ${flags.days} days written through recordChecks by the history ` +
        `benchmark's builder, pruned to steady state, and copied in SQL onto the other sites (same rows and pages as ` +
        `${num(siteCount)} sites; ${num(checks)} raw checks).`,
      `The checker wrote on during the scheduled backup; its write-ahead log went from ${mb(walBefore)} to ${mb(walAfter)} ` +
        `(the backup's snapshot holds off checkpoints until it ends).`,
      `${busy()}.`,
    );
    const took = `${((performance.now() - runStarted) / 60_000).toFixed(1)} min in all.`;
    writeReport('bench-backup', 'Backup benchmark', machine, rows, notes, took);
  } finally {
    if (target) await stopChild(target.started);
    fs.rmSync(work, { recursive: true, force: true });
    if (flags.isKeep || flags.db) log(`database kept: ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
