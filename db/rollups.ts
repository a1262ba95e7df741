import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';
import type { RollupTier } from './retention';
import { ROLLUP_TABLE as TABLE, type RollupDelta, type RollupRow } from './rollup-types';
import { RollupBatch, type RollupWriter } from './rollup-writer';
import { HISTORY_TABLES, measureStorage, type HistoryTable, type StorageFigures } from './storage-figures';

export * from './rollup-types';
export * from './minute-detail';
export * from './rollup-writer';
export * from './rollup-backfill';
export * from './storage-figures';

/**
 * Rollups: per site, per minute, hour and day, what the checks in that bucket add up to (see
 * migrations/0003_rollups.sql for the columns and db/histogram.ts for the latency histogram). Written only
 * through `RollupBatch` + `RollupWriter` (rollup-writer.ts), the one merge path shared by the recorder (raw checks
 * in, all three tiers updated in the same transaction) and `recordRollups` (history written straight into one
 * tier, for imports and the benchmark). This file holds the verbs: reads, imports and the pruner's batched
 * deletes; the minute-detail codec, the backfill and the storage figures live beside it.
 */

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
