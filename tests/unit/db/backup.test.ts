import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BackupAbortedError, backupDatabase, holdExclusively, inspectDatabaseFile, UnreadableDatabaseError } from '../../../db/backup';
import { knownSchemaVersion } from '../../../db/connection';
import { newCheck, newSite } from '../../helpers/factories';
import { tempDir } from '../../helpers/temp-store';
import { openAppStore } from '../../../lib/store';

const MINUTE = 60_000;

/** A store on a file with `sites` sites and `checksPerSite` checks each: a few hundred pages. */
function seeded(dir: string, sites = 20, checksPerSite = 300) {
  const file = path.join(dir, 'upbeat.db');
  const store = openAppStore(file);
  const now = Date.now();
  for (let s = 0; s < sites; s++) {
    const site = store.createSite(newSite({ name: `site ${s}`, url: `http://127.0.0.1:9/${s}` }));
    store.recordChecks(Array.from({ length: checksPerSite }, (_, i) => newCheck(site.id, now - (checksPerSite - i) * MINUTE)));
  }
  return { file, store, firstSite: store.listSites()[0]! };
}

test('a backup is the database as it was when the copy began, though another connection writes as each step completes', async (t) => {
  const dir = tempDir(t);
  const { file, store, firstSite } = seeded(dir);
  t.after(() => store.close());
  const before = store.countChecks();
  const dest = path.join(dir, 'copy.db');
  const remaining: number[] = [];
  let written = 0;
  const outcome = await backupDatabase(file, dest, {
    pagesPerStep: 1,
    onProgress: ({ remainingPages }) => {
      remaining.push(remainingPages);
      // The checker's kind of write, through another connection, while the copy's thread goes on stepping.
      store.recordChecks([newCheck(firstSite.id, Date.now() + written++)]);
    },
  });
  assert.ok(remaining.length > 50, `only ${remaining.length} steps: the test needs a copy of many steps`);
  assert.ok(written > 50);
  // Never started over: each step leaves fewer pages to copy.
  for (let i = 1; i < remaining.length; i++) assert.ok(remaining[i]! < remaining[i - 1]!, `restarted at step ${i}`);
  assert.equal(store.countChecks(), before + written);

  const copy = new Database(dest, { readonly: true });
  t.after(() => copy.close());
  assert.equal(copy.prepare('SELECT count(*) FROM checks').pluck().get(), before);
  assert.deepEqual(copy.pragma('integrity_check', { simple: true }), 'ok');
  // One self-contained file: out of WAL mode, nothing beside it.
  assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete');
  assert.equal(fs.existsSync(`${dest}-wal`), false);
  assert.equal(outcome.bytes, fs.statSync(dest).size);
});

test('the copy goes on while the caller’s event loop is held: it runs on a thread of its own', async (t) => {
  const dir = tempDir(t);
  const { file, store } = seeded(dir, 20, 600);
  t.after(() => store.close());
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const sourceBytes = fs.statSync(file).size;
  const dest = path.join(dir, 'copy.db');
  const copying = backupDatabase(file, dest, { pagesPerStep: 1 });
  // Hold this thread without a single turn of its event loop until the copy has written most of the file; on
  // this thread the copy could not take one step meanwhile. The deadline only keeps a failure from hanging.
  const deadline = Date.now() + 30_000;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let copied = 0;
  while (Date.now() < deadline) {
    copied = fs.existsSync(dest) ? fs.statSync(dest).size : 0;
    if (copied >= sourceBytes * 0.9) break;
    Atomics.wait(sleeper, 0, 0, 5);
  }
  assert.ok(copied >= sourceBytes * 0.9, `the copy reached ${copied} of ${sourceBytes} bytes while this thread was held`);
  const outcome = await copying;
  assert.equal(outcome.bytes, fs.statSync(dest).size);
});

test('a stop takes effect at the next step, and the promise rejects once the copy is closed', async (t) => {
  const dir = tempDir(t);
  const { file, store } = seeded(dir);
  t.after(() => store.close());
  const dest = path.join(dir, 'copy.db');
  const controller = new AbortController();
  let steps = 0;
  const copying = backupDatabase(file, dest, {
    pagesPerStep: 1,
    signal: controller.signal,
    onProgress: () => {
      if (++steps === 5) controller.abort();
    },
  });
  await assert.rejects(copying, (err: Error) => err instanceof BackupAbortedError);
  assert.equal(steps, 5, 'no step is reported after the stop');
  // Closed by its thread before the promise settled: nothing of it is left open to remove.
  fs.rmSync(dest, { force: true });
  assert.equal(fs.existsSync(dest), false);
});

test('inspecting a file reports damage, its schema version and whether it is Upbeat’s', (t) => {
  const dir = tempDir(t);
  const { file, store } = seeded(dir, 5, 2000);
  store.close();
  const sound = inspectDatabaseFile(file);
  assert.deepEqual(sound.integrity, ['ok']);
  assert.equal(sound.schemaVersion, knownSchemaVersion());
  assert.equal(sound.isUpbeat, true);

  // Pages in the middle of the file overwritten: SQLite opens it, the integrity check finds the damage.
  const damaged = path.join(dir, 'damaged.db');
  fs.copyFileSync(file, damaged);
  const pageSize = 4096;
  const pages = fs.statSync(damaged).size / pageSize;
  const fd = fs.openSync(damaged, 'r+');
  for (let p = Math.floor(pages / 3); p < Math.floor(pages / 3) + 3; p++) fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, p * pageSize);
  fs.closeSync(fd);
  let integrity: string[];
  try {
    integrity = inspectDatabaseFile(damaged).integrity;
  } catch (err) {
    assert.ok(err instanceof UnreadableDatabaseError);
    integrity = [err.message];
  }
  assert.notDeepEqual(integrity, ['ok']);

  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, Buffer.alloc(8192, 0x42));
  assert.throws(() => inspectDatabaseFile(junk), (err: unknown) => err instanceof UnreadableDatabaseError && err.code === 'SQLITE_NOTADB');

  const other = path.join(dir, 'other.db');
  const db = new Database(other);
  db.exec('CREATE TABLE notes (body TEXT)');
  db.close();
  assert.equal(inspectDatabaseFile(other).isUpbeat, false);
});

test('an exclusive hold is refused while any connection has the database open, idle or not', (t) => {
  const dir = tempDir(t);
  const { file, store } = seeded(dir, 1, 10);
  // The store is open and idle, as a web server between requests.
  assert.equal(holdExclusively(file), 'busy');
  store.writeSelfReport({ pid: 4242, startedAt: 1, reportedAt: 2, stoppedAt: null, stats: null });
  store.close();
  const hold = holdExclusively(file);
  assert.notEqual(hold, 'busy');
  if (hold === 'busy') return;
  try {
    assert.equal(hold.readSelfReport()?.pid, 4242);
    // While held, nobody else gets in.
    const other = new Database(file, { timeout: 0 });
    assert.throws(() => other.prepare('SELECT count(*) FROM sites').get(), { code: 'SQLITE_BUSY' });
    other.close();
    assert.equal(hold.checkpoint(), true);
  } finally {
    hold.release();
  }
  const again = openAppStore(file);
  t.after(() => again.close());
  assert.equal(again.countSites(), 1);
});
