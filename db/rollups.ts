import { Worker } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';
import { addEncoded, bucketOf, encodeCounts, encodeSortedBuckets, mergeEncoded, newCounts } from '../lib/histogram';
import { TIER_MS, type RollupTier } from '../lib/retention';

/**
 * Rollups: per site, per minute, hour and day, what the checks in that bucket add up to (see
 * migrations/0003_rollups.sql for the columns and lib/histogram.ts for the latency histogram). Written only
 * through `RollupBatch` + `RollupWriter`, the one merge path shared by the recorder (raw checks in, all three
 * tiers updated in the same transaction) and `recordRollups` (history written straight into one tier, for
 * imports and the benchmark). Also here: the pruner's batched deletes and the storage figures, the other two
 * things that look at every table of history at once.
 */

const TABLE: Record<RollupTier, string> = { minute: 'rollup_minute', hour: 'rollup_hour', day: 'rollup_day' };

/** One rollup bucket as read back. Latencies are µs and cover the passed checks only. */
export interface RollupRow {
  /** Bucket start, epoch ms. */
  t: number;
  checks: number;
  up: number;
  latSumUs: number;
  /** Null while no check in the bucket passed. */
  latMinUs: number | null;
  latMaxUs: number | null;
  dnsSumUs: number;
  connectSumUs: number;
  tlsSumUs: number;
  ttfbSumUs: number;
  transferSumUs: number;
  /** The latency histogram blob (lib/histogram.ts). */
  hist: Uint8Array;
}

/** A bucket with nothing in it yet (tests and the history benchmark build theirs from this). */
export function emptyRollup(t: number): RollupRow {
  return {
    t,
    checks: 0,
    up: 0,
    latSumUs: 0,
    latMinUs: null,
    latMaxUs: null,
    dnsSumUs: 0,
    connectSumUs: 0,
    tlsSumUs: 0,
    ttfbSumUs: 0,
    transferSumUs: 0,
    hist: new Uint8Array(0),
  };
}

/** What one bucket gains: the same fields, for a site and a tier. */
export interface RollupDelta extends RollupRow {
  siteId: number;
  tier: RollupTier;
}

/** The phases of one passed check, µs, as the recorder stores them. */
export interface CheckLatency {
  dnsUs: number;
  connectUs: number;
  tlsUs: number;
  ttfbUs: number;
  transferUs: number;
  totalUs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Minute detail of recent hours (MINUTE_DETAIL_HOURS in lib/retention.ts says why)

export const MINUTES_PER_HOUR = 60;

/**
 * Per-minute checks, passes and the passes' latency sum (µs) of one hour, dense: index minute × 3 + field.
 * Encoded as the non-empty minutes only, ascending: (minute: 1 byte, checks, up, latency sum: unsigned LEB128
 * varints) — about 7 bytes a minute for a site checked once a minute.
 */
export type MinuteCounts = Float64Array;

export const newMinuteCounts = (): MinuteCounts => new Float64Array(MINUTES_PER_HOUR * 3);

function pushVarint(out: number[], v: number): void {
  let c = v;
  while (c >= 128) {
    out.push((c % 128) | 128);
    c = Math.floor(c / 128);
  }
  out.push(c);
}

export function encodeMinutes(m: MinuteCounts): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < MINUTES_PER_HOUR; i++) {
    if (m[i * 3]! <= 0) continue;
    out.push(i);
    pushVarint(out, m[i * 3]!);
    pushVarint(out, m[i * 3 + 1]!);
    pushVarint(out, m[i * 3 + 2]!);
  }
  return Uint8Array.from(out);
}

/** Adds an encoded block into dense counts; a malformed tail is ignored. */
export function addMinutes(into: MinuteCounts, blob: Uint8Array | null | undefined): void {
  if (!blob) return;
  let at = 0;
  const n = blob.length;
  const next = (): number => {
    let v = 0;
    let scale = 1;
    let byte = 128;
    while (at < n && byte >= 128) {
      byte = blob[at++]!;
      v += (byte & 127) * scale;
      scale *= 128;
    }
    return byte >= 128 ? NaN : v;
  };
  while (at < n) {
    const minute = blob[at++]!;
    const checks = next();
    const up = next();
    const sum = next();
    if (Number.isNaN(sum) || minute >= MINUTES_PER_HOUR) return;
    into[minute * 3]! += checks;
    into[minute * 3 + 1]! += up;
    into[minute * 3 + 2]! += sum;
  }
}

export function mergeMinutes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): Uint8Array | null {
  if (!a || a.length === 0) return b ?? null;
  if (!b || b.length === 0) return a;
  const m = newMinuteCounts();
  addMinutes(m, a);
  addMinutes(m, b);
  return encodeMinutes(m);
}

interface Group {
  siteId: number;
  t: number;
  checks: number;
  up: number;
  latSum: number;
  latMin: number | null;
  latMax: number | null;
  dns: number;
  connect: number;
  tls: number;
  ttfb: number;
  transfer: number;
  /** Histogram buckets of passed checks added one by one (the recorder's case: a few per group). */
  buckets: number[];
  /** Whole histograms added (recordRollups, backfill). */
  blobs: Uint8Array[];
  /** Hour groups of recent hours: the minute detail (see MINUTE_DETAIL_HOURS). */
  minutes: MinuteCounts | null;
}

function newGroup(siteId: number, t: number): Group {
  return {
    siteId,
    t,
    checks: 0,
    up: 0,
    latSum: 0,
    latMin: null,
    latMax: null,
    dns: 0,
    connect: 0,
    tls: 0,
    ttfb: 0,
    transfer: 0,
    buckets: [],
    blobs: [],
    minutes: null,
  };
}

function histOf(g: Group): Uint8Array {
  if (g.blobs.length === 0) {
    // The common case (the recorder: a handful of checks per group): no dense array.
    if (g.buckets.length > 1) g.buckets.sort((x, y) => x - y);
    return encodeSortedBuckets(g.buckets);
  }
  if (g.blobs.length === 1 && g.buckets.length === 0) return g.blobs[0]!;
  const counts = newCounts();
  for (const b of g.blobs) addEncoded(counts, b);
  for (const b of g.buckets) counts[b]!++;
  return encodeCounts(counts);
}

/**
 * Merges what a batch adds to each (tier, site, bucket) in memory first, so a batch of 500 checks of 500 sites
 * costs one upsert per site and tier, and 60 checks of one site in one minute cost one.
 */
export class RollupBatch {
  readonly groups: Record<RollupTier, Map<string, Group>> = { minute: new Map(), hour: new Map(), day: new Map() };

  private group(tier: RollupTier, siteId: number, t: number): Group {
    const key = `${siteId}:${t}`;
    const map = this.groups[tier];
    let g = map.get(key);
    if (!g) {
      g = newGroup(siteId, t);
      map.set(key, g);
    }
    return g;
  }

  /** One raw check into all three tiers. `latency` only for a check that passed. */
  addCheck(siteId: number, checkedAt: number, latency: CheckLatency | null): void {
    const bucket = latency ? bucketOf(latency.totalUs) : -1;
    for (const tier of ['minute', 'hour', 'day'] as const) {
      const step = TIER_MS[tier];
      const g = this.group(tier, siteId, Math.floor(checkedAt / step) * step);
      g.checks++;
      if (tier === 'hour') {
        g.minutes ??= newMinuteCounts();
        const i = Math.floor((checkedAt - g.t) / 60_000) * 3;
        g.minutes[i]!++;
        if (latency) {
          g.minutes[i + 1]!++;
          g.minutes[i + 2]! += latency.totalUs;
        }
      }
      if (!latency) continue;
      g.up++;
      g.latSum += latency.totalUs;
      if (g.latMin === null || latency.totalUs < g.latMin) g.latMin = latency.totalUs;
      if (g.latMax === null || latency.totalUs > g.latMax) g.latMax = latency.totalUs;
      g.dns += latency.dnsUs;
      g.connect += latency.connectUs;
      g.tls += latency.tlsUs;
      g.ttfb += latency.ttfbUs;
      g.transfer += latency.transferUs;
      g.buckets.push(bucket);
    }
  }

  /** A whole bucket's figures into one tier (its `t` is aligned down to the tier's bucket). */
  addDelta(d: RollupDelta): void {
    const step = TIER_MS[d.tier];
    const g = this.group(d.tier, d.siteId, Math.floor(d.t / step) * step);
    g.checks += d.checks;
    g.up += d.up;
    g.latSum += d.latSumUs;
    if (d.latMinUs !== null && (g.latMin === null || d.latMinUs < g.latMin)) g.latMin = d.latMinUs;
    if (d.latMaxUs !== null && (g.latMax === null || d.latMaxUs > g.latMax)) g.latMax = d.latMaxUs;
    g.dns += d.dnsSumUs;
    g.connect += d.connectSumUs;
    g.tls += d.tlsSumUs;
    g.ttfb += d.ttfbSumUs;
    g.transfer += d.transferSumUs;
    if (d.hist.length > 0) g.blobs.push(d.hist);
  }

  get size(): number {
    return this.groups.minute.size + this.groups.hour.size + this.groups.day.size;
  }

}

const asBuffer = (u8: Uint8Array): Buffer =>
  Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

/** Names of the SQL functions the upserts merge blobs with (registered on each connection). */
const MERGE_FN = 'upbeat_hist_merge';
const MERGE_MINUTES_FN = 'upbeat_minutes_merge';

export interface RollupWriter {
  /** Upserts every group of the batch, merging with what each bucket already holds. Call inside a transaction. */
  apply(batch: RollupBatch): void;
}

export function createRollupWriter(db: Db): RollupWriter {
  db.function(MERGE_FN, { deterministic: true }, (a: unknown, b: unknown) =>
    asBuffer(mergeEncoded(a as Uint8Array | null, b as Uint8Array | null)),
  );
  db.function(MERGE_MINUTES_FN, { deterministic: true }, (a: unknown, b: unknown) =>
    asBuffer(mergeMinutes(a as Uint8Array | null, b as Uint8Array | null) ?? new Uint8Array(0)),
  );
  const upserts = {} as Record<RollupTier, Statement>;
  for (const tier of ['minute', 'hour', 'day'] as const) {
    upserts[tier] = db.prepare(
      `INSERT INTO ${TABLE[tier]} (site_id, t, checks, up, lat_sum, lat_min, lat_max, dns_sum, connect_sum, tls_sum,
         ttfb_sum, transfer_sum, hist)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site_id, t) DO UPDATE SET
         checks = checks + excluded.checks,
         up = up + excluded.up,
         lat_sum = lat_sum + excluded.lat_sum,
         lat_min = CASE WHEN lat_min IS NULL OR excluded.lat_min < lat_min THEN excluded.lat_min ELSE lat_min END,
         lat_max = CASE WHEN lat_max IS NULL OR excluded.lat_max > lat_max THEN excluded.lat_max ELSE lat_max END,
         dns_sum = dns_sum + excluded.dns_sum,
         connect_sum = connect_sum + excluded.connect_sum,
         tls_sum = tls_sum + excluded.tls_sum,
         ttfb_sum = ttfb_sum + excluded.ttfb_sum,
         transfer_sum = transfer_sum + excluded.transfer_sum,
         hist = ${MERGE_FN}(hist, excluded.hist)`,
    );
  }
  const upsertMinutes = db.prepare<[number, number, Buffer]>(
    `INSERT INTO rollup_hour_minutes (site_id, t, minutes) VALUES (?, ?, ?)
     ON CONFLICT (site_id, t) DO UPDATE SET minutes = ${MERGE_MINUTES_FN}(minutes, excluded.minutes)`,
  );
  return {
    apply(batch) {
      for (const tier of ['minute', 'hour', 'day'] as const) {
        const upsert = upserts[tier];
        for (const g of batch.groups[tier].values()) {
          upsert.run(
            g.siteId,
            g.t,
            g.checks,
            g.up,
            g.latSum,
            g.latMin,
            g.latMax,
            g.dns,
            g.connect,
            g.tls,
            g.ttfb,
            g.transfer,
            asBuffer(histOf(g)),
          );
          // Every raw check adds to its hour's minute detail, so the detail always sums to the hour; the pruner
          // deletes it once the hour is past MINUTE_DETAIL_HOURS.
          if (tier === 'hour' && g.minutes) upsertMinutes.run(g.siteId, g.t, asBuffer(encodeMinutes(g.minutes)));
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Backfill: raw rows recorded before the rollups existed (migration 0003 leaves the mark).

const BACKFILL_KEY = 'rollup_backfill_below';
const BACKFILL_CHUNK = 20_000;

/**
 * Adds the rollups of raw rows written before migration 0003, a chunk of ids per short immediate transaction
 * (so two processes opening the database together share the work instead of doing it twice). A no-op once
 * done. Returns the rows it rolled up.
 */
export function backfillRollups(db: Db, writer: RollupWriter): number {
  const mark = db.prepare<[], { value: number }>(`SELECT value FROM meta WHERE key = '${BACKFILL_KEY}'`);
  if (!mark.get()) return 0;
  const setMark = db.prepare<[number]>(`UPDATE meta SET value = ? WHERE key = '${BACKFILL_KEY}'`);
  const clearMark = db.prepare(`DELETE FROM meta WHERE key = '${BACKFILL_KEY}'`);
  const rows = db
    .prepare<[number, number], [number, number, number, number, number, number, number, number, number]>(
      `SELECT site_id, checked_at, ok, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us
       FROM checks WHERE id >= ? AND id < ?`,
    )
    .raw(true);
  let done = 0;
  const step = db.transaction((): boolean => {
    const below = mark.get()?.value;
    if (below === undefined) return false;
    const from = Math.max(1, below - BACKFILL_CHUNK);
    const batch = new RollupBatch();
    for (const r of rows.iterate(from, below)) {
      batch.addCheck(
        r[0],
        r[1],
        r[2] === 1
          ? { dnsUs: r[3], connectUs: r[4], tlsUs: r[5], ttfbUs: r[6], transferUs: r[7], totalUs: r[8] }
          : null,
      );
      done++;
    }
    writer.apply(batch);
    if (from <= 1) clearMark.run();
    else setMark.run(from);
    return from > 1;
  });
  while (step.immediate()) {
    // one chunk per transaction
  }
  return done;
}

// ---------------------------------------------------------------------------------------------------------------
// Verbs

type RollupTuple = [
  number,
  number,
  number,
  number,
  number | null,
  number | null,
  number,
  number,
  number,
  number,
  number,
  Buffer,
];

/** The tables the storage page reports, in the order it lists them. */
export const HISTORY_TABLES = [
  'checks',
  'rollup_minute',
  'rollup_hour',
  'rollup_day',
  'rollup_hour_minutes',
  'check_tls',
] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];

export interface TableSize {
  table: HistoryTable | 'other';
  rows: number;
  /** Pages of the table and its indexes, bytes (free space inside the pages included). */
  bytes: number;
  /** Bytes of the rows themselves (cell payload), without page overhead. */
  payloadBytes: number;
}

export interface StorageFigures {
  /** The main database file, bytes. */
  fileBytes: number;
  /** The write-ahead log beside it, bytes. */
  walBytes: number;
  pageSize: number;
  freePages: number;
  tables: TableSize[];
}

export interface RollupVerbs {
  /**
   * Writes whole buckets of history straight into the rollup tiers, merged with what they hold, in one
   * transaction: the way to import history older than the raw window (and the benchmark's way to make a year).
   * Deltas of sites that no longer exist are dropped. Returns the deltas written.
   */
  recordRollups(deltas: readonly RollupDelta[]): number;
  /** One site's buckets of a tier whose start lies in [from, to), oldest first. */
  rollupsBetween(siteId: number, tier: RollupTier, from: number, to: number): RollupRow[];
  /**
   * Deletes at most `limit` raw checks that started before `cutoff`, in one short statement; each site's newest
   * check is kept whatever its age (the site list shows it, and the state machine compares against it).
   * Returns the rows deleted: fewer than `limit` means nothing more is due.
   */
  pruneChecks(cutoff: number, limit: number): number;
  /** Deletes at most `limit` rollup buckets of a tier that start before `cutoff`. */
  pruneRollups(tier: RollupTier, cutoff: number, limit: number): number;
  /** Deletes at most `limit` hours of minute detail that start before `cutoff` (see MINUTE_DETAIL_HOURS). */
  pruneMinuteDetail(cutoff: number, limit: number): number;
  /** Deletes certificate entries no check newer than `cutoff` uses (and no site's newest check). */
  pruneTlsEntries(cutoff: number, limit: number): number;
  /** Rows per table. Counts whole tables (seconds on a big file): tests and maintenance, never a request. */
  countRows(): Record<HistoryTable, number>;
  /**
   * File sizes, rows per table and each table's share of the pages (SQLite's dbstat), measured on a read-only
   * connection in a worker thread: it reads every page of the file (seconds on a GB), which must not stall this
   * process's event loop (the web server's, or the checker's).
   */
  measureStorage(): Promise<StorageFigures>;
}

export function createRollupVerbs(db: Db, writer: RollupWriter): RollupVerbs {
  const siteExists = db.prepare<[number], { id: number }>(`SELECT id FROM sites WHERE id = ?`);
  const recordTx = db.transaction((deltas: readonly RollupDelta[]): number => {
    const known = new Map<number, boolean>();
    const batch = new RollupBatch();
    let written = 0;
    for (const d of deltas) {
      let exists = known.get(d.siteId);
      if (exists === undefined) {
        exists = siteExists.get(d.siteId) !== undefined;
        known.set(d.siteId, exists);
      }
      if (!exists) continue;
      batch.addDelta(d);
      written++;
    }
    writer.apply(batch);
    return written;
  });

  const between = {} as Record<RollupTier, Statement>;
  const prune = {} as Record<RollupTier, Statement>;
  for (const tier of ['minute', 'hour', 'day'] as const) {
    between[tier] = db
      .prepare(
        `SELECT t, checks, up, lat_sum, lat_min, lat_max, dns_sum, connect_sum, tls_sum, ttfb_sum, transfer_sum, hist
         FROM ${TABLE[tier]} WHERE site_id = ? AND t >= ? AND t < ? ORDER BY t`,
      )
      .raw(true);
    // Sites drive the loop (CROSS JOIN keeps that order): each is one seek into its own slice of the key, so a
    // batch costs the rows it deletes plus one probe per site, never a scan of the table.
    prune[tier] = db.prepare(
      `DELETE FROM ${TABLE[tier]} WHERE (site_id, t) IN (
         SELECT r.site_id, r.t FROM sites s CROSS JOIN ${TABLE[tier]} r
         WHERE r.site_id = s.id AND r.t < ? LIMIT ?)`,
    );
  }
  const pruneDetail = db.prepare<[number, number]>(
    `DELETE FROM rollup_hour_minutes WHERE (site_id, t) IN (
       SELECT r.site_id, r.t FROM sites s CROSS JOIN rollup_hour_minutes r WHERE r.site_id = s.id AND r.t < ? LIMIT ?)`,
  );
  const pruneRaw = db.prepare<[number, number]>(
    `DELETE FROM checks WHERE id IN (
       SELECT c.id FROM sites s CROSS JOIN checks c
       WHERE c.site_id = s.id AND c.checked_at < ? AND c.id IS NOT s.last_check_id LIMIT ?)`,
  );
  const pruneTls = db.prepare<[number, number]>(
    `DELETE FROM check_tls WHERE id IN (
       SELECT id FROM check_tls WHERE seen_at < ?
         AND id NOT IN (SELECT c.tls_id FROM sites s JOIN checks c ON c.id = s.last_check_id WHERE c.tls_id IS NOT NULL)
       LIMIT ?)`,
  );
  const counts = Object.fromEntries(
    HISTORY_TABLES.map((table) => [table, db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`)]),
  ) as Record<HistoryTable, Statement<[], { n: number }>>;

  return {
    recordRollups: (deltas) => (deltas.length === 0 ? 0 : recordTx(deltas)),
    rollupsBetween(siteId, tier, from, to) {
      const rows = between[tier].all(siteId, from, to) as RollupTuple[];
      const out: RollupRow[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        out[i] = {
          t: r[0],
          checks: r[1],
          up: r[2],
          latSumUs: r[3],
          latMinUs: r[4],
          latMaxUs: r[5],
          dnsSumUs: r[6],
          connectSumUs: r[7],
          tlsSumUs: r[8],
          ttfbSumUs: r[9],
          transferSumUs: r[10],
          hist: r[11],
        };
      }
      return out;
    },
    pruneChecks: (cutoff, limit) => pruneRaw.run(cutoff, limit).changes,
    pruneRollups: (tier, cutoff, limit) => prune[tier].run(cutoff, limit).changes,
    pruneTlsEntries: (cutoff, limit) => pruneTls.run(cutoff, limit).changes,
    pruneMinuteDetail: (cutoff, limit) => pruneDetail.run(cutoff, limit).changes,
    countRows: () =>
      Object.fromEntries(HISTORY_TABLES.map((t) => [t, counts[t].get()?.n ?? 0])) as Record<HistoryTable, number>,
    measureStorage: () => measureStorage(db.name),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Storage figures, in a worker thread

/**
 * The worker's code: plain JavaScript run with `eval` (so it needs no build step of its own and nothing of it is
 * bundled), resolving better-sqlite3 from the project's node_modules like the server does.
 */
const STORAGE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require('better-sqlite3');
const { file, tables } = workerData;
const db = new Database(file, { readonly: true, fileMustExist: true });
try {
  db.pragma('busy_timeout = 5000');
  const owner = new Map(db.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all()
    .map((r) => [r.name, r.tbl_name]));
  const sizes = new Map();
  for (const p of db.prepare("SELECT name, sum(pgsize) AS bytes, sum(payload) AS payload FROM dbstat('main', 1) GROUP BY name").all()) {
    const table = owner.get(p.name) || p.name;
    const key = tables.includes(table) ? table : 'other';
    const size = sizes.get(key) || { table: key, rows: 0, bytes: 0, payloadBytes: 0 };
    size.bytes += p.bytes;
    size.payloadBytes += p.payload;
    sizes.set(key, size);
  }
  for (const t of tables) {
    const size = sizes.get(t) || { table: t, rows: 0, bytes: 0, payloadBytes: 0 };
    size.rows = db.prepare('SELECT count(*) AS n FROM ' + t).get().n;
    sizes.set(t, size);
  }
  const sizeOf = (f) => { try { return fs.statSync(f).size; } catch { return 0; } };
  parentPort.postMessage({
    fileBytes: sizeOf(file),
    walBytes: sizeOf(file + '-wal'),
    pageSize: db.pragma('page_size', { simple: true }),
    freePages: db.pragma('freelist_count', { simple: true }),
    tables: [...tables, 'other'].map((t) => sizes.get(t) || { table: t, rows: 0, bytes: 0, payloadBytes: 0 }),
  });
} finally {
  db.close();
}
`;

function measureStorage(file: string): Promise<StorageFigures> {
  if (file === ':memory:' || file === '') return Promise.reject(new Error('an in-memory database has no file to measure'));
  return new Promise((resolve, reject) => {
    const worker = new Worker(STORAGE_WORKER, { eval: true, workerData: { file, tables: HISTORY_TABLES } });
    worker.once('message', (figures: StorageFigures) => resolve(figures));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the storage worker exited with ${code}`));
    });
  });
}
