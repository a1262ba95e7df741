import fs from 'node:fs';
import type { BackupConfig } from '@/lib/config';
import { readBackupRecord } from '@/lib/backup/last-backup';

/** What the storage page says about backups: the newest one made, the schedule, and a failure since then. */
export interface BackupStatus {
  last: {
    at: number;
    file: string;
    bytes: number;
    scheduled: boolean;
    /** False when the file has since been moved or deleted. */
    isPresent: boolean;
  } | null;
  /** A scheduled backup that failed after the last good one. */
  failure: { at: number; message: string } | null;
  schedule: BackupConfig;
  /** When this was read, epoch ms: the "ago" of the times above is counted from it. */
  readAt: number;
}

export function readBackupStatus(dbPath: string, schedule: BackupConfig, now = Date.now()): BackupStatus {
  const record = readBackupRecord(dbPath);
  const last = record.last && { ...record.last, isPresent: fs.existsSync(record.last.file) };
  const failure = record.failure && (!last || record.failure.at > last.at) ? record.failure : null;
  return { last, failure, schedule, readAt: now };
}
