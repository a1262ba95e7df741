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
   * Pages copied per step; between steps the event loop runs other work. Default 256 (1 MiB at 4 KiB pages):
   * well under a millisecond or two of copying, so a checker in the same process keeps its timers.
   */
  pagesPerStep?: number;
  /** Called after every step. */
  onProgress?: (progress: BackupProgress) => void;
}

export interface BackupOutcome {
  pages: number;
  bytes: number;
}

/**
 * Copies the database `source` into `dest` (a path that must not exist yet) with SQLite's online backup, in
 * steps of `pagesPerStep`. The copy is the database as it was when the backup began: a read transaction is
 * held on a connection of its own for the whole copy, so writes by the checker or the web server (other
 * connections, other processes) neither block on it — WAL readers never block writers — nor make the backup
 * start over, which a backup stepping without that snapshot does after every foreign write. The finished copy
 * is switched out of WAL mode so it is one self-contained file.
 */
export async function backupDatabase(source: string, dest: string, options: BackupOptions = {}): Promise<BackupOutcome> {
  const pagesPerStep = Math.max(1, Math.floor(options.pagesPerStep ?? 256));
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    src.exec('BEGIN');
    // BEGIN is deferred: the first read is what takes the snapshot.
    src.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    await src.backup(dest, {
      progress: (p) => {
        options.onProgress?.({ totalPages: p.totalPages, remainingPages: p.remainingPages });
        return pagesPerStep;
      },
    });
    src.exec('COMMIT');
  } finally {
    src.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const pages = copy.pragma('page_count', { simple: true }) as number;
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    return { pages, bytes: pages * pageSize };
  } finally {
    copy.close();
  }
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
