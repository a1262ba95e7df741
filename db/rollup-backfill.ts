import type { Db } from './connection';
import { RollupBatch, type RollupWriter } from './rollup-writer';

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
