import fs from 'node:fs';
import path from 'node:path';

/** File moves shared by backup and restore: durable renames, and the side files SQLite keeps beside a database. */

/** The files SQLite may keep beside a database: its write-ahead log and its index, or a rollback journal. */
export const SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** Flushes a file's data to the disk, so a rename that follows never exposes a name with missing pages. */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsyncFile on the thread pool: the calling event loop runs on while the disk catches up. */
export async function fsyncFileAsync(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries, so a rename survives a power cut. Not every platform can; it is then skipped. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable on their own terms.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** fsyncDir on the thread pool. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // as fsyncDir
  } finally {
    await handle?.close();
  }
}

/** Removes a file and the side files SQLite may have left beside it; missing ones are fine. */
export function removeWithSideFiles(file: string): void {
  for (const f of [file, ...SIDE_SUFFIXES.map((s) => file + s)]) fs.rmSync(f, { force: true });
}

/**
 * removeWithSideFiles on the thread pool. Unlinking a file of hundreds of megabytes frees its extents and can
 * take tens of milliseconds: never on the checker's event loop.
 */
export async function removeWithSideFilesAsync(file: string): Promise<void> {
  for (const f of [file, ...SIDE_SUFFIXES.map((s) => file + s)]) await fs.promises.rm(f, { force: true });
}

/** 2025-01-31T12:00:00.123Z → "2025-01-31T12-00-00.123Z": sorts by time, valid in every file system. */
export function fileStamp(at: number): string {
  return new Date(at).toISOString().replaceAll(':', '-');
}

/** The inverse of fileStamp; NaN for anything else. */
export function parseFileStamp(stamp: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(\.\d{3})?Z$/.exec(stamp);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}${m[5] ?? ''}Z`) : NaN;
}

/** A name beside `file` for work in progress, unique to this process. */
export function partialName(file: string, what: string): string {
  return path.join(path.dirname(file), `${path.basename(file)}.${what}-${process.pid}`);
}
