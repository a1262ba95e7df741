import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { listBackups, pruneBackups, scheduledBackupName } from '../../../lib/backup/keep';
import { readBackupRecord } from '../../../lib/backup/last-backup';
import type { BackupResult } from '../../../lib/backup/make-backup';
import { startBackupSchedule } from '../../../lib/backup/schedule';
import { parseConfig } from '../../../lib/config';
import { newCheck, newSite } from '../../helpers/factories';
import { tempDir } from '../../helpers/temp-store';
import { until } from '../../helpers/backup-cli';
import { openAppStore } from '../../../lib/store';

const HOUR = 3_600_000;

test('keep-N deletes all but the newest scheduled backups and leaves every other file alone', async (t) => {
  const dir = tempDir(t);
  const t0 = Date.UTC(2025, 0, 1);
  const names = [0, 5, 1, 4, 2, 3].map((h) => scheduledBackupName(t0 + h * HOUR));
  for (const n of names) fs.writeFileSync(path.join(dir, n), 'x');
  const mine = ['upbeat.db', 'notes.txt', 'upbeat-before-the-move.db', 'upbeat-2025-01-01.db'];
  for (const n of mine) fs.writeFileSync(path.join(dir, n), 'x');
  // Left by a process that died mid-copy, and one by this (live) process.
  const dead = `${scheduledBackupName(t0 + 6 * HOUR)}.partial-999999999`;
  const live = `${scheduledBackupName(t0 + 7 * HOUR)}.partial-${process.pid}`;
  fs.writeFileSync(path.join(dir, dead), 'x');
  fs.writeFileSync(path.join(dir, live), 'x');

  assert.deepEqual(
    listBackups(dir).map((b) => b.at),
    [5, 4, 3, 2, 1, 0].map((h) => t0 + h * HOUR),
  );
  const deleted = (await pruneBackups(dir, 2)).map((f) => path.basename(f));
  assert.deepEqual(deleted.sort(), [...[0, 1, 2, 3].map((h) => scheduledBackupName(t0 + h * HOUR)), dead].sort());
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    [...mine, live, scheduledBackupName(t0 + 4 * HOUR), scheduledBackupName(t0 + 5 * HOUR)].sort(),
  );
});

test('the schedule backs up when due, keeps the newest N and notes the last one for the storage page', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.db');
  const store = openAppStore(file);
  t.after(() => store.close());
  const site = store.createSite(newSite());
  const backups = path.join(dir, 'backups');
  const done: BackupResult[] = [];
  const schedule = startBackupSchedule({
    dbFile: file,
    dir: backups,
    everyMs: 30,
    keep: 2,
    firstAfterMs: 0,
    onDone: ({ result, error }) => {
      if (error) throw error;
      done.push(result!);
      // A check between two backups: each backup holds what was written before it began.
      store.recordChecks([newCheck(site.id, Date.now())]);
    },
  });
  t.after(() => schedule.stop());
  // The schedule's timer never holds a process open; the polling here does.
  await until('four backups', () => done.length >= 4, 10_000);
  await schedule.stop();

  const kept = listBackups(backups);
  assert.equal(kept.length, 2);
  assert.deepEqual(kept.map((b) => b.file), done.slice(-2).reverse().map((d) => d.file));
  const newest = new Database(kept[0]!.file, { readonly: true });
  t.after(() => newest.close());
  const checksInNewest = newest.prepare('SELECT count(*) FROM checks').pluck().get() as number;
  assert.ok(checksInNewest >= done.length - 1, `${checksInNewest} checks in the newest of ${done.length} backups`);
  const record = readBackupRecord(file);
  assert.equal(record.last?.file, done.at(-1)!.file);
  assert.equal(record.last?.scheduled, true);
  assert.equal(record.failure, null);
});

test('after a restart the next backup is due one period after the newest in the folder', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.db');
  openAppStore(file).close();
  const now = Date.UTC(2025, 5, 1, 12);
  fs.writeFileSync(path.join(dir, scheduledBackupName(now - 2 * HOUR)), 'x');
  const recent = startBackupSchedule({ dbFile: file, dir, everyMs: 6 * HOUR, keep: 3, now: () => now });
  assert.equal(recent.nextAt(), now + 4 * HOUR);
  void recent.stop();
  // Overdue (or none yet): after the first-backup delay, not at once.
  const overdue = startBackupSchedule({ dbFile: file, dir, everyMs: HOUR, keep: 3, now: () => now, firstAfterMs: 60_000 });
  assert.equal(overdue.nextAt(), now + 60_000);
  void overdue.stop();
});

test('stopping the schedule stops a copy in progress and leaves no partial file', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.db');
  const store = openAppStore(file);
  t.after(() => store.close());
  const site = store.createSite(newSite());
  store.recordChecks(Array.from({ length: 20_000 }, (_, i) => newCheck(site.id, Date.now() - i * 60_000)));
  const backups = path.join(dir, 'backups');
  const failures: Error[] = [];
  const schedule = startBackupSchedule({
    dbFile: file,
    dir: backups,
    everyMs: HOUR,
    keep: 2,
    firstAfterMs: HOUR,
    pagesPerStep: 1,
    onDone: ({ error }) => error && failures.push(error),
  });
  const copying = schedule.runOnce();
  // Wait for the partial file to appear: the copy is under way.
  while (!fs.existsSync(backups) || fs.readdirSync(backups).length === 0) await new Promise((r) => setImmediate(r));
  await schedule.stop();
  await assert.rejects(copying, { code: 'aborted' });
  assert.deepEqual(fs.readdirSync(backups), []);
  assert.deepEqual(failures, [], 'a stop is not a failure');
  assert.equal(readBackupRecord(file).failure, null);
});

test('a failed scheduled backup is noted for the storage page and tried again', async (t) => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'not-there.db');
  const errors: string[] = [];
  const schedule = startBackupSchedule({
    dbFile: missing,
    dir: path.join(dir, 'backups'),
    everyMs: HOUR,
    retryAfterMs: 20,
    keep: 2,
    firstAfterMs: 0,
    onDone: ({ error }) => {
      if (error) errors.push(error.message);
    },
  });
  t.after(() => schedule.stop());
  await until('two failures', () => errors.length >= 2, 10_000);
  await schedule.stop();
  assert.match(errors[0]!, /there is no database at .*not-there\.db/);
  assert.match(readBackupRecord(missing).failure?.message ?? '', /there is no database/);
});

test('the backup variables are read and checked with the rest of the configuration', () => {
  assert.deepEqual(parseConfig({}).backup, { dir: null, everyHours: 24, keep: 7 });
  const set = parseConfig({ UPBEAT_BACKUP_DIR: 'backups', UPBEAT_BACKUP_EVERY_HOURS: '6', UPBEAT_BACKUP_KEEP: '3' }).backup;
  assert.equal(set.dir, path.resolve('backups'));
  assert.equal(set.everyHours, 6);
  assert.equal(set.keep, 3);
  assert.throws(() => parseConfig({ UPBEAT_BACKUP_KEEP: '0' }), /UPBEAT_BACKUP_KEEP/);
  assert.throws(() => parseConfig({ UPBEAT_BACKUP_EVERY_HOURS: 'daily' }), /UPBEAT_BACKUP_EVERY_HOURS/);
});
