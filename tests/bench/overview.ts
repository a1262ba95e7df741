/**
 * `npm run bench:overview`: GET /api/overview at 1,000 sites through `next start` while results keep arriving
 * from another connection (as from `npm run monitor`), and what one read costs in the server.
 *
 * Flags: --sites N (1000), --hours H (2: the sites' checks every 60 s before the run), --queries N (200),
 * --write-per-s N (34: results a second written during the reads, 1,000 sites every 30 s), --browser-sites N
 * (10000: the dashboard in Chromium, see overview-browser.ts; 0 leaves it out), --browser-hours H (1).
 *
 * Rows: the store's one-statement read + JSON (what every request did before the in-memory summaries), the
 * cached read + JSON, the same through HTTP (first read after start, then steady), and the payload in bytes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Store } from '../../db';
import { overviewJsonChunks, overviewSiteJson, presentOverview } from '../../app/_server/present-overview';
import type { NewCheck } from '../../db/domain';
import { createOverviewCache } from '../../lib/overview-cache';
import { openAppStore } from '../../lib/store';
import { newCheck, newSite } from '../helpers/factories';
import { APP_SERVER, freePort } from '../helpers/app-server';
import { browserRows } from './overview-browser';
import { startProcess, stopProcess, type Started } from './lib/proc';
import { summarize, type Summary } from './lib/stats';
import { formatMarkdown, formatText, num, type Row } from './lib/table';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OUTPUT = path.join(ROOT, 'tests', 'output');
const MIN = 60_000;

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}
const flags = {
  sites: flag('sites', 1000),
  hours: flag('hours', 2),
  queries: flag('queries', 200),
  writePerS: flag('write-per-s', 34),
  browserSites: flag('browser-sites', 10_000),
  browserHours: flag('browser-hours', 1),
};

const log = (s: string) => console.error(`[bench] ${s}`);
const ms = (v: number) => `${num(v, 1)} ms`;
const kb = (b: number) => `${num(b / 1024, 1)} KB`;

function seed(store: Store): number[] {
  const now = Date.now();
  const ids: number[] = [];
  for (let i = 0; i < flags.sites; i++) {
    ids.push(store.createSite(newSite({ name: `site-${i}`, url: `http://127.0.0.1:9/s/${i}` }), now - 86_400_000).id);
  }
  const perSite = flags.hours * 60;
  let batch: NewCheck[] = [];
  for (let k = perSite; k >= 1; k--) {
    for (const id of ids) {
      const ok = (id * 31 + k) % 97 !== 0;
      batch.push(newCheck(id, now - k * MIN + (id % 60) * 1000, { ok, statusCode: ok ? 200 : 503 }));
      if (batch.length >= 5000) {
        store.recordChecks(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) store.recordChecks(batch);
  return ids;
}

function timeIt(n: number, fn: (i: number) => void, between?: () => void): Summary {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    between?.();
    const t0 = performance.now();
    fn(i);
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/** One GET, body read to the end; its time and the bytes on the wire. */
function get(url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ ms: performance.now() - t0, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function startApp(dbPath: string): Promise<{ app: Started; baseUrl: string; headers: Record<string, string> }> {
  const port = await freePort();
  const token = `upb_bench_${crypto.randomBytes(16).toString('hex')}`;
  const app = await startProcess(
    process.execPath,
    [APP_SERVER, '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, UPBEAT_DB: dbPath, UPBEAT_MONITOR: 'off', UPBEAT_API_TOKEN: token, NEXT_TELEMETRY_DISABLED: '1' },
      ready: /web server on|Ready in|started server|Local:/i,
      timeoutMs: 60_000,
      label: 'next start',
    },
  );
  return { app, baseUrl: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${token}` } };
}

async function main() {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-overview-'));
  const file = path.join(dir, 'upbeat.db');
  const rows: Row[] = [];
  const notes: string[] = [];
  let app: Started | null = null;
  let writer: NodeJS.Timeout | null = null;
  const store = openAppStore(file);
  try {
    log(`seeding ${num(flags.sites)} sites × ${flags.hours} h of checks every 60 s`);
    const ids = seed(store);
    let next = 0;
    // Results keep arriving from this process's own connection, as they do from the checker.
    const write = (count: number) => {
      const now = Date.now();
      const batch: NewCheck[] = [];
      for (let i = 0; i < count; i++) batch.push(newCheck(ids[next++ % ids.length]!, now, { ok: true }));
      store.recordChecks(batch);
    };

    // In the server's place: before (one statement per read) and after (the summaries).
    const before = timeIt(20, (i) => JSON.stringify(presentOverview(store.overview({ now: Date.now() + i }), Date.now())));
    const cache = createOverviewCache(store);
    cache.readEncoded({}, overviewSiteJson);
    const changed: number[] = [];
    const after = timeIt(
      flags.queries,
      () => {
        const read = cache.readEncoded({}, overviewSiteJson);
        changed.push(cache.lastReadCount());
        for (const chunk of overviewJsonChunks(read, Date.now())) void chunk.length;
      },
      // A tenth of a second's results before each read (not timed): the reads run 10 a second.
      () => write(Math.max(1, Math.round(flags.writePerS / 10))),
    );
    rows.push({
      measure: `Overview read + JSON in the server, ${num(flags.sites)} sites: one statement (before)`,
      result: `p50 ${ms(before.p50)}, p95 ${ms(before.p95)}`,
      target: '—',
      ratio: '',
      met: '—',
    });
    rows.push({
      measure: '  in-memory summaries, results arriving (after)',
      result: `p50 ${ms(after.p50)}, p95 ${ms(after.p95)}`,
      target: 'p95 ≤ 50 ms',
      ratio: `${num(before.p95 / after.p95, 1)}× faster at p95; ${num(summarize(changed).p50)} sites re-read a read (p50)`,
      met: after.p95 <= 50 ? 'yes' : 'no',
    });

    const build = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/ensure-build.ts'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the web app did not build');
    log('next start against the generated database (checker off; results written from here)');
    const server = await startApp(file);
    app = server.app;
    const url = `${server.baseUrl}/api/overview`;
    const first = await get(url, server.headers);
    if (first.status !== 200) throw new Error(`GET /api/overview answered ${first.status}`);
    writer = setInterval(() => write(Math.max(1, Math.round(flags.writePerS / 10))), 100);
    const times: number[] = [];
    for (let i = 0; i < flags.queries; i++) times.push((await get(url, server.headers)).ms);
    clearInterval(writer);
    writer = null;
    const steady = summarize(times);
    rows.push({
      measure: `GET /api/overview over HTTP, ${num(flags.sites)} sites, ${flags.writePerS} results/s arriving`,
      result: `p50 ${ms(steady.p50)}, p95 ${ms(steady.p95)}`,
      target: 'p95 ≤ 50 ms',
      ratio: `first read after start (every site from the database) ${ms(first.ms)}`,
      met: steady.p95 <= 50 ? 'yes' : 'no',
    });
    const plain = await get(url, server.headers);
    const gzip = await get(url, { ...server.headers, 'accept-encoding': 'gzip' });
    rows.push({
      measure: `Overview payload, ${num(flags.sites)} sites (JSON / gzip on the wire)`,
      result: `${kb(plain.bytes)} / ${kb(gzip.bytes)}`,
      target: '—',
      ratio: `${num(plain.bytes / flags.sites)} B a site`,
      met: '—',
    });
  } finally {
    if (writer) clearInterval(writer);
    if (app) await stopProcess(app);
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // One app at a time on a shared machine: the dashboard's own server starts after the API's has stopped.
  if (flags.browserSites > 0) rows.push(...(await browserRows({ sites: flags.browserSites, hours: flags.browserHours, log })));

  const head =
    `Overview benchmark: ${num(flags.sites)} sites, ${flags.hours} h of checks each, ${flags.queries} reads, ` +
    `${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s in all.`;
  console.log(`\n${head}\n\n${formatText(rows)}\n${notes.map((n) => `- ${n}`).join('\n')}`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  fs.writeFileSync(path.join(OUTPUT, 'bench-overview.md'), `${head}\n\n${formatMarkdown(rows)}\n`);
}

await main();
