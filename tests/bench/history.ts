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
import { type RollupDelta, type Store } from '../../db';
import { emptyRollup } from '../../db/rollups';
import { presentOverview } from '../../app/_server/present-overview';
import { readStorageReport } from '../../app/settings/storage/report';
import type { NewCheck } from '../../db/domain';
import { RELATIVE_ERROR, bucketOf, encodeCounts, newCounts } from '../../db/histogram';
import { loadHistory, type RangeKey } from '../../lib/history';
import { startPruner, type PrunePass } from '../../lib/monitor/pruner';
import { Recorder, type BatchInfo } from '../../lib/monitor/recorder';
import { DEFAULT_RETENTION, type Retention } from '../../db/retention';
import { delayOf } from './lib/delays';
import { startProcess, stopProcess, type Started } from './lib/proc';
import { summarize, type Summary } from './lib/stats';
import { formatMarkdown, formatText, ms, num, type Row } from './lib/table';
import { openAppStore } from '../../lib/store';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = path.join(ROOT, 'tests', 'output');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------------------
// Flags

export interface Flags {
  sites: number;
  days: number;
  rawDays: number;
  intervalS: number;
  pruneSeconds: number;
  rate: number;
  queries: number;
  http: boolean | null;
  db: string | null;
  isReuse: boolean;
  isKeep: boolean;
  isVacuum: boolean;
}

export function parseFlags(argv: readonly string[]): Flags {
  const known = new Set([
    '--sites', '--days', '--raw-days', '--interval', '--prune-seconds', '--rate', '--queries', '--http', '--no-http',
    '--db', '--reuse', '--keep', '--vacuum',
  ]);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown flag ${arg}`);
  const value = (name: string, fallback: number, min: number, max: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} takes a whole number ${min}-${max}`);
    return n;
  };
  const days = value('--days', 90, 1, 730);
  const intervalS = value('--interval', 60, 1, 3600);
  if (3600 % intervalS !== 0) throw new Error('--interval must divide 3600');
  const dbAt = argv.indexOf('--db');
  return {
    sites: value('--sites', 1000, 1, 20_000),
    days,
    rawDays: Math.min(days, value('--raw-days', DEFAULT_RETENTION.rawDays, 1, 365)),
    intervalS,
    pruneSeconds: value('--prune-seconds', 20, 1, 600),
    rate: value('--rate', 1000, 1, 20_000),
    queries: value('--queries', 60, 5, 10_000),
    http: argv.includes('--no-http') ? false : argv.includes('--http') ? true : null,
    db: dbAt === -1 ? null : path.resolve(argv[dbAt + 1] ?? ''),
    isReuse: argv.includes('--reuse'),
    isKeep: argv.includes('--keep'),
    isVacuum: argv.includes('--vacuum'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A site's synthetic latency

function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

const TABLE_SIZE = 1024;

/**
 * Each site: a base latency (20-300 ms, as the engine benchmark's targets), log-normal spread around it, 1 % of
 * checks 5-20× slower; drawn from a precomputed table so a year of hours costs array lookups, not logarithms.
 */
export interface SiteModel {
  id: number;
  totalsUs: Int32Array;
  buckets: Uint8Array;
  https: boolean;
  tlsExpiresAt: number;
  /** Where in each interval the site's checks fall, ms (the scheduler's offset, simplified). */
  offset: number;
}

function siteModel(id: number, index: number, now: number): SiteModel {
  const rnd = random(index * 7919 + 17);
  const base = delayOf(index) * 1000;
  const totals = new Int32Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) {
    const gauss = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const spike = rnd() < 0.01 ? 5 + rnd() * 15 : 1;
    totals[i] = Math.max(200, Math.round(base * Math.exp(0.25 * gauss) * spike));
  }
  return {
    id,
    totalsUs: totals,
    buckets: Uint8Array.from(totals, (us) => bucketOf(us)),
    https: index % 2 === 0,
    tlsExpiresAt: now + (30 + (index % 60)) * DAY,
    offset: (index * 7919) % MINUTE,
  };
}

const ISSUERS = ['R11', 'E6', 'Example Trust CA 2024', 'Sectigo RSA Domain Validation Secure Server CA'];

/** The phases of a total, µs → ms, in fixed shares (a plain-http site has no TLS). */
function timingsOf(totalUs: number, https: boolean) {
  const t = totalUs / 1000;
  const dns = t * 0.04;
  const connect = t * 0.12;
  const tls = https ? t * 0.2 : 0;
  const transfer = t * 0.02;
  return { dnsMs: dns, connectMs: connect, tlsMs: tls, ttfbMs: t - dns - connect - tls - transfer, transferMs: transfer, totalMs: t };
}

/** Whether a site is down at a time: about one outage of 5-60 min per site every ten days. */
function isDown(siteIndex: number, at: number): boolean {
  const slot = Math.floor(at / (10 * DAY));
  const rnd = random(siteIndex * 104_729 + slot * 15_485_863);
  const start = slot * 10 * DAY + Math.floor(rnd() * 10 * DAY);
  const length = (5 + Math.floor(rnd() * 55)) * MINUTE;
  return at >= start && at < start + length;
}

// ---------------------------------------------------------------------------------------------------------------
// Generation

export interface Generated {
  sites: SiteModel[];
  /** End of the generated history (exclusive), epoch ms. */
  end: number;
  rawChecks: number;
  rawSeconds: number;
  rollupDeltas: number;
  rollupSeconds: number;
}

function createSites(store: Store, n: number, days: number, now: number): SiteModel[] {
  const sites: SiteModel[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const https = i % 2 === 0;
      const site = store.createSite(
        {
          name: `site-${i}`,
          url: `${https ? 'https' : 'http'}://site-${i}.example.test/health`,
          method: 'GET',
          intervalSeconds: 60,
          timeoutMs: 10_000,
          expectedStatus: '200-399',
          followRedirects: true,
          headers: {},
          paused: false,
        },
        now - days * DAY,
      );
      sites.push(siteModel(site.id, i, now));
    }
  })();
  return sites;
}

/** Hour and day rollups of [from, to) written straight through recordRollups, one transaction per site. */
function writeRollups(store: Store, sites: readonly SiteModel[], from: number, to: number, intervalS: number): number {
  const perHour = 3600 / intervalS;
  let written = 0;
  sites.forEach((site, index) => {
    const rnd = random(index * 31 + 5);
    const deltas: RollupDelta[] = [];
    let day: RollupDelta | null = null;
    const dayCounts = newCounts();
    const closeDay = () => {
      if (!day) return;
      day.hist = encodeCounts(dayCounts);
      deltas.push(day);
      dayCounts.fill(0);
      day = null;
    };
    const hourCounts = newCounts();
    for (let t = from; t < to; t += HOUR) {
      const dayStart = Math.floor(t / DAY) * DAY;
      if (day && (day as RollupDelta).t !== dayStart) closeDay();
      day ??= emptyDelta(site.id, 'day', dayStart);
      const hour = emptyDelta(site.id, 'hour', t);
      hourCounts.fill(0);
      for (let k = 0; k < perHour; k++) {
        const at = t + k * intervalS * 1000 + (site.offset % (intervalS * 1000));
        hour.checks++;
        if (isDown(index, at)) continue;
        const i = Math.floor(rnd() * TABLE_SIZE);
        const us = site.totalsUs[i]!;
        const ph = timingsOf(us, site.https);
        hour.up++;
        hour.latSumUs += us;
        hour.latMinUs = hour.latMinUs === null ? us : Math.min(hour.latMinUs, us);
        hour.latMaxUs = hour.latMaxUs === null ? us : Math.max(hour.latMaxUs, us);
        hour.dnsSumUs += Math.round(ph.dnsMs * 1000);
        hour.connectSumUs += Math.round(ph.connectMs * 1000);
        hour.tlsSumUs += Math.round(ph.tlsMs * 1000);
        hour.ttfbSumUs += Math.round(ph.ttfbMs * 1000);
        hour.transferSumUs += Math.round(ph.transferMs * 1000);
        hourCounts[site.buckets[i]!]!++;
      }
      hour.hist = encodeCounts(hourCounts);
      for (let b = 0; b < hourCounts.length; b++) dayCounts[b]! += hourCounts[b]!;
      const d: RollupDelta = day;
      d.checks += hour.checks;
      d.up += hour.up;
      d.latSumUs += hour.latSumUs;
      if (hour.latMinUs !== null) d.latMinUs = d.latMinUs === null ? hour.latMinUs : Math.min(d.latMinUs, hour.latMinUs);
      if (hour.latMaxUs !== null) d.latMaxUs = d.latMaxUs === null ? hour.latMaxUs : Math.max(d.latMaxUs, hour.latMaxUs);
      d.dnsSumUs += hour.dnsSumUs;
      d.connectSumUs += hour.connectSumUs;
      d.tlsSumUs += hour.tlsSumUs;
      d.ttfbSumUs += hour.ttfbSumUs;
      d.transferSumUs += hour.transferSumUs;
      deltas.push(hour);
    }
    closeDay();
    written += store.recordRollups(deltas);
  });
  return written;
}

function emptyDelta(siteId: number, tier: 'hour' | 'day', t: number): RollupDelta {
  return { ...emptyRollup(t), siteId, tier };
}

/** One result of a site at a time, as the probe would have reported it. */
function checkOf(site: SiteModel, index: number, at: number, rnd: () => number): NewCheck {
  const i = Math.floor(rnd() * TABLE_SIZE);
  const down = isDown(index, at);
  const timings = down
    ? { dnsMs: 1, connectMs: 0, tlsMs: 0, ttfbMs: 9_999, transferMs: 0, totalMs: 10_000 }
    : timingsOf(site.totalsUs[i]!, site.https);
  return {
    siteId: site.id,
    checkedAt: at,
    ok: !down,
    statusCode: down ? null : 200,
    timings,
    error: down ? { kind: 'timeout', message: 'timed out after 10000 ms waiting for the response' } : null,
    lagMs: Math.floor(rnd() * 4),
    tlsExpiresAt: site.https && !down ? site.tlsExpiresAt : null,
    tlsIssuer: site.https && !down ? ISSUERS[site.id % ISSUERS.length]! : null,
  };
}

/**
 * Raw checks of every site over [from, to) through recordChecks, the checker's own write path: in chunks of
 * `chunkMs`, one batch per site and chunk. (The checker's batches hold many sites and a check or two of each;
 * writing a site's chunk at once touches the same rows in the same order, in far fewer pages per check, which is
 * what keeps ten million checks to minutes here. The recorder's cost with real batches is measured separately.)
 * Returns checks written and the seconds spent inside recordChecks.
 */
function writeRaw(
  store: Store,
  sites: readonly SiteModel[],
  from: number,
  to: number,
  intervalS: number,
  chunkMs = 6 * HOUR,
  progress?: (done: number, total: number) => void,
): { checks: number; seconds: number } {
  const step = intervalS * 1000;
  const rnd = random(from % 100_000);
  let checks = 0;
  let busy = 0;
  const total = Math.ceil((to - from) / chunkMs);
  let n = 0;
  for (let chunk = from; chunk < to; chunk += chunkMs, n++) {
    const chunkEnd = Math.min(to, chunk + chunkMs);
    sites.forEach((site, index) => {
      const batch: NewCheck[] = [];
      for (let t = Math.floor(chunk / step) * step; t < chunkEnd; t += step) {
        const at = t + (site.offset % step);
        if (at >= chunk && at < chunkEnd) batch.push(checkOf(site, index, at, rnd));
      }
      const t0 = performance.now();
      checks += store.recordChecks(batch).recorded;
      busy += performance.now() - t0;
    });
    progress?.(n, total);
  }
  return { checks, seconds: busy / 1000 };
}

export function generate(store: Store, flags: Flags, log: (line: string) => void): Generated {
  const now = Date.now();
  const end = Math.floor(now / MINUTE) * MINUTE;
  const rawFrom = end - flags.rawDays * DAY;
  const from = Math.floor((end - flags.days * DAY) / HOUR) * HOUR;
  const sites = createSites(store, flags.sites, flags.days, now);
  log(`${flags.sites} sites; hour and day rollups for ${flags.days - flags.rawDays} days beyond the raw window`);
  let t0 = performance.now();
  const rollupDeltas = writeRollups(store, sites, from, Math.floor(rawFrom / HOUR) * HOUR, flags.intervalS);
  const rollupSeconds = (performance.now() - t0) / 1000;
  log(`  ${num(rollupDeltas)} rollup rows in ${rollupSeconds.toFixed(1)} s`);
  // The hour the raw window starts in is written by the raw checks themselves (rollups merge).
  log(`raw checks for ${flags.rawDays} days through recordChecks (${num((flags.rawDays * DAY) / (flags.intervalS * 1000) * flags.sites)} checks)`);
  t0 = performance.now();
  let lastLog = t0;
  const raw = writeRaw(store, sites, Math.floor(rawFrom / HOUR) * HOUR, end, flags.intervalS, 6 * HOUR, (done, total) => {
    if (performance.now() - lastLog < 15_000) return;
    lastLog = performance.now();
    log(`  ${((done / total) * 100).toFixed(0)} % after ${((lastLog - t0) / 1000).toFixed(0)} s`);
  });
  log(`  ${num(raw.checks)} checks in ${((performance.now() - t0) / 1000).toFixed(1)} s (${raw.seconds.toFixed(1)} s in recordChecks)`);
  return { sites, end, rawChecks: raw.checks, rawSeconds: raw.seconds, rollupDeltas, rollupSeconds };
}

/** Records the minutes since the history's end, so reads at the wall clock find a full last hour. */
function topUp(store: Store, sites: readonly SiteModel[], since: number, intervalS: number): number {
  const now = Date.now();
  if (now <= since) return since;
  writeRaw(store, sites, since, now, intervalS, HOUR);
  return now;
}

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
    [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
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
      ready: /Ready in|started server|Local:/i,
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
