import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fsyncDirAsync } from './files';

/**
 * What Settings → Storage shows about backups: the newest one made of a database (by `npm run backup` or the
 * schedule) and the schedule's last failure, kept in a small JSON file beside the database. Beside it rather
 * than inside it: a backup is a copy of the database, and a record inside would always describe the backup
 * before the one it is in.
 */

const recordSchema = z.object({
  last: z
    .object({
      at: z.number(),
      file: z.string(),
      bytes: z.number(),
      tookMs: z.number(),
      scheduled: z.boolean(),
    })
    .nullable(),
  failure: z.object({ at: z.number(), message: z.string() }).nullable(),
});

export type BackupRecord = z.infer<typeof recordSchema>;
export type LastBackup = NonNullable<BackupRecord['last']>;

/** The record's file for a database file. */
export function recordFileOf(dbFile: string): string {
  return `${dbFile}.last-backup.json`;
}

/** The record for a database; empty when there is none or it cannot be read (it is a report, never a reason to fail). */
export function readBackupRecord(dbFile: string): BackupRecord {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(fs.readFileSync(recordFileOf(dbFile), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or torn: no record
  }
  return { last: null, failure: null };
}

/** Notes a finished backup (and clears a failure older than it). */
export function noteBackup(dbFile: string, last: LastBackup): Promise<void> {
  return write(dbFile, { last, failure: null });
}

/** Notes a scheduled backup that failed, keeping the last good one. */
export function noteBackupFailure(dbFile: string, at: number, message: string): Promise<void> {
  return write(dbFile, { ...readBackupRecord(dbFile), failure: { at, message } });
}

/** Written and flushed on the thread pool: right after a large copy, a flush can wait on the disk a while. */
async function write(dbFile: string, record: BackupRecord): Promise<void> {
  const file = recordFileOf(dbFile);
  const temp = `${file}.${process.pid}`;
  try {
    await fs.promises.writeFile(temp, `${JSON.stringify(record, null, 2)}\n`);
    await fs.promises.rename(temp, file);
    await fsyncDirAsync(path.dirname(file));
  } catch (err) {
    fs.rmSync(temp, { force: true });
    // The backup itself is made; only the page's note of it is missing.
    console.error(`[backup] could not note the backup in ${file}: ${(err as Error).message}`);
  }
}
