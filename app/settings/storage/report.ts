import type { HistoryTable, Store } from '@/db';
import { MINUTE_DETAIL_HOURS, steadyRowsPerSite, type Retention, type Tier } from '@/db/retention';

/**
 * What the storage page shows, read on the server: the database's size on disk, each history table's rows and
 * bytes, the retention in force, and what the database settles at for the sites as they are now.
 */

const TABLE_OF: Record<Tier, HistoryTable> = {
  raw: 'checks',
  minute: 'rollup_minute',
  hour: 'rollup_hour',
  day: 'rollup_day',
};

export const TABLE_LABELS: Record<HistoryTable | 'other', string> = {
  checks: 'Raw checks',
  rollup_minute: 'Minute rollups',
  rollup_hour: 'Hour rollups',
  rollup_day: 'Day rollups',
  rollup_hour_minutes: 'Minute detail of the last day',
  check_tls: 'Certificates seen',
  other: 'Sites and settings',
};

/**
 * Bytes a row takes (its share of table and index pages) when a table holds too few rows to measure: figures
 * from `npm run bench:history` (1,000 sites, one-minute checks).
 */
export const NOMINAL_BYTES_PER_ROW: Record<Tier | 'detail', number> = { raw: 70, minute: 55, hour: 95, day: 125, detail: 600 };
/** Fewer rows than this and a table's own bytes per row say more about its empty pages than about its rows. */
const MIN_ROWS_TO_MEASURE = 2000;

export interface TableLine {
  table: HistoryTable | 'other';
  rows: number;
  bytes: number;
  /** Null when the table is empty. */
  bytesPerRow: number | null;
}

export interface ProjectionLine {
  table: HistoryTable;
  rows: number;
  bytesPerRow: number;
  /** True when bytesPerRow was measured on this database; false when nominal. */
  isMeasured: boolean;
  bytes: number;
}

export interface StorageReport {
  fileBytes: number;
  walBytes: number;
  freeBytes: number;
  tables: TableLine[];
  retention: Retention;
  activeSites: number;
  projection: ProjectionLine[];
  /** The projected tables plus everything else as it is now. */
  projectedBytes: number;
  /** How long reading the figures took, ms (dbstat reads every page, in a worker thread). */
  tookMs: number;
}

export async function readStorageReport(store: Store, retention: Retention): Promise<StorageReport> {
  const started = performance.now();
  const figures = await store.measureStorage();
  const tables: TableLine[] = figures.tables.map((t) => ({
    table: t.table,
    rows: t.rows,
    bytes: t.bytes,
    bytesPerRow: t.rows > 0 ? t.bytes / t.rows : null,
  }));
  const byTable = new Map(tables.map((t) => [t.table, t]));
  const active = store.listSites().filter((s) => !s.paused);
  const rows: Record<Tier | 'detail', number> = { raw: 0, minute: 0, hour: 0, day: 0, detail: 0 };
  for (const site of active) {
    for (const { tier, rows: n } of steadyRowsPerSite(retention, site.intervalSeconds)) rows[tier] += n;
    rows.detail += MINUTE_DETAIL_HOURS + 1;
  }
  const projection = (['raw', 'minute', 'hour', 'day', 'detail'] as const).map((tier): ProjectionLine => {
    const table = tier === 'detail' ? 'rollup_hour_minutes' : TABLE_OF[tier];
    const measured = byTable.get(table);
    const isMeasured = (measured?.rows ?? 0) >= MIN_ROWS_TO_MEASURE && measured?.bytesPerRow != null;
    const bytesPerRow = isMeasured ? measured!.bytesPerRow! : NOMINAL_BYTES_PER_ROW[tier];
    return { table, rows: Math.round(rows[tier]), bytesPerRow, isMeasured, bytes: rows[tier] * bytesPerRow };
  });
  const rest = (byTable.get('check_tls')?.bytes ?? 0) + (byTable.get('other')?.bytes ?? 0);
  return {
    fileBytes: figures.fileBytes,
    walBytes: figures.walBytes,
    freeBytes: figures.freePages * figures.pageSize,
    tables,
    retention,
    activeSites: active.length,
    projection,
    projectedBytes: projection.reduce((a, p) => a + p.bytes, 0) + rest,
    tookMs: performance.now() - started,
  };
}

export { formatBytes } from '@/lib/format-bytes';
