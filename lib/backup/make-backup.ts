import fs from 'node:fs';
import path from 'node:path';
import { BackupAbortedError, backupDatabase, type BackupProgress } from '../../db/backup';
import { BackupError } from './errors';
import { fsyncDirAsync, fsyncFileAsync, partialName, removeWithSideFiles } from './files';
import { noteBackup } from './last-backup';

export interface MakeBackupOptions {
  /** Replace `dest` when it exists (the default refuses, so a typo never overwrites a good backup). */
  overwrite?: boolean;
  /** Pages copied per step (see db/backup.ts); the copy runs on its own thread whatever the size. */
  pagesPerStep?: number;
  onProgress?: (progress: BackupProgress) => void;
  /** Stops the copy between two steps; the partial file is removed. */
  signal?: AbortSignal;
  /** Whether the schedule made it (shown on the storage page). */
  scheduled?: boolean;
  now?: () => number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  /** When the copy began: the moment whose data it holds, epoch ms. */
  at: number;
  tookMs: number;
}

/**
 * Pages copied between two flushes of the partial file to disk. SQLite syncs the copy once, when it completes;
 * on a machine with plenty of memory the whole file may still be only in the page cache then, and that one sync
 * would take as long as writing the file (866 MB: 1.1 s → ~0.1 s when flushed as it goes). Keeping the copy's
 * dirty pages few also keeps the kernel from throttling every writer on the disk, the checker's included.
 */
const FLUSH_EVERY_PAGES = 1024;

/**
 * Makes a consistent copy of the live database `dbFile` at `dest`: SQLite's online backup into a partial file
 * beside `dest`, flushed to disk and then renamed, so `dest` is either absent or a complete backup, never half
 * of one. Notes it for the storage page.
 */
export async function makeBackup(dbFile: string, dest: string, options: MakeBackupOptions = {}): Promise<BackupResult> {
  const now = options.now ?? Date.now;
  const target = path.resolve(dest);
  if (!fs.existsSync(dbFile)) throw new BackupError('not_found', `there is no database at ${dbFile}`);
  if (path.resolve(dbFile) === target) throw new BackupError('invalid', 'the backup cannot be the database itself');
  if (!options.overwrite && fs.existsSync(target)) {
    throw new BackupError('exists', `${target} exists already (pass --force to replace it)`);
  }
  if (!fs.existsSync(path.dirname(target))) throw new BackupError('not_found', `there is no folder ${path.dirname(target)}`);
  const partial = partialName(target, 'partial');
  removeWithSideFiles(partial);
  const at = now();
  const started = performance.now();
  try {
    const outcome = await backupDatabase(dbFile, partial, {
      pagesPerStep: options.pagesPerStep,
      flushEveryPages: FLUSH_EVERY_PAGES,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    await fsyncFileAsync(partial);
    fs.renameSync(partial, target);
    await fsyncDirAsync(path.dirname(target));
    const result: BackupResult = { file: target, bytes: fs.statSync(target).size, pages: outcome.pages, at, tookMs: performance.now() - started };
    await noteBackup(dbFile, { at, file: target, bytes: result.bytes, tookMs: result.tookMs, scheduled: options.scheduled === true });
    return result;
  } catch (err) {
    removeWithSideFiles(partial);
    if (err instanceof BackupAbortedError) throw new BackupError('aborted', err.message);
    if (err instanceof BackupError) throw err;
    const e = err as Error & { code?: unknown };
    if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
      throw new BackupError('corrupt', `the database ${dbFile} cannot be read: ${e.message}`);
    }
    throw err;
  }
}
