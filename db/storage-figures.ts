import { Worker } from 'node:worker_threads';

/** Storage figures: file sizes and each history table's share of the pages, measured in a worker thread. */

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

/** Measures the database `file` on a read-only connection in a worker thread. */
export function measureStorage(file: string): Promise<StorageFigures> {
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
