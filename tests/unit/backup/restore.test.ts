import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../db';
import { knownSchemaVersion } from '../../../db/connection';
import { makeBackup } from '../../../lib/backup/make-backup';
import { restoreDatabase } from '../../../lib/backup/restore';
import { BackupError } from '../../../lib/backup/errors';
import { runCli, snapshotDir, spawnChecker, until } from '../../helpers/backup-cli';
import { newSite } from '../../helpers/factories';
import { tempDir } from '../../helpers/temp-store';
import { nextSiteState } from '../../../lib/monitor/state';

const root = path.resolve(import.meta.dirname, '../../..');

function siteNames(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], string>('SELECT name FROM sites ORDER BY id').pluck().all();
  } finally {
    db.close();
  }
}

/** A database at `dir/upbeat.db` holding the named sites, closed. */
function databaseWith(dir: string, ...names: string[]): string {
  const file = path.join(dir, 'upbeat.db');
  const store = openStore(file, { decideState: nextSiteState });
  for (const name of names) store.createSite(newSite({ name }));
  store.close();
  return file;
}

test('npm run backup writes a copy that npm run restore puts back, keeping the replaced database aside', async (t) => {
  const dir = tempDir(t);
  const db = databaseWith(dir, 'original');
  const backup = path.join(dir, 'backups', 'monday.db');
  fs.mkdirSync(path.dirname(backup));
  const made = await runCli('backup', db, [backup]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /backup: wrote .*monday\.db \([\d.]+ KB\)/);
  assert.deepEqual(fs.readdirSync(path.dirname(backup)), ['monday.db'], 'a partial file was left behind');
  // A second backup to the same name would replace a good one: refused unless asked.
  const again = await runCli('backup', db, [backup]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists already \(pass --force/);

  const store = openStore(db, { decideState: nextSiteState });
  store.createSite(newSite({ name: 'added after the backup' }));
  store.close();

  const restored = await runCli('restore', db, [backup]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.deepEqual(siteNames(db), ['original']);
  const aside = fs.readdirSync(dir).filter((f) => f.startsWith('upbeat.db.before-restore-'));
  assert.equal(aside.length, 1);
  assert.match(restored.stdout, new RegExp(`kept as .*${aside[0]!.replaceAll('.', '\\.')}`));
  assert.deepEqual(siteNames(path.join(dir, aside[0]!)), ['original', 'added after the backup']);
  for (const side of ['-wal', '-shm']) assert.equal(fs.existsSync(db + side), false, `${side} left beside the restored file`);
  // The storage page's note of the backup.
  const note = JSON.parse(fs.readFileSync(`${db}.last-backup.json`, 'utf8')) as { last: { file: string; bytes: number } };
  assert.equal(note.last.file, backup);
  assert.equal(note.last.bytes, fs.statSync(backup).size);
});

test('transactions still in the log of a killed process go aside with the replaced file, never into the restored one', async (t) => {
  const dir = tempDir(t);
  const db = databaseWith(dir, 'original');
  const backup = path.join(dir, 'backup.db');
  await makeBackup(db, backup);

  // A process that commits and dies before any checkpoint: its transaction lives only in upbeat.db-wal.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `
      import { openStore } from './db/index.ts';
      import { nextSiteState } from './lib/monitor/state.ts';
      const store = openStore(${JSON.stringify(db)}, { decideState: nextSiteState });
      store.createSite({ name: 'only in the log', url: 'http://127.0.0.1:9/', method: 'GET', intervalSeconds: 60,
        timeoutMs: 5000, expectedStatus: '200-399', followRedirects: true, paused: false, headers: {} });
      console.log('committed');
      setInterval(() => {}, 1000);`],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => String(d).includes('committed') && resolve()));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(fs.statSync(`${db}-wal`).size > 0, 'the log should hold the transaction');
  assert.ok(fs.existsSync(`${db}-shm`));

  const result = await restoreDatabase(backup, db);
  assert.deepEqual(siteNames(db), ['original']);
  for (const side of ['-wal', '-shm']) assert.equal(fs.existsSync(db + side), false, `stale ${side} left beside the restored file`);
  // Folded in before it was moved: the kept file is complete on its own.
  assert.ok(result.keptAside);
  assert.equal(fs.existsSync(`${result.keptAside}-wal`), false);
  assert.deepEqual(siteNames(result.keptAside), ['original', 'only in the log']);
});

test('restore refuses a corrupt file, a non-Upbeat file and one from a newer schema, changing nothing', async (t) => {
  const dir = tempDir(t);
  const db = databaseWith(dir, 'original', 'second');
  const good = path.join(dir, 'good.db');
  await makeBackup(db, good);

  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, Buffer.alloc(64 * 1024, 0x42));

  const damaged = path.join(dir, 'damaged.db');
  fs.copyFileSync(good, damaged);
  const pageSize = 4096;
  const fd = fs.openSync(damaged, 'r+');
  // Page 2 onwards: the schema page survives, the tables' pages do not.
  for (let p = 1; p < fs.statSync(damaged).size / pageSize; p++) fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, p * pageSize);
  fs.closeSync(fd);

  const newer = path.join(dir, 'newer.db');
  fs.copyFileSync(good, newer);
  const raw = new Database(newer);
  raw.pragma(`user_version = ${knownSchemaVersion() + 1}`);
  raw.close();

  const other = path.join(dir, 'other.db');
  const o = new Database(other);
  o.exec('CREATE TABLE notes (body TEXT)');
  o.close();

  const cases = [
    { file: junk, message: /refused: .*junk\.db is not a readable SQLite database/ },
    { file: damaged, message: /refused: .*damaged\.db (is damaged: PRAGMA integrity_check found|is not a readable SQLite database)/ },
    { file: newer, message: new RegExp(`refused: .*newer\\.db was written by a newer Upbeat \\(schema version ${knownSchemaVersion() + 1}; this one knows up to ${knownSchemaVersion()}\\)`) },
    { file: other, message: /refused: .*other\.db is an SQLite database, but not Upbeat's/ },
    { file: path.join(dir, 'missing.db'), message: /refused: there is no backup file .*missing\.db/ },
  ];
  for (const c of cases) {
    const before = snapshotDir(dir);
    const run = await runCli('restore', db, [c.file]);
    assert.equal(run.code, 1, `${c.file}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, c.message);
    assert.match(run.stderr, /Nothing was changed\.$/m);
    assert.deepEqual(snapshotDir(dir), before, `${path.basename(c.file)} changed the folder`);
  }
  assert.deepEqual(siteNames(db), ['original', 'second']);
});

test('restore refuses while Upbeat runs against the database: an open connection, or a checker that reported just now', async (t) => {
  const dir = tempDir(t);
  const db = databaseWith(dir, 'live');
  const backup = path.join(tempDir(t), 'backup.db');
  await makeBackup(db, backup);
  const store = openStore(db, { decideState: nextSiteState });
  store.createSite(newSite({ name: 'after the backup' }));
  store.close();

  const checker = spawnChecker(t, db);
  await until('the checker to start', () => checker.output().includes('checker running'), 20_000);
  const run = await runCli('restore', db, [backup]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /refused: Upbeat is running against .*upbeat\.db \(another process has it open\): stop the web server and the checker first\. Nothing was changed\./);
  assert.equal(await checker.stop(), 0, checker.output());
  assert.deepEqual(siteNames(db), ['live', 'after the backup']);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => /before-restore|restoring/.test(f)), []);

  // No process has it open now, but a checker (say, on another machine sharing the file) reported 2 s ago.
  const s = openStore(db, { decideState: nextSiteState });
  s.writeSelfReport({ pid: 999_999, startedAt: Date.now() - 60_000, reportedAt: Date.now() - 2_000, stoppedAt: null, stats: null });
  s.close();
  const before = snapshotDir(dir);
  const fresh = await runCli('restore', db, [backup]);
  assert.equal(fresh.code, 1, fresh.stdout + fresh.stderr);
  assert.match(fresh.stderr, /refused: the checker \(pid 999999\) reported \d+ s ago and has not said it stopped: stop it first\. If it is no longer running, try again in \d+ s/);
  assert.deepEqual(snapshotDir(dir), before);

  // The same self-report, marked stopped: the restore goes ahead.
  await assert.rejects(restoreDatabase(backup, db), (err: unknown) => err instanceof BackupError && err.code === 'running');
  const s2 = openStore(db, { decideState: nextSiteState });
  s2.writeSelfReport({ pid: 999_999, startedAt: Date.now() - 60_000, reportedAt: Date.now() - 2_000, stoppedAt: Date.now() - 2_000, stats: null });
  s2.close();
  await restoreDatabase(backup, db);
  assert.deepEqual(siteNames(db), ['live']);
});

test('a backup from an older schema is restored and brought up to date at the next start', async (t) => {
  const dir = tempDir(t);
  const old = path.join(dir, 'old.db');
  const raw = new Database(old);
  raw.exec(fs.readFileSync(path.join(root, 'db/migrations/0001_init.sql'), 'utf8'));
  raw.pragma('user_version = 1');
  raw.prepare(`INSERT INTO sites (name, url, interval_s, timeout_ms, created_at, updated_at) VALUES ('from v1', 'http://127.0.0.1:9/', 60, 5000, 1, 1)`).run();
  raw.close();

  const db = path.join(dir, 'fresh', 'upbeat.db');
  const result = await restoreDatabase(old, db);
  assert.equal(result.keptAside, null);
  assert.equal(result.schemaVersion, 1);
  const store = openStore(db, { decideState: nextSiteState });
  t.after(() => store.close());
  assert.equal(store.db.pragma('user_version', { simple: true }), knownSchemaVersion());
  assert.deepEqual(store.listSites().map((s) => s.name), ['from v1']);
});
