import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { NewCheck, SiteSettings } from '../../db/domain';
import { openAppStore } from '../../lib/store';
import { startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';

const SITES = 10_000;
const nameOf = (i: number) => `site-${String(i).padStart(5, '0')}`;

/** Every 100th site checks a TCP port and every 100th (offset 50) a DNS record; one push site never pinged. */
function settingsOf(i: number): SiteSettings {
  if (i % 100 === 7) return newSite({ name: nameOf(i), kind: 'tcp', url: 'tcp://127.0.0.1:5432' });
  if (i % 100 === 57) return newSite({ name: nameOf(i), kind: 'dns', url: 'dns://db.internal.test', dnsRecordType: 'MX' });
  return newSite({ name: nameOf(i), url: `http://127.0.0.1:9/s/${i}` });
}

function seed(dbPath: string) {
  const store = openAppStore(dbPath);
  const now = Date.now();
  const checks: NewCheck[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < SITES; i++) {
      const site = store.createSite(settingsOf(i), now - 3_600_000);
      checks.push(newCheck(site.id, now - 30_000 - (i % 60) * 1000));
    }
    store.createSite(newSite({ name: 'nightly-backup', kind: 'push', url: 'push:' }), now - 3_600_000);
  })();
  store.recordChecks(checks);
  store.close();
}

const rowCount = (page: Page) => page.locator('tbody tr').count();

test('the overview at 10,000 sites renders a window of rows; the end, a far search and the kinds all show', async (t) => {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  seed(dbPath);
  const [app, browser] = await Promise.all([startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } }), launchBrowser(t)]);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(app.baseUrl);
  // Every site is loaded once the live stream opens; the summary counts them all.
  await page.getByRole('list', { name: `Summary of ${SITES + 1} sites; show only a state` }).waitFor();
  const table = page.getByRole('table');
  await page.waitForFunction((n) => document.querySelector('table')?.getAttribute('aria-rowcount') === String(n), SITES + 2);

  const first = await rowCount(page);
  assert.ok(first >= 10 && first <= 80, `${first} rows in the DOM for ${SITES + 1} sites`);
  // Pending first (the push site waits for its first ping), then the rest by name.
  const firstRow = page.locator('tbody tr').first();
  assert.equal(await firstRow.getAttribute('aria-rowindex'), '2');
  assert.equal(await firstRow.locator('.site-name').textContent(), 'nightly-backup');
  assert.equal(await firstRow.getByTestId('site-kind').textContent(), 'Push');
  assert.equal(await firstRow.locator('.site-host').textContent(), 'waiting for first ping');

  // The end of the page is the end of the list, still with a window of rows.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const last = page.locator(`tbody tr[aria-rowindex="${SITES + 2}"]`);
  await last.waitFor();
  assert.equal(await last.locator('.site-name').textContent(), nameOf(SITES - 1));
  assert.ok(await last.isVisible(), 'the last site is on screen');
  const atEnd = await rowCount(page);
  assert.ok(atEnd <= 80, `${atEnd} rows in the DOM at the end of the list`);

  // Back up, and the keyboard goes to the last row and back to the first without the mouse.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('tbody tr[aria-rowindex="3"] .site-name').focus();
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') === String(n), SITES + 2);
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((n) => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') === String(n), SITES + 1);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), nameOf(SITES - 2));
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') === '2');
  // Scrolled far away, the focused row stays in the DOM and keeps the focus, and the window moved on.
  await page.evaluate(() => window.scrollTo(0, 330_000));
  await page.waitForFunction(() => document.querySelector('tbody tr[aria-rowindex="5002"]') !== null);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'nightly-backup');
  assert.ok((await rowCount(page)) <= 81, 'the window and the focused row, no more');

  // A site far down the list is one search away.
  const search = page.getByRole('searchbox');
  await search.fill(nameOf(9876));
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  assert.equal(await page.locator('tbody tr .site-name').textContent(), nameOf(9876));
  assert.equal(await table.getAttribute('aria-rowcount'), '2');

  // The kind shows on the row in its own syntax, and the search finds sites by it.
  await search.fill('tcp');
  await page.waitForFunction((n) => document.querySelector('table')?.getAttribute('aria-rowcount') === String(n), SITES / 100 + 1);
  const tcpRow = page.locator('tbody tr').first();
  assert.equal(await tcpRow.getByTestId('site-kind').textContent(), 'TCP');
  assert.equal(await tcpRow.locator('.site-host').textContent(), 'tcp://127.0.0.1:5432');
  await search.fill('dns mx');
  // The same number of rows matches as for "tcp": wait for the rows themselves to change, not the count.
  await page.waitForFunction(
    (n) =>
      document.querySelector('table')?.getAttribute('aria-rowcount') === String(n) &&
      document.querySelector('tbody tr [data-testid="site-kind"]')?.textContent === 'DNS',
    SITES / 100 + 1,
  );
  const dnsRow = page.locator('tbody tr').first();
  assert.equal(await dnsRow.getByTestId('site-kind').textContent(), 'DNS');
  assert.equal(await dnsRow.locator('.site-host').textContent(), 'db.internal.test MX');
  assert.equal(await page.locator('tbody tr').filter({ hasText: 'HTTP' }).count(), 0);

  assert.deepEqual(errors, []);
});
