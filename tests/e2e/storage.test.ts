import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeBackup } from '../../lib/backup/make-backup';
import type { NewCheck } from '../../db/domain';
import { startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { eventually } from '../helpers/eventually';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/** The storage page against a seeded database and a non-default retention, reached from the header. */

const MINUTE = 60_000;
const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

test('the storage page shows the size on disk, rows per table, the retention in force and a projection', async (t) => {
  const dbPath = path.join(tempDir(t, 'upbeat-storage-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  t.after(() => store.close());
  const now = Date.now();
  const a = store.createSite(newSite({ name: 'A', url: 'https://a.example.test/', intervalSeconds: 60 }));
  store.createSite(newSite({ name: 'B', intervalSeconds: 30 }));
  store.createSite(newSite({ name: 'Paused', paused: true }));
  const checks: NewCheck[] = [];
  for (let i = 0; i < 3000; i++) {
    checks.push(newCheck(a.id, now - (3000 - i) * MINUTE, { tlsExpiresAt: now + 40 * 86_400_000, tlsIssuer: 'Example CA' }));
  }
  store.recordChecks(checks);
  const counts = store.countRows();

  const app = await startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off', UPBEAT_RETAIN_RAW_DAYS: '3', UPBEAT_RETAIN_DAY_DAYS: '400' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, { locale: 'en-US' }, app);
  await page.goto(app.baseUrl);
  await page.getByRole('banner').getByRole('link', { name: 'Storage' }).click();
  await page.waitForURL(/\/settings\/storage$/);
  assert.equal(await page.locator('h1').textContent(), 'Storage');
  // After a client-side navigation the new title is applied a moment after the page's content.
  await eventually('the title “Storage · Upbeat”', async () => (await page.title()) === 'Storage · Upbeat', 10_000);

  // Size on disk: the file and its write-ahead log, as the file system has them.
  const onDisk = fs.statSync(dbPath).size + (fs.existsSync(`${dbPath}-wal`) ? fs.statSync(`${dbPath}-wal`).size : 0);
  const size = (await page.getByTestId('db-size').textContent()) ?? '';
  const shown = /On disk([\d.]+) (KB|MB)/.exec(size);
  assert.ok(shown, size);
  const bytes = Number(shown[1]) * (shown[2] === 'MB' ? 1e6 : 1e3);
  assert.ok(Math.abs(bytes - onDisk) / onDisk < 0.5, `shown ${size}, on disk ${onDisk} B`);

  // Rows per table, as the store counts them.
  for (const [table, n] of Object.entries(counts)) {
    const row = page.locator(`[data-testid="storage-tables"] tr[data-table="${table}"]`);
    assert.equal(await row.getAttribute('data-rows'), String(n), table);
    assert.match((await row.textContent()) ?? '', new RegExp(n.toLocaleString('en-US')));
  }
  assert.equal(counts.checks, 3000);
  assert.equal(counts.check_tls, 1);

  // The retention in force: the two overrides, the defaults otherwise.
  const retention = page.getByTestId('storage-retention');
  assert.match((await retention.locator('[data-env="UPBEAT_RETAIN_RAW_DAYS"]').textContent()) ?? '', /Raw checks3 days/);
  assert.match((await retention.locator('[data-env="UPBEAT_RETAIN_MINUTE_HOURS"]').textContent()) ?? '', /48 hours/);
  assert.match((await retention.locator('[data-env="UPBEAT_RETAIN_HOUR_DAYS"]').textContent()) ?? '', /90 days/);
  assert.match((await retention.locator('[data-env="UPBEAT_RETAIN_DAY_DAYS"]').textContent()) ?? '', /400 days/);

  // Steady state for the two active sites (60 s and 30 s; the paused one adds nothing).
  const projection = page.getByTestId('storage-projection');
  const rowsOf = async (table: string) => Number(await projection.locator(`tr[data-table="${table}"]`).getAttribute('data-rows'));
  assert.equal(await rowsOf('checks'), 3 * 1440 + 3 * 2880);
  assert.equal(await rowsOf('rollup_minute'), 2 * 48 * 60);
  assert.equal(await rowsOf('rollup_hour'), 2 * 90 * 24);
  assert.equal(await rowsOf('rollup_day'), 2 * 400);
  assert.match((await page.getByTestId('db-projection').textContent()) ?? '', /At steady state[\d.]+ (KB|MB)for 2 active sites/);
  // Measured on this database where a table holds enough rows, a typical figure elsewhere.
  assert.match((await projection.locator('tr[data-table="checks"]').textContent()) ?? '', /measured/);
  assert.match((await projection.locator('tr[data-table="rollup_day"]').textContent()) ?? '', /typical/);

  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'storage-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(OUTPUT, 'storage-dark.png'), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no sideways scrolling at 375 px (page is ${width} px wide)`);
  assert.deepEqual(errors, []);
});

test('the storage page shows the last backup, or how to make one, and the schedule in force', async (t) => {
  const dir = tempDir(t, 'upbeat-storage-backup-');
  const dbPath = path.join(dir, 'upbeat.db');
  const store = openAppStore(dbPath);
  store.createSite(newSite({ name: 'A' }));
  store.close();
  const backups = path.join(dir, 'backups');
  const app = await startApp(t, {
    dbPath,
    env: { UPBEAT_MONITOR: 'off', UPBEAT_BACKUP_DIR: backups, UPBEAT_BACKUP_EVERY_HOURS: '6', UPBEAT_BACKUP_KEEP: '3' },
  });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, { locale: 'en-US' }, app);
  await page.goto(`${app.baseUrl}/settings/storage`);
  const last = page.getByTestId('last-backup');
  assert.equal(await last.textContent(), 'No backup yet. Make one while Upbeat runs: npm run backup -- FILE');
  const schedule = (await page.getByTestId('backup-schedule').textContent()) ?? '';
  assert.ok(schedule.includes(`The checker backs up every 6 hours into ${backups}, keeping the newest 3.`), schedule);
  assert.match(schedule, /Restore with Upbeat stopped: npm run restore -- FILE/);

  // A backup of the database the server has open, made as `npm run backup` makes it.
  const made = await makeBackup(dbPath, path.join(dir, 'before-upgrade.db'));
  await page.reload();
  const text = (await last.textContent()) ?? '';
  // "just now" on a quiet machine; a loaded one may take a few seconds to reload.
  assert.match(text, /^Last backup (just now|\d+ s ago): .*before-upgrade\.db, [\d.]+ KB$/);
  assert.ok(text.includes(made.file), text);
  assert.equal(await last.locator('time').getAttribute('dateTime'), new Date(made.at).toISOString());

  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'storage-backup.png'), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no sideways scrolling at 375 px (page is ${width} px wide)`);
  assert.deepEqual(errors, []);
});
