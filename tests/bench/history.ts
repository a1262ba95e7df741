/**
 * `npm run bench:history`: history at scale. Synthesises N sites (default 1,000) with D days (default 90) of
 * history at one check every S seconds (default 60) — raw checks for the raw window through `recordChecks`
 * (raw rows and all three rollups, as the checker writes them), hour and day rollups beyond it through
 * `recordRollups` — then measures, and prints ONE table (also written to tests/output/bench-history.md):
 *
 *   - recorder throughput while generating (results written per second, rollups included);
 *   - recorder batch delay while the pruner works off an over-retention backlog (the minute rollups of days 3-7
 *     the raw window wrote), against the same recording without pruning;
 *   - database size on disk at steady state and bytes per raw check (dbstat);
 *   - the overview verb (+ JSON) and the site page's data for 90 d (+ JSON), p50/p95, and the same through HTTP
 *     when a build of the app exists (`next start` on 127.0.0.1 against the generated file).
 *
 *   npm run bench:history                                    full size: 1,000 sites × 90 days (about 10 minutes)
 *   npm run bench:history -- --sites 100 --days 30           a quick run while developing
 *   npm run bench:history -- --db /tmp/h.db --keep           keep the database; --reuse to measure it again
 *
 * Flags: --sites N, --days D, --raw-days R (default: the raw retention, 7), --interval S (60, must divide 3600),
 * --prune-seconds S (20: how long recording runs beside the pruner), --rate N (1,000 results/s recorded then),
 * --queries N (60), --http | --no-http (default: when a build exists), --db FILE, --reuse, --keep, --vacuum.
 * UPBEAT_DIST_DIR picks the build, as everywhere.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Store } from '../../db';
import { presentOverview } from '../../app/_server/present-overview';
import { readStorageReport } from '../../app/settings/storage/report';
import { RELATIVE_ERROR } from '../../db/histogram';
import { loadHistory, type RangeKey } from '../../lib/history';
import { startPruner, type PrunePass } from '../../lib/monitor/pruner';
import { Recorder, type BatchInfo } from '../../lib/monitor/recorder';
import { DEFAULT_RETENTION, type Retention } from '../../db/retention';
import { startProcess, stopProcess, type Started } from './lib/proc';
import { summarize, type Summary } from './lib/stats';
import { formatMarkdown, formatText, ms, num, type Row } from './lib/table';
import { openAppStore } from '../../lib/store';

import { checkOf, generate, parseFlags, random, siteModel, topUp, type Generated, type SiteModel } from './lib/history-data';
import { APP_SERVER } from '../helpers/app-server';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = path.join(ROOT, 'tests', 'output');

// ---------------------------------------------------------------------------------------------------------------
// Measurements

interface RecordingFigures {
  batches: number;
  results: number;
  delay: Summary;
  write: Summary;
  /** Delay beyond the recorder's own flush period: how late the flush ran. */
  late: Summary;
}

/**
 * Feeds `rate` results a second into a real Recorder (default flush every 250 ms) for `seconds`, the sites in
 * turn at the wall clock, and reports each batch's delay (oldest result queued → write start) and write time.
 */
async function recordFor(store: Store, sites: readonly SiteModel[], seconds: number, rate: number): Promise<RecordingFigures> {
  const flushEveryMs = 250;
  const infos: BatchInfo[] = [];
  const recorder = new Recorder(store, { flushEveryMs, maxBatch: 500, onFlush: (info) => infos.push(info) });
  const rnd = random(99);
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const now = Date.now();
      // Whatever the timer's own lateness, the results arrive at the set rate on average.
      for (const due = Math.floor((rate * Math.min(elapsed, seconds * 1000)) / 1000); sent < due; sent++) {
        const index = sent % sites.length;
        recorder.add(checkOf(sites[index]!, index, now, rnd));
      }
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  recorder.close();
  const timed = infos.filter((i) => i.size < 500); // flushed by the timer, not by a full queue
  return {
    batches: infos.length,
    results: infos.reduce((a, i) => a + i.recorded, 0),
    delay: summarize(infos.map((i) => i.delayMs)),
    write: summarize(infos.map((i) => i.writeMs)),
    late: summarize(timed.map((i) => Math.max(0, i.delayMs - flushEveryMs))),
  };
}

function timeIt(n: number, fn: (i: number) => void): Summary {
  const times: number[] = [];
  fn(0); // warm
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn(i);
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

async function timeHttp(n: number, url: (i: number) => string, headers: Record<string, string>): Promise<Summary> {
  const times: number[] = [];
  await (await fetch(url(0), { headers })).arrayBuffer();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url(i), { headers });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url(i)} answered ${res.status}`);
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as import('node:net').AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startApp(dbPath: string, distDir: string): Promise<{ app: Started; baseUrl: string; headers: Record<string, string> }> {
  const port = await freePort();
  // An API token, for when the API asks for one (ignored where it does not).
  const token = `upb_bench_${crypto.randomBytes(16).toString('hex')}`;
  const app = await startProcess(
    process.execPath,
    [APP_SERVER, '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        UPBEAT_DB: dbPath,
        UPBEAT_MONITOR: 'off',
        UPBEAT_DIST_DIR: distDir,
        UPBEAT_API_TOKEN: token,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      ready: /web server on|Ready in|started server|Local:/i,
      timeoutMs: 60_000,
      label: 'next start',
    },
  );
  return { app, baseUrl: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${token}` } };
}

/**
 * Bytes per raw check in the layout before migration 0003 (certificate expiry and issuer inline on every row),
 * measured by copying the newest `limit` checks into a scratch file with that layout, in the same order.
 */
function oldLayoutBytesPerRow(store: Store, dir: string, limit: number): number {
  const file = path.join(dir, 'old-layout.db');
  fs.rmSync(file, { force: true });
  store.db.exec(`ATTACH DATABASE '${file.replaceAll("'", "''")}' AS old`);
  try {
    store.db.exec(`
      CREATE TABLE old.checks (
        id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL, checked_at INTEGER NOT NULL, ok INTEGER NOT NULL,
        status_code INTEGER, error_kind INTEGER, error_message TEXT, dns_us INTEGER NOT NULL,
        connect_us INTEGER NOT NULL, tls_us INTEGER NOT NULL, ttfb_us INTEGER NOT NULL, transfer_us INTEGER NOT NULL,
        total_us INTEGER NOT NULL, lag_ms INTEGER NOT NULL DEFAULT 0, tls_expires_at INTEGER, tls_issuer TEXT);
      CREATE INDEX old.checks_by_site_time ON checks (site_id, checked_at);`);
    store.db
      .prepare(
        `INSERT INTO old.checks SELECT c.id, c.site_id, c.checked_at, c.ok, c.status_code, c.error_kind, c.error_message,
           c.dns_us, c.connect_us, c.tls_us, c.ttfb_us, c.transfer_us, c.total_us, c.lag_ms, t.expires_at, t.issuer
         FROM main.checks c LEFT JOIN main.check_tls t ON t.id = c.tls_id
         WHERE c.id > (SELECT max(id) FROM main.checks) - ? ORDER BY c.id`,
      )
      .run(limit);
    const bytes = store.db
      .prepare<[], { bytes: number }>(
        `SELECT sum(pgsize) AS bytes FROM dbstat('old', 1) WHERE name IN ('checks', 'checks_by_site_time')`,
      )
      .get()!.bytes;
    const rows = store.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM old.checks`).get()!.n;
    return bytes / Math.max(1, rows);
  } finally {
    store.db.exec('DETACH DATABASE old');
    fs.rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

const mb = (bytes: number) => `${num(bytes / 1e6, 1)} MB`;
const met = (ok: boolean): Row['met'] => (ok ? 'yes' : 'no');

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const log = (line: string) => console.log(`[bench:history] ${line}`);
  const dir = flags.db ? path.dirname(flags.db) : fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-history-'));
  const file = flags.db ?? path.join(dir, 'history.db');
  const retention: Retention = { ...DEFAULT_RETENTION, rawDays: Math.max(DEFAULT_RETENTION.rawDays, flags.rawDays) };
  const reuse = flags.isReuse && fs.existsSync(file);
  if (!reuse) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const store = openAppStore(file);
  const rows: Row[] = [];
  const notes: string[] = [];
  let app: Started | null = null;
  try {
    let sites: SiteModel[];
    let end: number;
    let gen: Generated | null = null;
    if (reuse) {
      const now = Date.now();
      sites = store.listSites().map((s, i) => siteModel(s.id, i, now));
      end = Math.max(...sites.map((s) => store.getSite(s.id)?.lastCheck?.checkedAt ?? 0)) + 1;
      log(`reusing ${file}: ${sites.length} sites`);
    } else {
      gen = generate(store, flags, log);
      sites = gen.sites;
      end = gen.end;
    }
    topUp(store, sites, end, flags.intervalS);

    // Recording beside the pruner working off the backlog (minute rollups past 48 h, raw past its window).
    const rowsBefore = store.countRows();
    log(`recording ${flags.rate}/s for ${flags.pruneSeconds} s without pruning (baseline)`);
    const baseline = await recordFor(store, sites, Math.min(10, flags.pruneSeconds), flags.rate);
    log(`recording ${flags.rate}/s for ${flags.pruneSeconds} s while the pruner works off the backlog`);
    const passes: PrunePass[] = [];
    const pruner = startPruner({ store, retention, everyMs: 200, firstAfterMs: 0, onPass: (p) => passes.push(p) });
    const pruneStarted = performance.now();
    const during = await recordFor(store, sites, flags.pruneSeconds, flags.rate);
    const midStats = pruner.stats();
    log('letting the pruner finish the backlog');
    let finished: PrunePass | undefined;
    for (;;) {
      finished = await pruner.runOnce();
      const left = Object.values(finished.deleted).reduce((a, b) => a + b, 0);
      if (left === 0) break;
    }
    await pruner.stop();
    const pruneSeconds = (performance.now() - pruneStarted) / 1000;
    const deleted = passes.reduce((a, p) => a + Object.values(p.deleted).reduce((x, y) => x + y, 0), 0);
    const longest = Math.max(midStats.longestBatchMs, pruner.stats().longestBatchMs);
    log(`  pruned ${num(deleted)} rows in ${pruneSeconds.toFixed(1)} s, longest batch ${longest.toFixed(1)} ms`);
    // The checker's batches: many sites, a check of each; write time per result says how far it could go.
    const perResult = (during.write.mean * during.batches * 1000) / Math.max(1, during.results);
    const capacity = 1e6 / perResult;
    rows.push({
      measure: 'Recorder capacity (raw rows + minute/hour/day rollups in one transaction per batch)',
      result: `${num(capacity)} results/s`,
      target: '≥ 1,000 results/s',
      ratio: `${num(perResult, 1)} µs a result in batches of ~${num(during.results / Math.max(1, during.batches))} sites, while pruning`,
      met: met(capacity >= 1000),
    });
    rows.push({
      measure: 'Recorder batch delay while pruning (oldest result queued → written; flush every 250 ms)',
      result: `p99 ${ms(during.delay.p99)}, max ${ms(during.delay.max)}`,
      target: '≤ 100 ms past the flush',
      ratio: `without pruning: p99 ${ms(baseline.delay.p99)}, max ${ms(baseline.delay.max)}`,
      met: met(during.late.max <= 100),
    });
    rows.push({
      measure: 'Recorder flush lateness while pruning (delay − 250 ms)',
      result: `p99 ${ms(during.late.p99)}, max ${ms(during.late.max)}`,
      target: '≤ 100 ms',
      ratio: `longest prune batch ${ms(longest)}; write p99 ${ms(during.write.p99)}`,
      met: met(during.late.max <= 100),
    });
    if (gen) {
      notes.push(
        `Generation: ${num(gen.rawChecks)} raw checks through recordChecks in ${gen.rawSeconds.toFixed(0)} s ` +
          `(${num(gen.rawChecks / gen.rawSeconds)}/s in six-hour batches per site); ${num(gen.rollupDeltas)} rollup ` +
          `rows through recordRollups in ${gen.rollupSeconds.toFixed(1)} s.`,
      );
    }
    notes.push(
      `Pruning: ${num(deleted)} rows past retention deleted in ${pruneSeconds.toFixed(1)} s ` +
        `(${num(rowsBefore.rollup_minute)} minute rollups before; batches of 2,000). While it ran, ` +
        `${num(during.results)} results were recorded in ${during.batches} batches; write time p50 ` +
        `${ms(during.write.p50)}, p99 ${ms(during.write.p99)}, max ${ms(during.write.max)} ` +
        `(without pruning: p99 ${ms(baseline.write.p99)}, max ${ms(baseline.write.max)}).`,
    );

    // Steady state: size on disk.
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    if (flags.isVacuum) {
      log('VACUUM');
      store.db.exec('VACUUM');
    }
    const report = await readStorageReport(store, retention);
    const checksLine = report.tables.find((t) => t.table === 'checks')!;
    const figures = await store.measureStorage();
    const rawPayload = figures.tables.find((t) => t.table === 'checks')!.payloadBytes / Math.max(1, checksLine.rows);
    const sampleRows = Math.min(checksLine.rows, 500_000);
    const before = oldLayoutBytesPerRow(store, dir, sampleRows);
    rows.push({
      measure: `Database on disk at steady state (${num(flags.sites)} sites, ${flags.days} d)`,
      result: mb(report.fileBytes + report.walBytes),
      target: '—',
      ratio: `projected ${mb(report.projectedBytes)} at full retention (${retention.dayDays} d of days)`,
      met: '—',
    });
    rows.push({
      measure: 'Bytes per raw check (table + index pages / rows)',
      result: `${num(checksLine.bytesPerRow ?? NaN, 1)} B`,
      target: '—',
      ratio: `payload ${num(rawPayload, 1)} B; the pre-0003 layout: ${num(before, 1)} B (same ${num(sampleRows)} newest checks)`,
      met: '—',
    });
    notes.push(
      'Tables at steady state: ' +
        report.tables
          .map((t) => `${t.table} ${num(t.rows)} rows, ${mb(t.bytes)}${t.bytesPerRow === null ? '' : ` (${num(t.bytesPerRow, 1)} B/row)`}`)
          .join('; ') +
        `. Storage page figures read in ${num(report.tookMs)} ms.`,
    );

    // Reads (the recording above filled the last minutes).
    const now = Date.now();
    const overview = timeIt(flags.queries, (i) => store.overview({ now: now + i }));
    const overviewJson = timeIt(flags.queries, (i) => JSON.stringify(presentOverview(store.overview({ now: now + i }), now + i)));
    rows.push({
      measure: `Overview verb, ${num(flags.sites)} sites (one statement over the rollups)`,
      result: `p50 ${ms(overview.p50)}, p95 ${ms(overview.p95)}`,
      target: 'p95 ≤ 50 ms',
      ratio: `+ JSON: p50 ${ms(overviewJson.p50)}, p95 ${ms(overviewJson.p95)}`,
      met: met(overviewJson.p95 <= 50),
    });
    const pick = (i: number) => sites[(i * 7919) % sites.length]!.id;
    const pages: Partial<Record<RangeKey, Summary>> = {};
    for (const range of ['24h', '7d', '30d', '90d', '1y'] as const) {
      pages[range] = timeIt(flags.queries, (i) => JSON.stringify(loadHistory(store, pick(i), range, now, retention)));
    }
    const sample = loadHistory(store, pick(1), '90d', now, retention);
    rows.push({
      measure: 'Site page data for 90 d (chart + 5 uptime windows + p50/p95/p99 + strip), + JSON',
      result: `p50 ${ms(pages['90d']!.p50)}, p95 ${ms(pages['90d']!.p95)}`,
      target: 'p95 ≤ 50 ms',
      ratio: `${sample.chart.t.length} points from ${sample.chart.source} rollups; 1 y p95 ${ms(pages['1y']!.p95)}`,
      met: met(pages['90d']!.p95 <= 50),
    });
    notes.push(
      'Site page data (+ JSON) by range, p50 / p95: ' +
        (Object.entries(pages) as [RangeKey, Summary][]).map(([r, s]) => `${r} ${ms(s.p50)} / ${ms(s.p95)}`).join('; ') +
        '.',
    );

    // The same through HTTP, when the app is built.
    const distDir = process.env.UPBEAT_DIST_DIR || '.next';
    const hasBuild = fs.existsSync(path.join(ROOT, distDir, 'BUILD_ID'));
    if (flags.http === true && !hasBuild) throw new Error(`--http: no build in ${distDir} (run the e2e tests or next build first)`);
    if (flags.http !== false && hasBuild) {
      log(`next start (${distDir}) against the generated database`);
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      const started = await startApp(file, distDir);
      app = started.app;
      const overviewHttp = await timeHttp(flags.queries, () => `${started.baseUrl}/api/overview`, started.headers);
      const pageHttp = await timeHttp(
        flags.queries,
        (i) => `${started.baseUrl}/api/sites/${pick(i)}/history?range=90d`,
        started.headers,
      );
      rows.push({
        measure: 'GET /api/overview over HTTP (next start, loopback)',
        result: `p50 ${ms(overviewHttp.p50)}, p95 ${ms(overviewHttp.p95)}`,
        target: 'p95 ≤ 50 ms',
        ratio: 'whole request, body read',
        met: met(overviewHttp.p95 <= 50),
      });
      rows.push({
        measure: 'GET /api/sites/{id}/history?range=90d over HTTP',
        result: `p50 ${ms(pageHttp.p50)}, p95 ${ms(pageHttp.p95)}`,
        target: 'p95 ≤ 50 ms',
        ratio: 'whole request, body read',
        met: met(pageHttp.p95 <= 50),
      });
    } else {
      notes.push(`HTTP not measured: ${hasBuild ? '--no-http' : `no build in ${distDir}`}.`);
    }
    rows.push({
      measure: 'Percentile error bound (histogram, γ = 1.08)',
      result: `${num(RELATIVE_ERROR * 100, 2)} %`,
      target: '≤ 5 %',
      ratio: 'proved per bucket; tested on random and heavy-tailed samples',
      met: met(RELATIVE_ERROR <= 0.05),
    });

    const head =
      `History benchmark: ${num(flags.sites)} sites, ${flags.days} days at one check every ${flags.intervalS} s ` +
      `(raw ${flags.rawDays} days through recordChecks${gen ? `: ${num(gen.rawChecks)} checks` : ''}; ` +
      `${gen ? `${num(gen.rollupDeltas)} ` : ''}hour/day rollups beyond through recordRollups), ` +
      `${os.cpus().length} CPUs, ${((performance.now() - started) / 60_000).toFixed(1)} min in all.`;
    const text = formatText(rows);
    console.log(`\n${head}\n\n${text}\n${notes.map((n) => `- ${n}`).join('\n')}`);
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.writeFileSync(
      path.join(OUTPUT, 'bench-history.md'),
      `# History benchmark\n\n${head}\n\n\`npm run bench:history -- ${process.argv.slice(2).join(' ')}\`\n\n` +
        `${formatMarkdown(rows)}\n${notes.map((n) => `- ${n}`).join('\n')}\n`,
    );
  } finally {
    if (app) await stopProcess(app);
    store.close();
    if (flags.isKeep || flags.db) log(`database kept: ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The data builder above is reused by other benchmarks (tests/bench/backup.ts); only run when started directly.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
