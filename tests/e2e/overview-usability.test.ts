import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type Store } from '../../db';
import type { NewCheck } from '../../db/domain';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * What a newcomer to the overview needs: the path of each site, why a site is down in words, chips that filter
 * and headers that sort (kept in the URL), a visible confirmation of each change, a warning for a URL already
 * watched, and request headers in the form without leaking or losing stored secrets. The checker is off: every
 * check shown is one this file wrote.
 */

const MIN = 60_000;
const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

interface Seeded {
  health: number;
  api: number;
  dns: number;
  slow: number;
}

function seed(store: Store): Seeded {
  const now = Date.now();
  const at = (k: number) => now - (4 - k) * MIN;
  const make = (name: string, url: string) => store.createSite(newSite({ name, url }), now - 3_600_000).id;
  // Two sites on one host, told apart only by their paths.
  const health = make('Shop health', 'https://shop.example.test/health');
  const api = make('Shop API', 'https://shop.example.test/api/v2/orders?limit=1');
  const dns = make('Gone host', 'https://nowhere.example.test/');
  const slow = make('Slow site', 'http://slow.example.test:8080/');
  const checks: NewCheck[] = [];
  const timed = (id: number, k: number, total: number, over: Partial<NewCheck> = {}) =>
    newCheck(id, at(k), { timings: { dnsMs: 1, connectMs: 1, tlsMs: 1, ttfbMs: total - 4, transferMs: 1, totalMs: total }, ...over });
  // 2 of 3 passed: 66.67 % when rounded, 66.66 % when cut off.
  checks.push(timed(health, 1, 40), timed(health, 2, 42), timed(health, 3, 41, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503 (expected 200-399)' } }));
  checks.push(timed(api, 1, 120), timed(api, 2, 130), timed(api, 3, 125));
  checks.push(
    timed(dns, 3, 3, {
      ok: false,
      statusCode: null,
      error: { kind: 'dns', message: 'cannot resolve nowhere.example.test (ENOTFOUND)' },
    }),
  );
  checks.push(timed(slow, 2, 900), timed(slow, 3, 950));
  store.recordChecks(checks);
  return { health, api, dns, slow };
}

async function setup(t: import('node:test').TestContext) {
  const dbPath = path.join(tempDir(t, 'upbeat-overview-usability-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  t.after(() => store.close());
  const ids = seed(store);
  const [app, browser] = await Promise.all([startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } }), launchBrowser(t)]);
  return { store, ids, app, browser };
}

const rowOf = (page: Page, name: string) => page.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
const rowNames = (page: Page) =>
  page.locator('tbody tr .site-name').evaluateAll((els) => els.map((e) => e.textContent ?? ''));

async function apiSite(app: RunningApp, id: number) {
  const res = await fetch(`${app.baseUrl}/api/sites/${id}`, { headers: app.authHeaders });
  return (await res.json()) as { name: string; url: string; headers: Record<string, string> };
}

test('overview rows: the path tells sites on one host apart, the reason for a failure is written out, uptime is rounded', async (t) => {
  const { app, browser } = await setup(t);
  const { page, errors } = await openPage(browser, { viewport: { width: 375, height: 812 }, isMobile: true }, app);
  await page.goto(app.baseUrl);

  assert.equal(await rowOf(page, 'Shop health').locator('.site-host').textContent(), 'shop.example.test/health');
  assert.equal(await rowOf(page, 'Shop API').locator('.site-host').textContent(), 'shop.example.test/api/v2/orders?limit=1');
  assert.equal(await rowOf(page, 'Slow site').locator('.site-host').textContent(), 'slow.example.test:8080');

  // Visible text, on a touch screen, not a tooltip.
  const dnsProblem = rowOf(page, 'Gone host').getByTestId('site-problem');
  assert.ok(await dnsProblem.isVisible());
  assert.equal(await dnsProblem.textContent(), 'DNS: cannot resolve nowhere.example.test (ENOTFOUND)');
  assert.equal(await rowOf(page, 'Shop health').getByTestId('site-problem').textContent(), 'HTTP 503');
  assert.equal(await rowOf(page, 'Shop API').getByTestId('site-problem').count(), 0, 'nothing to explain when up');

  assert.match(await rowOf(page, 'Shop health').locator('.cell-uptime').innerText(), /66\.67%/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  assert.deepEqual(errors, []);
});

test('summary chips filter and column headers sort; both stay in the URL across a reload', async (t) => {
  const { app, browser } = await setup(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(app.baseUrl);
  assert.equal(await page.locator('tbody tr').count(), 4);

  const downChip = page.getByRole('button', { name: /2\s+down/ });
  assert.equal(await downChip.getAttribute('aria-pressed'), 'false');
  await downChip.click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
  assert.deepEqual((await rowNames(page)).sort(), ['Gone host', 'Shop health']);
  assert.equal(await downChip.getAttribute('aria-pressed'), 'true');
  assert.equal(new URL(page.url()).searchParams.get('state'), 'down');

  // The filter survives a reload: the server renders the same rows.
  await page.reload();
  assert.equal(await page.locator('tbody tr').count(), 2);
  assert.equal(await page.getByRole('button', { name: /2\s+down/ }).getAttribute('aria-pressed'), 'true');

  // A second chip adds its state; toggling both off shows everything again.
  await page.getByRole('button', { name: /2\s+up/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
  assert.equal(new URL(page.url()).searchParams.get('state'), 'up,down');
  await page.getByRole('button', { name: /2\s+up/ }).click();
  await page.getByRole('button', { name: /2\s+down/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
  assert.equal(new URL(page.url()).search, '');

  // Sorting: latency ascending, then descending, with aria-sort on the header.
  const latencyHeader = page.getByRole('columnheader', { name: /Latency/ });
  assert.equal(await page.getByRole('columnheader', { name: /State/ }).getAttribute('aria-sort'), 'ascending');
  await latencyHeader.getByRole('button').click();
  assert.equal(await latencyHeader.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await rowNames(page), ['Gone host', 'Shop health', 'Shop API', 'Slow site']);
  await latencyHeader.getByRole('button').click();
  assert.equal(await latencyHeader.getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await rowNames(page), ['Slow site', 'Shop API', 'Shop health', 'Gone host']);
  assert.equal(await page.getByRole('columnheader', { name: /State/ }).getAttribute('aria-sort'), null);

  await page.getByRole('columnheader', { name: /Site/ }).getByRole('button').click();
  assert.deepEqual(await rowNames(page), ['Gone host', 'Shop API', 'Shop health', 'Slow site']);
  const uptime = page.getByRole('columnheader', { name: /Uptime/ });
  await uptime.getByRole('button').click();
  assert.deepEqual((await rowNames(page)).slice(0, 2), ['Gone host', 'Shop health'], 'lowest uptime first');
  await uptime.getByRole('button').click();
  assert.equal(await uptime.getAttribute('aria-sort'), 'descending');
  assert.equal((await rowNames(page)).at(-1), 'Gone host');
  const params = new URL(page.url()).searchParams;
  assert.deepEqual([params.get('sort'), params.get('dir')], ['uptime', 'desc']);

  await page.reload();
  assert.equal(await page.getByRole('columnheader', { name: /Uptime/ }).getAttribute('aria-sort'), 'descending');
  assert.equal((await rowNames(page)).at(-1), 'Gone host');
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'overview-sorted-filtered.png') });
  assert.deepEqual(errors, []);
});

test('add, save and delete confirm in a status toast; a URL already watched is warned about but allowed', async (t) => {
  const { app, browser } = await setup(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(app.baseUrl);
  const toast = page.getByRole('status').filter({ hasText: /\S/ });

  await page.getByRole('button', { name: 'New site' }).click();
  const form = page.getByRole('dialog', { name: 'Add a site' });
  await form.getByLabel('URL', { exact: true }).fill('https://blog.example.test/');
  assert.equal(await form.getByTestId('duplicate-warning').count(), 0);
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  await toast.filter({ hasText: 'Added blog.example.test' }).waitFor();
  assert.ok(await toast.isVisible());

  // The same URL again, spelt differently: warned, and still added.
  await page.getByRole('button', { name: 'New site' }).click();
  await form.getByLabel('URL', { exact: true }).fill('https://SHOP.example.test/health');
  const warning = form.getByTestId('duplicate-warning');
  await warning.waitFor();
  assert.match(await warning.innerText(), /Already monitored as Shop health/);
  await form.getByLabel('Name', { exact: true }).fill('Shop health again');
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'add-site-duplicate.png') });
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  await toast.filter({ hasText: 'also monitored as Shop health' }).waitFor();
  await rowOf(page, 'Shop health again').waitFor();

  await rowOf(page, 'Slow site').getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Slow site' });
  assert.equal(await edit.getByTestId('duplicate-warning').count(), 0, 'a site is no duplicate of itself');
  await edit.getByLabel('Name', { exact: true }).fill('Slower site');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await toast.filter({ hasText: 'Saved Slower site' }).waitFor();

  await rowOf(page, 'Slower site').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete Slower site?' }).getByRole('button', { name: 'Delete site' }).click();
  await toast.filter({ hasText: 'Deleted Slower site' }).waitFor();
  assert.deepEqual(errors, []);
});

test('request headers in the form: added as rows, kept when untouched, never overwritten with the masked value', async (t) => {
  const { store, app, browser } = await setup(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(app.baseUrl);

  await page.getByRole('button', { name: 'New site' }).click();
  const form = page.getByRole('dialog', { name: 'Add a site' });
  await form.getByLabel('URL', { exact: true }).fill('https://private.example.test/status');
  await form.getByText('Advanced').click();
  await form.getByRole('button', { name: 'Add header' }).click();
  await form.getByLabel('Header 1 name').fill('Authorization');
  await form.getByLabel('Header 1 value').fill('Bearer s3cret-token-value');
  await form.getByRole('button', { name: 'Add header' }).click(); // a blank row is ignored
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  const site = store.listSites().find((s) => s.url === 'https://private.example.test/status')!;
  assert.deepEqual(site.headers, { Authorization: 'Bearer s3cret-token-value' });

  // Editing something else leaves the stored secret alone; the form never saw it.
  const row = rowOf(page, 'private.example.test');
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit private.example.test' });
  await edit.getByText('Advanced').click();
  assert.equal(await edit.getByLabel('Header 1 name').inputValue(), 'Authorization');
  assert.equal(await edit.getByLabel('Header 1 value').inputValue(), '');
  assert.match((await edit.getByLabel('Header 1 value').getAttribute('placeholder')) ?? '', /^•+ \(stored; type to replace\)$/);
  assert.doesNotMatch(await page.content(), /s3cret/);
  await edit.getByLabel('Name', { exact: true }).fill('Private');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await edit.waitFor({ state: 'hidden' });
  assert.deepEqual(store.getSite(site.id)!.headers, { Authorization: 'Bearer s3cret-token-value' });
  assert.equal(store.getSite(site.id)!.name, 'Private');

  // Adding a header replaces the set: the kept one must be typed again, or nothing is saved.
  await rowOf(page, 'Private').getByRole('button', { name: 'Edit' }).click();
  const again = page.getByRole('dialog', { name: 'Edit Private' });
  await again.getByText('Advanced').click();
  await again.getByRole('button', { name: 'Add header' }).click();
  await again.getByLabel('Header 2 name').fill('X-Tenant');
  await again.getByLabel('Header 2 value').fill('blue');
  await again.getByRole('button', { name: 'Save changes' }).click();
  await again.getByText(/need the value of "Authorization" typed again/).waitFor();
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'edit-site-headers.png') });
  assert.deepEqual(store.getSite(site.id)!.headers, { Authorization: 'Bearer s3cret-token-value' });
  await again.getByLabel('Header 1 value').fill('Bearer n3w-token-value');
  await again.getByRole('button', { name: 'Save changes' }).click();
  await again.waitFor({ state: 'hidden' });
  assert.deepEqual(store.getSite(site.id)!.headers, { Authorization: 'Bearer n3w-token-value', 'X-Tenant': 'blue' });

  // Removing one sends the rest only if they are typed again; removing all clears them.
  await rowOf(page, 'Private').getByRole('button', { name: 'Edit' }).click();
  const last = page.getByRole('dialog', { name: 'Edit Private' });
  await last.getByText(/Advanced/).click();
  await last.getByRole('button', { name: 'Remove header X-Tenant' }).click();
  await last.getByRole('button', { name: 'Remove header Authorization' }).click();
  await last.getByRole('button', { name: 'Save changes' }).click();
  await last.waitFor({ state: 'hidden' });
  assert.deepEqual(store.getSite(site.id)!.headers, {});
  const shown = await apiSite(app, site.id);
  assert.deepEqual(shown.headers, {});
  assert.deepEqual(errors, []);
});
