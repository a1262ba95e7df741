import fs from 'node:fs';
import path from 'node:path';
import { fileStamp, parseFileStamp, removeWithSideFilesAsync } from './files';

/**
 * The scheduled backups in a folder: named `upbeat-<time>.db` by the time their copy began, so the folder
 * lists them in order and the newest can be found after a restart without any other record. Only names of
 * exactly that form are ever touched; anything else in the folder is the owner's.
 */

const NAME = /^upbeat-(.+)\.db$/;
const PARTIAL = /^upbeat-.+\.db\.partial-(\d+)$/;

export interface BackupFile {
  file: string;
  /** When the copy began, epoch ms. */
  at: number;
}

/** The file name of a scheduled backup begun at `at`. */
export function scheduledBackupName(at: number): string {
  return `upbeat-${fileStamp(at)}.db`;
}

/** The scheduled backups in `dir`, newest first; empty when the folder does not exist. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: BackupFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    const at = m ? parseFileStamp(m[1]!) : NaN;
    if (Number.isFinite(at)) found.push({ file: path.join(dir, name), at });
  }
  return found.sort((a, b) => b.at - a.at);
}

/**
 * Deletes all but the `keep` newest scheduled backups in `dir`, and partial files left by a process that died
 * mid-copy (a live process's partial file is its work in progress). Returns the files deleted; the unlinking runs on the thread pool.
 */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const deleted: string[] = [];
  for (const old of listBackups(dir).slice(Math.max(1, keep))) {
    await removeWithSideFilesAsync(old.file);
    deleted.push(old.file);
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    // no folder: nothing left over
  }
  for (const name of names) {
    const m = PARTIAL.exec(name);
    if (m && !isAlive(Number(m[1]))) {
      await removeWithSideFilesAsync(path.join(dir, name));
      deleted.push(path.join(dir, name));
    }
  }
  return deleted;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
