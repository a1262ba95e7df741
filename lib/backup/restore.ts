import fs from 'node:fs';
import path from 'node:path';
import { holdExclusively, inspectDatabaseFile, UnreadableDatabaseError, type DatabaseInspection } from '../../db/backup';
import { STALE_AFTER_MS } from '../health';
import { BackupError } from './errors';
import { fileStamp, fsyncDir, fsyncFile, partialName, removeWithSideFiles } from './files';

export interface RestoreOptions {
  now?: () => number;
  /** A checker self-report younger than this (and not marked stopped) means a checker is running. Default 15 s. */
  staleAfterMs?: number;
  /** Reports each step as it starts (the CLI prints them). */
  onStep?: (line: string) => void;
}

export interface RestoreResult {
  target: string;
  /** Where the replaced database went; null when there was none. */
  keptAside: string | null;
  /** Side files of the replaced database moved aside with it (a log the checkpoint could not fold in). */
  movedAside: string[];
  /** Stale side files removed (the log's index, rebuilt by SQLite on open). */
  removed: string[];
  /** The restored file's schema version and this build's: older is brought up to date at next start. */
  schemaVersion: number;
  knownSchemaVersion: number;
  bytes: number;
  tookMs: number;
}

/**
 * Replaces the database `target` with the backup `backupFile`, checking everything before anything is
 * replaced: the backup is copied beside the target and that copy — the very bytes that will become the
 * database — must pass `PRAGMA integrity_check`, be Upbeat's, and have a schema version this build knows;
 * then no process may have the target open (an exclusive lock attempt) and no checker may have reported within
 * the last 15 s without saying it stopped. Any refusal removes the copy and leaves the target as it was.
 *
 * The replaced database is kept aside as `<target>.before-restore-<time>` (its log folded in first, so the file
 * alone is complete); stale `-wal`/`-shm` files are cleared from the target's name, since SQLite would apply a
 * stale log to the restored file.
 */
export async function restoreDatabase(backupFile: string, targetFile: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const now = options.now ?? Date.now;
  const step = options.onStep ?? (() => {});
  const source = path.resolve(backupFile);
  const target = path.resolve(targetFile);
  const started = performance.now();
  if (!fs.existsSync(source) || !fs.statSync(source).isFile()) throw new BackupError('not_found', `there is no backup file ${source}`);
  if (source === target) throw new BackupError('invalid', `${source} is the database itself`);
  if (hasLiveLog(source)) {
    throw new BackupError(
      'invalid',
      `${source} has a write-ahead log beside it (${path.basename(source)}-wal): it looks like a live database, not a backup. ` +
        'Make a backup of it with `npm run backup -- FILE` and restore that',
    );
  }

  fs.mkdirSync(path.dirname(target), { recursive: true });
  const copy = partialName(target, 'restoring');
  removeWithSideFiles(copy);
  let bytes: number;
  let inspection: DatabaseInspection;
  try {
    step(`copying ${source} beside ${target}`);
    fs.copyFileSync(source, copy);
    bytes = fs.statSync(copy).size;
    step('checking the copy (PRAGMA integrity_check, schema version)');
    inspection = checkCopy(copy, source);
    fsyncFile(copy);
  } catch (err) {
    removeWithSideFiles(copy);
    throw err;
  }

  let keptAside: string | null = null;
  const movedAside: string[] = [];
  const removed: string[] = [];
  try {
    if (fs.existsSync(target)) {
      step(`making sure Upbeat is not running against ${target}`);
      ensureNotRunning(target, now(), options.staleAfterMs ?? STALE_AFTER_MS);
      keptAside = `${target}.before-restore-${fileStamp(now())}`;
      fs.renameSync(target, keptAside);
    }
    for (const suffix of ['-wal', '-journal']) {
      if (!fs.existsSync(target + suffix)) continue;
      // A log the checkpoint could not fold in belongs to the replaced file: it goes with it, not away.
      const to = keptAside ? keptAside + suffix : `${target}.stale-${fileStamp(now())}${suffix}`;
      fs.renameSync(target + suffix, to);
      movedAside.push(to);
    }
    if (fs.existsSync(`${target}-shm`)) {
      fs.rmSync(`${target}-shm`);
      removed.push(`${target}-shm`);
    }
    fs.renameSync(copy, target);
    fsyncDir(path.dirname(target));
  } catch (err) {
    removeWithSideFiles(copy);
    throw err;
  }
  step(`restored ${target}`);
  return {
    target,
    keptAside,
    movedAside,
    removed,
    schemaVersion: inspection.schemaVersion,
    knownSchemaVersion: inspection.knownSchemaVersion,
    bytes,
    tookMs: performance.now() - started,
  };
}

function hasLiveLog(file: string): boolean {
  try {
    return fs.statSync(`${file}-wal`).size > 0;
  } catch {
    return false;
  }
}

function checkCopy(copy: string, source: string): DatabaseInspection {
  let inspection: DatabaseInspection;
  try {
    inspection = inspectDatabaseFile(copy);
  } catch (err) {
    if (err instanceof UnreadableDatabaseError) {
      throw new BackupError('corrupt', `${source} is not a readable SQLite database (${err.message})`);
    }
    throw err;
  }
  if (inspection.integrity.length !== 1 || inspection.integrity[0] !== 'ok') {
    const shown = inspection.integrity.slice(0, 3).join('; ');
    const more = inspection.integrity.length > 3 ? ` (and ${inspection.integrity.length - 3} more)` : '';
    throw new BackupError('corrupt', `${source} is damaged: PRAGMA integrity_check found ${shown}${more}`);
  }
  if (!inspection.isUpbeat) throw new BackupError('not_upbeat', `${source} is an SQLite database, but not Upbeat's`);
  if (inspection.schemaVersion > inspection.knownSchemaVersion) {
    throw new BackupError(
      'newer_schema',
      `${source} was written by a newer Upbeat (schema version ${inspection.schemaVersion}; this one knows up to ` +
        `${inspection.knownSchemaVersion}): restore it with that version or a later one`,
    );
  }
  return inspection;
}

/**
 * Two signals, either one enough to refuse: another connection holding the file open (the lock attempt sees
 * an idle web server too), and a checker self-report that is fresh and not marked stopped (which also covers a
 * checker on another machine sharing the file over a network file system, where locks may not reach). While
 * the lock is held, the log is folded into the file so the file kept aside is complete on its own.
 */
function ensureNotRunning(target: string, now: number, staleAfterMs: number): void {
  let hold;
  try {
    hold = holdExclusively(target);
  } catch (err) {
    // A file SQLite cannot read is not one a running Upbeat is using either; it is replaced (and kept aside).
    if (err instanceof UnreadableDatabaseError) return;
    throw err;
  }
  if (hold === 'busy') {
    throw new BackupError(
      'running',
      `Upbeat is running against ${target} (another process has it open): stop the web server and the checker first`,
    );
  }
  try {
    const beat = hold.readSelfReport();
    if (beat && beat.stoppedAt === null && now - beat.reportedAt < staleAfterMs) {
      const age = Math.max(0, Math.round((now - beat.reportedAt) / 1000));
      throw new BackupError(
        'running',
        `the checker (pid ${beat.pid}) reported ${age} s ago and has not said it stopped: stop it first. If it is ` +
          `no longer running, try again in ${Math.ceil((staleAfterMs - (now - beat.reportedAt)) / 1000)} s`,
      );
    }
    hold.checkpoint();
  } finally {
    hold.release();
  }
}
