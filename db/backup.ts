import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { knownSchemaVersion } from './connection';
import { createSelfReportVerbs, type SelfReport } from './self-report';

/**
 * The SQLite side of backups and restores: a consistent online copy of a live database, a look inside a file
 * before it is trusted, and an exclusive lock that tells whether any process has a database open. The file
 * moves around them (temp names, renames, fsync, what is kept aside) are lib/backup's.
 */

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface BackupOptions {
  /**
   * Pages copied per step. Default 256 (1 MiB at 4 KiB pages). The copy runs on a thread of its own, so the
   * step size no longer decides how long the caller's event loop waits; small steps still let a stop take effect
   * quickly.
   */
  pagesPerStep?: number;
  /**
   * Pages copied between two flushes of the copy to disk (fsync, on the copy's thread). SQLite syncs the copy
   * once, when it completes; flushing as it goes keeps that last sync and the kernel's write-back of a large
   * copy short. Default: never before the end.
   */
  flushEveryPages?: number;
  /** Called as steps complete (in order, a moment after each: the copy does not wait for it). */
  onProgress?: (progress: BackupProgress) => void;
  /** Stops the copy at its next step; the promise then rejects with a BackupAbortedError. */
  signal?: AbortSignal;
}

export interface BackupOutcome {
  pages: number;
  bytes: number;
}

/** The copy was stopped by its signal before it finished. */
export class BackupAbortedError extends Error {
  constructor() {
    super('the backup was stopped before it finished');
    this.name = 'BackupAbortedError';
  }
}

/**
 * The copy's thread: plain JavaScript run with `eval` (as the storage figures in rollups.ts), so nothing of it is
 * bundled and it resolves better-sqlite3 from the project's node_modules like the server does. Every blocking
 * part of a backup happens here, on a connection of its own: each step of SQLite's online backup, the flushes
 * and the final sync of the copy, switching the copy out of WAL mode, and folding into the database the log that
 * grew while the snapshot was held. The caller's event loop (the checker's) only receives messages.
 */
const BACKUP_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require('better-sqlite3');
const { source, dest, pagesPerStep, flushEveryPages, stop } = workerData;
const stopped = new Int32Array(stop);
// Lower this thread's CPU priority (Linux: a thread id names one thread), so on a busy machine the checker's
// thread runs first and the copy takes what is left. Best effort: elsewhere the copy runs at normal priority.
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, 10);
} catch {}
const fail = (err) => parentPort.postMessage({ type: 'error', message: err.message, code: typeof err.code === 'string' ? err.code : null, aborted: err.aborted === true });
const flush = () => {
  const fd = fs.openSync(dest, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
};
async function run() {
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    src.exec('BEGIN');
    // BEGIN is deferred: the first read is what takes the snapshot.
    src.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    let flushedAt = 0;
    await src.backup(dest, {
      progress: (p) => {
        if (Atomics.load(stopped, 0) === 1) throw Object.assign(new Error('stopped'), { aborted: true });
        parentPort.postMessage({ type: 'progress', totalPages: p.totalPages, remainingPages: p.remainingPages });
        const copied = p.totalPages - p.remainingPages;
        if (flushEveryPages > 0 && copied - flushedAt >= flushEveryPages) {
          flushedAt = copied;
          flush();
        }
        return pagesPerStep;
      },
    });
    src.exec('COMMIT');
  } finally {
    src.close();
  }
  // The checker's writes piled up in the log while the snapshot was held; fold them in here, so the checker's
  // next commit does not do it on its own thread. Passive: never waits for, nor holds up, a writer.
  try {
    const rw = new Database(source, { fileMustExist: true });
    try {
      rw.pragma('busy_timeout = 0');
      rw.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      rw.close();
    }
  } catch {
    // Only a courtesy: the checker folds the log in itself when this could not.
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const pages = copy.pragma('page_count', { simple: true });
    const pageSize = copy.pragma('page_size', { simple: true });
    parentPort.postMessage({ type: 'done', pages, bytes: pages * pageSize });
  } finally {
    copy.close();
  }
}
run().catch(fail);
`;

type WorkerMessage =
  | ({ type: 'progress' } & BackupProgress)
  | ({ type: 'done' } & BackupOutcome)
  | { type: 'error'; message: string; code: string | null; aborted: boolean };

/**
 * Copies the database `source` into `dest` (a path that must not exist yet) with SQLite's online backup, in
 * steps of `pagesPerStep`, on a worker thread with its own connection: nothing of the copy runs on the caller's
 * event loop, so a checker in the same process keeps its timers. The copy is the database as it was when the
 * backup began: a read transaction is held for the whole copy, so writes by the checker or the web server
 * (other connections, other processes) neither block on it — WAL readers never block writers — nor make the
 * backup start over, which a backup stepping without that snapshot does after every foreign write. The finished
 * copy is switched out of WAL mode so it is one self-contained file.
 *
 * A throw from `onProgress` stops the copy and rejects with what it threw; `signal` stops it with a
 * BackupAbortedError. Either way the promise settles only once the thread has closed the copy, so the caller
 * may remove it at once.
 */
export function backupDatabase(source: string, dest: string, options: BackupOptions = {}): Promise<BackupOutcome> {
  const stop = new SharedArrayBuffer(4);
  const stopped = new Int32Array(stop);
  const worker = new Worker(BACKUP_WORKER, {
    eval: true,
    workerData: {
      source,
      dest,
      pagesPerStep: Math.max(1, Math.floor(options.pagesPerStep ?? 256)),
      flushEveryPages: Math.max(0, Math.floor(options.flushEveryPages ?? 0)),
      stop,
    },
  });
  const { signal } = options;
  return new Promise<BackupOutcome>((resolve, reject) => {
    let outcome: BackupOutcome | null = null;
    let failure: unknown = null;
    const halt = (reason: unknown) => {
      failure ??= reason;
      Atomics.store(stopped, 0, 1);
    };
    const onAbort = () => halt(new BackupAbortedError());
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        if (failure !== null) return;
        try {
          options.onProgress?.({ totalPages: m.totalPages, remainingPages: m.remainingPages });
        } catch (err) {
          halt(err);
        }
      } else if (m.type === 'done') outcome = { pages: m.pages, bytes: m.bytes };
      else if (m.aborted) failure ??= new BackupAbortedError();
      else failure ??= Object.assign(new Error(m.message), m.code === null ? {} : { code: m.code });
    });
    worker.once('error', (err) => (failure ??= err));
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (failure !== null) reject(failure instanceof Error ? failure : new Error(String(failure)));
      else if (outcome !== null) resolve(outcome);
      else reject(new Error(`the backup thread exited with ${code} before it finished`));
    });
  });
}

export interface DatabaseInspection {
  /** `PRAGMA integrity_check`'s lines: `['ok']` for a sound file. */
  integrity: string[];
  /** The file's `PRAGMA user_version`: the last migration applied to it. */
  schemaVersion: number;
  /** The newest schema version this build knows. */
  knownSchemaVersion: number;
  /** Whether it holds Upbeat's core tables (a sound SQLite file of another program does not). */
  isUpbeat: boolean;
}

/** Thrown when a file cannot be read as an SQLite database at all; `code` is SQLite's (SQLITE_NOTADB …). */
export class UnreadableDatabaseError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'UnreadableDatabaseError';
    this.code = code;
  }
}

/**
 * Looks inside a database file without migrating it: every page checked (`PRAGMA integrity_check`, which reads
 * the whole file, so it takes a while on a large one), its schema version, and whether it is Upbeat's.
 * Throws UnreadableDatabaseError when SQLite cannot read it (not a database, damaged beyond checking).
 */
export function inspectDatabaseFile(file: string): DatabaseInspection {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set(
      db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all(),
    );
    return {
      integrity,
      schemaVersion,
      knownSchemaVersion: knownSchemaVersion(),
      isUpbeat: ['sites', 'checks'].every((t) => tables.has(t)),
    };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    throw new UnreadableDatabaseError(e.message, typeof e.code === 'string' ? e.code : 'UNKNOWN');
  } finally {
    db?.close();
  }
}

/** A database held exclusively: no other connection, in this process or another, has it open. */
export interface ExclusiveHold {
  /** The newest checker self-report in the file; undefined when none, or when the file cannot say. */
  readSelfReport(): SelfReport | undefined;
  /**
   * Folds the write-ahead log into the database file, so the file alone holds every committed transaction.
   * False when that failed (a damaged file); its -wal then still holds them.
   */
  checkpoint(): boolean;
  /** Lets go of the lock. As the last connection, SQLite then removes the (emptied) -wal itself. */
  release(): void;
}

/**
 * Takes an exclusive lock on the database `file`, or answers 'busy' when another connection has it open. In WAL
 * mode every open connection holds a shared lock on the file for as long as it stays open, idle or not, so
 * this sees a web server or checker that is running but not writing at this moment, which a look at the
 * self-report alone would not. Never waits: busy is an answer, not something to retry.
 */
export function holdExclusively(file: string): ExclusiveHold | 'busy' {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    // Set before the first read: the connection then takes the file's EXCLUSIVE lock and keeps it until closed.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return 'busy';
    const e = err as Error & { code?: unknown };
    throw new UnreadableDatabaseError(e.message, typeof e.code === 'string' ? e.code : 'UNKNOWN');
  }
  return {
    readSelfReport() {
      try {
        return createSelfReportVerbs(db).readSelfReport();
      } catch {
        // No self-report table (a file older than it) or a damaged page: nothing to say about a running checker.
        return undefined;
      }
    },
    checkpoint() {
      try {
        const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
        return (row?.busy ?? 0) === 0;
      } catch {
        return false;
      }
    },
    release() {
      if (db.open) db.close();
    },
  };
}
