/**
 * Shared pieces of the reliability benchmarks (faults.ts, crash.ts, soak.ts): flags, child processes (the target
 * server, the checker on its own, the web server with the checker inside), seeding a database, reading the
 * checker's self-report, and writing the report. Every child listens on 127.0.0.1 only and is stopped by its pid.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALERT_SETTING_DEFAULTS, KIND_SETTING_DEFAULTS, type SiteSettings } from '../../../db/domain';
import { type SelfReport, type Store } from '../../../db';
import type { SelfReportStats } from '../../../lib/monitor/self-report';
import { startProcess, stopProcess, type Started } from '../lib/proc';
import { formatMarkdown, formatText, num, type Row } from '../lib/table';
import { openAppStore } from '../../../lib/store';
import { APP_SERVER } from '../../helpers/app-server';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const OUTPUT = path.join(ROOT, 'tests', 'output');

/**
 * The API token the benchmarks start the web server with (UPBEAT_API_TOKEN) and send on every request, so they
 * work whether or not the API asks for credentials.
 */
export const BENCH_TOKEN = 'upbeat-reliability-bench-token-0123456789';
export const authHeaders = { authorization: `Bearer ${BENCH_TOKEN}` } as const;

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ---------------------------------------------------------------------------------------------------------------
// Flags

export type FlagSpec = Record<string, { default: number; min: number; max: number; integer?: boolean }>;

/** `--name value` numbers per `spec`, plus the bare `switches`; anything else is an error naming the flag. */
export function parseFlags<S extends FlagSpec>(
  argv: readonly string[],
  spec: S,
  switches: readonly string[] = [],
): { [K in keyof S]: number } & { has(name: string): boolean; text(name: string): string | undefined } {
  const values: Record<string, number> = {};
  const texts = new Map<string, string>();
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2);
    if (switches.includes(name)) {
      seen.add(name);
      continue;
    }
    const s = spec[name];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    i++;
    if (!s) {
      if (name === 'only') {
        texts.set(name, value);
        continue;
      }
      throw new Error(`unknown flag ${arg}`);
    }
    const n = Number(value);
    if (!Number.isFinite(n) || n < s.min || n > s.max || (s.integer !== false && !Number.isInteger(n))) {
      throw new Error(`${arg} takes a ${s.integer === false ? 'number' : 'whole number'} ${s.min}-${s.max}`);
    }
    values[name] = n;
  }
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) out[name] = values[name] ?? s.default;
  out.has = (name: string) => seen.has(name);
  out.text = (name: string) => texts.get(name);
  return out as { [K in keyof S]: number } & { has(name: string): boolean; text(name: string): string | undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes

const children = new Set<Started>();

/** Starts a process (see lib/proc.ts) and remembers it, so a failed or interrupted run stops it by its pid. */
export async function startChild(
  args: readonly string[],
  label: string,
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Started> {
  const prof = process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const started = await startProcess(process.execPath, [...prof, ...args], { cwd: ROOT, env, ready, label, timeoutMs: 120_000 });
  children.add(started);
  void started.exited.then(() => children.delete(started));
  return started;
}

/** SIGTERM (SIGKILL after the grace) to one child, by pid. */
export async function stopChild(started: Started, graceMs = 20_000): Promise<number | string> {
  return stopProcess(started, 'SIGTERM', graceMs);
}

/** SIGKILL to one child, by pid, and wait for it to be gone. */
export async function killChild(started: Started): Promise<number | string> {
  if (started.child.exitCode === null && started.child.signalCode === null) process.kill(started.pid, 'SIGKILL');
  return started.exited;
}

function stopAllChildren(): void {
  for (const c of children) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Runs the benchmark's main, stopping every child it started on failure or Ctrl-C. */
export function runMain(main: () => Promise<void>): void {
  process.on('SIGINT', () => {
    stopAllChildren();
    process.exit(130);
  });
  main().then(
    () => process.exit(typeof process.exitCode === "number" ? process.exitCode : 0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      stopAllChildren();
      process.exit(1);
    },
  );
}

/** The colleague's target server (tests/bench/target-server.ts) in its own process; resolves with its port. */
export async function startTargetServer(): Promise<{ started: Started; port: number }> {
  const started = await startChild(['--import', 'tsx', 'tests/bench/target-server.ts'], 'target-server', /^listening (\d+)/);
  return { started, port: Number(started.match[1]) };
}

/** The checker as its own process (`npm run monitor`), on `dbPath`. */
export function startChecker(dbPath: string, env: Record<string, string> = {}): Promise<Started> {
  return startChild(['--import', 'tsx', 'lib/cli/monitor.ts'], 'checker', /checker running/, {
    ...process.env,
    UPBEAT_DB: dbPath,
    UPBEAT_MONITOR: 'on',
    ...env,
  });
}

/** Builds the web app when it is missing or stale (into UPBEAT_DIST_DIR, `.next` by default). */
export function ensureBuild(): void {
  log(`ensuring the web app is built (dist dir ${process.env.UPBEAT_DIST_DIR ?? '.next'})`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/ensure-build.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error('the web app did not build');
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface WebServer {
  started: Started;
  port: number;
  baseUrl: string;
}

/**
 * `next start` on 127.0.0.1 and a free port, as `npm start` runs it (NEXT_MANUAL_SIG_HANDLE=1, so the checker
 * inside it handles SIGTERM), on `dbPath`; resolves once the API answers.
 */
export async function startWeb(dbPath: string, env: Record<string, string> = {}, port?: number): Promise<WebServer> {
  const p = port ?? (await freePort());
  const started = await startChild(
    [APP_SERVER, '-p', String(p), '-H', '127.0.0.1'],
    'web server',
    /checker running|checker off|web server on|Ready in/,
    {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_MANUAL_SIG_HANDLE: '1',
      UPBEAT_DB: dbPath,
      UPBEAT_API_TOKEN: BENCH_TOKEN,
      ...env,
    },
  );
  const baseUrl = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/api/health`, { headers: authHeaders, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 503) break;
    } catch {
      // not answering yet
    }
    if (started.child.exitCode !== null) throw new Error(`the web server exited:\n${started.tail()}`);
    if (Date.now() > deadline) throw new Error(`the web server did not answer within 60 s:\n${started.tail()}`);
    await sleep(100);
  }
  return { started, port: p, baseUrl };
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

/** A fresh temporary folder for one run's database; removed by the returned function unless kept. */
export function tempDatabase(prefix: string): { dir: string; file: string; remove(keep: boolean): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: path.join(dir, 'upbeat.db'),
    remove(keep) {
      if (keep) log(`database kept at ${path.join(dir, 'upbeat.db')}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the sites in one transaction; returns their ids in order. */
export function seedSites(file: string, sites: readonly SiteSettings[]): number[] {
  const store = openAppStore(file);
  try {
    return store.db.transaction(() => sites.map((s) => store.createSite(s).id))();
  } finally {
    store.close();
  }
}

/** A site body for the target server's virtual site `n` (optional injected delay). */
export function targetSite(port: number, n: number, over: Partial<SiteSettings> & { delayMs?: number } = {}): SiteSettings {
  const { delayMs, ...rest } = over;
  return {
    name: `site ${n}`,
    url: `http://127.0.0.1:${port}/s/${n}${delayMs === undefined ? '' : `?d=${delayMs}`}`,
    method: 'GET',
    intervalSeconds: 30,
    timeoutMs: 10_000,
    expectedStatus: '200-399',
    followRedirects: false,
    headers: {},
    paused: false,
    ...ALERT_SETTING_DEFAULTS,
    ...KIND_SETTING_DEFAULTS,
    ...rest,
  };
}

export interface Beat {
  reportedAt: number;
  pid: number;
  stats: SelfReportStats;
}

/**
 * Collects every distinct self-report the checker writes (polling the database twice a beat), so a benchmark gets
 * the checker's own figures — batches, queue, event-loop lag, memory — without asking it anything.
 */
export class SelfReportTap {
  readonly beats: Beat[] = [];
  private readonly store: Store;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(file: string, everyMs = 500) {
    this.store = openAppStore(file);
    this.timer = setInterval(() => this.poll(), everyMs);
  }

  latest(): SelfReport | undefined {
    return this.store.readSelfReport();
  }

  /** Beats written in [from, to). */
  between(from: number, to: number): Beat[] {
    return this.beats.filter((b) => b.reportedAt >= from && b.reportedAt < to);
  }

  poll(): void {
    try {
      const hb = this.store.readSelfReport();
      if (!hb || hb.stats === null || typeof hb.stats !== 'object') return;
      const last = this.beats[this.beats.length - 1];
      if (last && last.reportedAt === hb.reportedAt && last.pid === hb.pid) return;
      this.beats.push({ reportedAt: hb.reportedAt, pid: hb.pid, stats: hb.stats as SelfReportStats });
    } catch {
      // busy for a moment; the next poll reads it
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reporting

export function describeMachine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) model = m[1].trim();
  } catch {
    // not Linux
  }
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return (
    `Machine: ${model}, ${os.cpus().length} cores, ${num(os.totalmem() / 2 ** 30, 1)} GB RAM, Node ${process.version}; ` +
    `load average at start ${load}`
  );
}

/** Prints the table and notes and writes them as Markdown to tests/output/<name>.md. */
export function writeReport(
  name: string,
  title: string,
  machine: string,
  rows: Row[],
  notes: string[],
  took: string,
  appendix = '',
) {
  const list = notes.map((n) => `- ${n}`).join('\n');
  const extra = appendix === '' ? '' : `\n${appendix}\n`;
  const text = `${machine}\n\n${formatText(rows)}\n${list}\n${extra}${took}\n`;
  process.stdout.write(`\n${text}`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  const md = `# ${title}\n\n${machine}\n\n${formatMarkdown(rows)}\n${list}\n${extra}\n${took}\n`;
  const file = path.join(OUTPUT, `${name}.md`);
  fs.writeFileSync(file, md);
  log(`written to ${path.relative(ROOT, file)}`);
}

/** How busy the machine was over a stretch, from /proc/stat (share of all cores), to state the noise. */
export function machineBusyMeter(): () => string {
  const read = () => {
    try {
      const v = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      return { busy: total - (v[3] ?? 0) - (v[4] ?? 0), total };
    } catch {
      return null;
    }
  };
  const start = read();
  const load = os.loadavg()[0] ?? NaN;
  return () => {
    const end = read();
    if (!start || !end || end.total === start.total) return `load average ${load.toFixed(2)}`;
    const pct = ((end.busy - start.busy) / (end.total - start.total)) * 100;
    return `machine ${num(pct)}% busy over the run (all processes, ours included), load average ${load.toFixed(2)} at start`;
  };
}
