/**
 * The synthetic history of `npm run bench:history` (and of tests/bench/backup.ts, which builds on it): sites with
 * a seeded latency model and outages, raw checks for the raw window through the checker's verbs, hour and day
 * rollups beyond it, and the flags that size it.
 */
import path from 'node:path';
import { type RollupDelta, type Store } from '../../../db';
import { emptyRollup } from '../../../db/rollups';
import type { NewCheck } from '../../../db/domain';
import { bucketOf, encodeCounts, newCounts } from '../../../db/histogram';
import { DEFAULT_RETENTION } from '../../../db/retention';
import { delayOf } from './delays';
import { num } from './table';

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

export function random(seed: number) {
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

export function siteModel(id: number, index: number, now: number): SiteModel {
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
export function checkOf(site: SiteModel, index: number, at: number, rnd: () => number): NewCheck {
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
export function topUp(store: Store, sites: readonly SiteModel[], since: number, intervalS: number): number {
  const now = Date.now();
  if (now <= since) return since;
  writeRaw(store, sites, since, now, intervalS, HOUR);
  return now;
}

