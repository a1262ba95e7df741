import fs from 'node:fs';
import path from 'node:path';
import { getConfig, type BackupConfig } from '../config';
import { BackupError } from './errors';
import { listBackups, pruneBackups, scheduledBackupName } from './keep';
import { noteBackupFailure } from './last-backup';
import { makeBackup, type BackupResult } from './make-backup';

export interface BackupScheduleOptions {
  /** The live database. */
  dbFile: string;
  /** Where the backups go (created when missing). */
  dir: string;
  /** Time between two backups, ms. */
  everyMs: number;
  /** Scheduled backups kept in `dir`, newest first; older ones are deleted after each backup. */
  keep: number;
  /**
   * Delay before the first backup when one is due at start, ms. Default one minute, so a start-up (and the
   * pruner's first pass) is not slowed by a copy of the whole file.
   */
  firstAfterMs?: number;
  /** After a failed backup, the next try comes after this long or `everyMs`, whichever is sooner. Default 15 min. */
  retryAfterMs?: number;
  /** Pages per step; the default keeps each step to a millisecond or two (see db/backup.ts). */
  pagesPerStep?: number;
  now?: () => number;
  /** Called after each backup, made or failed (tests, logs). */
  onDone?: (outcome: { result: BackupResult | null; error: Error | null; deleted: string[] }) => void;
}

export interface BackupSchedule {
  /** Makes a backup now (waits for one in progress first) and prunes to `keep`. */
  runOnce(): Promise<BackupResult>;
  /** When the next backup is due, epoch ms. */
  nextAt(): number;
  /** Stops the timer and a copy in progress (between two steps); its partial file is removed. */
  stop(): Promise<void>;
}

/** setTimeout's longest delay; longer waits are taken in pieces. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Scheduled backups, in the checker's process beside the pruner: every `everyMs` a consistent copy into `dir`
 * named by its time, then all but the newest `keep` deleted. The copy runs on a thread of its own and the files
 * are deleted and flushed on the thread pool, so the checker's timers run on time while it backs up. The time of the
 * newest backup in `dir` decides the first one, so a restart neither skips a backup nor makes an extra one.
 */
export function startBackupSchedule(options: BackupScheduleOptions): BackupSchedule {
  const now = options.now ?? Date.now;
  const retryAfterMs = Math.min(options.retryAfterMs ?? 15 * 60_000, options.everyMs);
  const controller = new AbortController();
  let running: Promise<BackupResult> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const newest = listBackups(options.dir)[0];
  let dueAt = Math.max(newest ? newest.at + options.everyMs : 0, now() + (options.firstAfterMs ?? 60_000));

  const backup = async (): Promise<BackupResult> => {
    fs.mkdirSync(options.dir, { recursive: true });
    const at = now();
    try {
      const result = await makeBackup(options.dbFile, path.join(options.dir, scheduledBackupName(at)), {
        pagesPerStep: options.pagesPerStep,
        signal: controller.signal,
        scheduled: true,
        now: () => at,
      });
      const deleted = await pruneBackups(options.dir, options.keep);
      options.onDone?.({ result, error: null, deleted });
      return result;
    } catch (err) {
      const error = err as Error;
      if (!(err instanceof BackupError && err.code === 'aborted')) {
        await noteBackupFailure(options.dbFile, at, error.message);
        options.onDone?.({ result: null, error, deleted: [] });
      }
      throw err;
    }
  };

  const runOnce = (): Promise<BackupResult> => {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(backup);
    running = next;
    const settle = () => {
      if (running === next) running = null;
    };
    next.then(settle, settle);
    return next;
  };

  const arm = () => {
    if (stopped) return;
    timer = setTimeout(tick, Math.max(0, Math.min(dueAt - now(), MAX_TIMER_MS)));
    // A backup alone never keeps a process alive.
    timer.unref?.();
  };
  const tick = () => {
    if (stopped) return;
    if (now() < dueAt) return arm();
    runOnce().then(
      () => {
        dueAt = now() + options.everyMs;
        arm();
      },
      (err: unknown) => {
        if (stopped) return;
        console.error(`[backup] scheduled backup failed: ${(err as Error).message}`);
        dueAt = now() + retryAfterMs;
        arm();
      },
    );
  };
  arm();

  return {
    runOnce,
    nextAt: () => dueAt,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller.abort();
      await running?.catch(() => undefined);
    },
  };
}

/**
 * The schedule as configured (UPBEAT_BACKUP_DIR, UPBEAT_BACKUP_EVERY_HOURS, UPBEAT_BACKUP_KEEP); null when
 * UPBEAT_BACKUP_DIR is unset or the database lives in memory.
 */
export function startConfiguredBackups(dbFile: string, config: BackupConfig = getConfig().backup): BackupSchedule | null {
  if (config.dir === null || dbFile === ':memory:') return null;
  return startBackupSchedule({ dbFile, dir: config.dir, everyMs: config.everyHours * 3_600_000, keep: config.keep });
}
