import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { NewCheck } from '../../db/domain';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { startTarget } from '../fixtures/controllable-target';
import { openAppStore } from '../../lib/store';

const root = path.resolve(import.meta.dirname, '..', '..');
const outputDir = path.join(root, 'tests', 'output');

interface ApiSiteLite {
  id: number;
  name: string;
  url: string;
  intervalSeconds: number;
  paused: boolean;
  state: string;
}

async function listSites(app: RunningApp): Promise<ApiSiteLite[]> {
  const res = await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders });
  assert.equal(res.status, 200);
  return ((await res.json()) as { sites: ApiSiteLite[] }).sites;
}

/** The table row of the site with this name (each row holds the name as text). */
const rowOf = (page: Page, name: string) => page.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name }) });

/** Marks the window so the test can tell that the page was never reloaded. */
async function markNoReload(page: Page) {
  await page.evaluate(() => ((window as unknown as { __upbeatMark: number }).__upbeatMark = 42));
}
async function assertNoReload(page: Page) {
  assert.equal(await page.evaluate(() => (window as unknown as { __upbeatMark?: number }).__upbeatMark), 42, 'the page reloaded');
}

test('add a site in the browser, watch it go pending → up → down, edit, pause and delete it, all without a reload', async (t) => {
  const target = await startTarget(t, 200);
  const app = await startApp(t);
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);

  await page.goto(app.baseUrl);
  await page.getByRole('heading', { name: 'Nothing watched yet' }).waitFor();
  fs.mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: path.join(outputDir, 'overview-empty.png') });
  await markNoReload(page);

  // Record every state the new row shows, from the moment it exists. (A string, because the test's
  // TypeScript transform would wrap named functions in a helper the page does not have.)
  await page.evaluate(`{
    const seen = [];
    window.__states = seen;
    new MutationObserver(() => {
      const state = document.querySelector('tbody tr[data-site-id]')?.getAttribute('data-state');
      if (state && seen[seen.length - 1] !== state) seen.push(state);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }`);

  await page.getByRole('button', { name: 'Add your first site' }).click();
  const form = page.getByRole('dialog', { name: 'Add a site' });
  await form.getByLabel('URL', { exact: true }).fill(target.url);
  await form.getByLabel('Name', { exact: true }).fill('Shop');
  await form.getByLabel('Check every', { exact: true }).fill('2');
  await form.getByLabel('Timeout', { exact: true }).fill('1000');
  await form.getByText('Advanced').click();
  await form.getByLabel('Method', { exact: true }).selectOption('GET');
  await form.getByLabel('Expected status codes', { exact: true }).fill('200-299');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });

  const row = rowOf(page, 'Shop');
  await row.locator('[data-state="up"]').waitFor({ timeout: 5000 });
  const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
  assert.deepEqual(states.slice(0, 2), ['pending', 'up'], `states seen: ${states.join(' → ')}`);
  assert.match(await row.innerText(), /up/);
  assert.match(await row.innerText(), /127\.0\.0\.1/);
  assert.match(await row.innerText(), /200/);
  assert.equal(await page.title(), 'Upbeat');
  const [stored] = await listSites(app);
  assert.equal(stored?.name, 'Shop');
  assert.equal(stored?.intervalSeconds, 2);
  assert.equal(await row.getByRole('link', { name: 'Shop' }).getAttribute('href'), `/sites/${stored!.id}`);

  // The target starts failing: a site is down once confirmAfter (default 2) checks in a row have
  // failed, the retry coming at most one interval after the first failure; the row turns down
  // within those two intervals plus 3 s for the push to the page, without a reload.
  const flippedAt = Date.now();
  target.setStatus(500);
  await row.locator('[data-state="down"]').waitFor({ timeout: 2 * 2000 + 3000 });
  t.diagnostic(`target failing → row shows down: ${Date.now() - flippedAt} ms (interval 2 s)`);
  assert.match(await row.innerText(), /500/);
  await page.waitForFunction(() => document.title === '(1 down) Upbeat');
  assert.equal(
    await page.locator('link[rel~="icon"]').first().getAttribute('href'),
    '/favicon-down.svg',
    'the favicon shows that something is down',
  );
  // Down sites are summarised at the top.
  assert.match(await page.getByRole('list', { name: /Summary/ }).innerText(), /1\s+down/);

  // Edit: a longer interval.
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Shop' });
  assert.equal(await edit.getByLabel('URL', { exact: true }).inputValue(), target.url);
  await edit.getByLabel('Check every', { exact: true }).fill('5');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await edit.waitFor({ state: 'hidden' });
  assert.equal((await listSites(app))[0]?.intervalSeconds, 5);

  // Pause: the row says so, the API agrees, and a paused site does not count as down.
  await row.getByRole('button', { name: 'Pause' }).click();
  await row.locator('[data-state="paused"]').waitFor({ timeout: 2000 });
  assert.equal((await listSites(app))[0]?.paused, true);
  await page.waitForFunction(() => document.title === 'Upbeat');
  await row.getByRole('button', { name: 'Resume' }).waitFor();

  // Delete, through a real confirmation dialog (Cancel first: nothing happens).
  await row.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Shop?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden' });
  assert.equal((await listSites(app)).length, 1);
  await row.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'Delete site' }).click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(await listSites(app), []);
  await page.getByRole('heading', { name: 'Nothing watched yet' }).waitFor();

  await assertNoReload(page);
  assert.deepEqual(errors, []);
});

test('a bad URL shows its error next to the field and saves nothing', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(app.baseUrl);
  await page.getByRole('button', { name: 'Add your first site' }).click();
  const form = page.getByRole('dialog', { name: 'Add a site' });
  const url = form.getByLabel('URL', { exact: true });
  await url.fill('not a url');
  await form.getByLabel('Check every', { exact: true }).fill('0');
  await form.getByRole('button', { name: 'Add site' }).click();

  // The message is tied to its field, and focus goes to the first wrong field.
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
  const messages = await Promise.all(
    describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()),
  );
  assert.ok(messages.some((m) => /URL is not a valid URL/.test(m)), `URL described by: ${messages.join(' | ')}`);
  assert.match(await form.innerText(), /Check every must be at least 1/);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'url');
  assert.ok(await form.isVisible(), 'the form stays open');
  assert.deepEqual(await listSites(app), [], 'nothing was stored');
  fs.mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: path.join(outputDir, 'add-site-errors.png') });

  // Another scheme: the schema's own message.
  await url.fill('ftp://example.com/');
  await form.getByLabel('Check every', { exact: true }).fill('60');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.getByText('URL must start with http:// or https://').waitFor();
  assert.deepEqual(await listSites(app), []);
  assert.equal(await page.locator('tbody tr').count(), 0);

  // Escape closes the dialog; the page is as it was.
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
});

const MIN = 60_000;

function seededCheck(siteId: number, checkedAt: number, ok: boolean, totalMs: number): NewCheck {
  return {
    siteId,
    checkedAt,
    ok,
    statusCode: ok ? 200 : 503,
    timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: totalMs - 7, transferMs: 1, totalMs },
    error: ok ? null : { kind: 'status', message: 'HTTP 503' },
    lagMs: 0,
    tlsExpiresAt: null,
    tlsIssuer: null,
  };
}

/** A believable hour for the screenshots: a few healthy sites, one down, one paused, one not yet checked. */
function seedShowcase(dbPath: string) {
  const store = openAppStore(dbPath);
  const now = Date.now();
  const base = { method: 'GET' as const, timeoutMs: 5000, expectedStatus: '200-399', followRedirects: true, headers: {} };
  const sites: { name: string; url: string; latency: number; fail: (k: number) => boolean; paused?: boolean }[] = [
    { name: 'Marketing site', url: 'https://www.example.com/', latency: 180, fail: () => false },
    { name: 'API', url: 'https://api.example.com/health', latency: 95, fail: () => false },
    { name: 'Checkout', url: 'https://shop.example.com/checkout', latency: 420, fail: (k: number) => k >= 52 },
    { name: 'Docs', url: 'https://docs.example.org/', latency: 60, fail: (k: number) => k === 17 },
    { name: 'Status page', url: 'https://status.example.net/', latency: 240, fail: () => false },
    { name: 'Legacy admin', url: 'http://admin.internal.example:8080/login', latency: 800, fail: () => false, paused: true },
  ];
  const batch: NewCheck[] = [];
  for (const s of sites) {
    const site = store.createSite(
      { ...base, name: s.name, url: s.url, intervalSeconds: 60, paused: s.paused ?? false },
      now - 3 * 3_600_000,
    );
    for (let k = 0; k < 60; k++) {
      const jitter = Math.sin(k * 1.7 + site.id) * 0.25 + Math.sin(k * 0.31) * 0.15;
      batch.push(seededCheck(site.id, now - (60 - k) * MIN + 5000, !s.fail(k), Math.max(5, s.latency * (1 + jitter))));
    }
  }
  store.recordChecks(batch);
  store.createSite({ ...base, name: 'New blog', url: 'https://blog.example.com/', intervalSeconds: 300, paused: false });
  store.close();
}

test('screenshots of the overview, light and dark, at 1280 and 375 px', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  seedShowcase(app.dbPath);
  const browser = await launchBrowser(t);
  fs.mkdirSync(outputDir, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 375]) {
      const { page, errors } = await openPage(browser, {
        viewport: { width, height: width === 1280 ? 800 : 812 },
        colorScheme: scheme,
        deviceScaleFactor: width === 375 ? 2 : 1,
      }, app);
      await page.goto(app.baseUrl);
      await rowOf(page, 'Checkout').waitFor();
      // Down first, then pending, up, paused.
      const order = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
      assert.deepEqual(order, ['down', 'pending', 'up', 'up', 'up', 'up', 'paused']);
      assert.equal(await page.title(), '(1 down) Upbeat');
      // Nothing wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than a ${width} px screen`);
      const file = path.join(outputDir, `overview-${scheme}-${width}.png`);
      await page.screenshot({ path: file, fullPage: width === 375 });
      t.diagnostic(`screenshot: ${path.relative(root, file)}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  }
});

test('search filters by name or URL; the theme toggle persists; everything is reachable by keyboard', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  seedShowcase(app.dbPath);
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, { colorScheme: 'light' }, app);
  await page.goto(app.baseUrl);
  const search = page.getByRole('searchbox', { name: /Search sites/ });
  await search.fill('shop.example');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  assert.equal(await page.locator('tbody tr th').innerText().then((s) => s.split('\n')[0]), 'Checkout');
  await search.fill('DOCS');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  await search.fill('nothing like this');
  await page.getByText('No site matches').waitFor();
  await page.getByRole('button', { name: 'Clear the search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 7);

  // Theme: dark on click, still dark after a reload (set before paint by the head script).
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme ?? null), null);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(13, 17, 23)');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  assert.equal(await page.evaluate(() => localStorage.getItem('upbeat-theme')), null, 'back to following the system');

  // Keyboard: Tab reaches the search box, the add button and a row's actions, with a visible focus ring.
  await page.locator('body').focus();
  const reached = new Set<string>();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const style = getComputedStyle(el);
      return { text: (el.getAttribute('aria-label') ?? el.innerText ?? '').trim(), outline: style.outlineStyle };
    });
    if (info) {
      reached.add(info.text);
      assert.notEqual(info.outline, 'none', `focus on "${info.text}" is not visible`);
    }
  }
  for (const expected of ['Search sites by name, URL or kind', 'New site']) {
    assert.ok(reached.has(expected), `Tab did not reach "${expected}" (reached: ${[...reached].join(', ')})`);
  }
  assert.deepEqual(errors, []);
});

test('the overview API and page at 1,000 sites with an hour of 60 s checks', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const store = openAppStore(app.dbPath);
  const now = Date.now();
  const batch: NewCheck[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < 1000; i++) {
      const site = store.createSite({
        name: `site-${String(i).padStart(4, '0')}`,
        url: `https://s${i}.example.com/`,
        method: 'GET',
        intervalSeconds: 60,
        timeoutMs: 5000,
        expectedStatus: '200-399',
        followRedirects: true,
        headers: {},
        paused: false,
      });
      for (let k = 0; k < 60; k++) batch.push(seededCheck(site.id, now - (60 - k) * MIN + (i % 60) * 1000, i % 97 !== 0 || k < 50, 20 + ((i * k) % 80)));
    }
  })();
  store.recordChecks(batch);
  store.close();

  // How fast the API answers at this size is `npm run bench:history`'s to measure (GET /api/overview over HTTP).
  const res = await fetch(`${app.baseUrl}/api/overview`, { headers: app.authHeaders });
  assert.equal(((await res.json()) as { sites: unknown[] }).sites.length, 1000);
  const part = await fetch(`${app.baseUrl}/api/overview?ids=1,2,3,4,5`, { headers: app.authHeaders });
  assert.equal(((await part.json()) as { sites: unknown[] }).sites.length, 5);

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  const t0 = performance.now();
  await page.goto(app.baseUrl);
  const loaded = performance.now() - t0;
  // Every site loaded (the table counts them all) while only a window of rows is in the DOM.
  await page.waitForFunction(() => document.querySelector('table')?.getAttribute('aria-rowcount') === '1001');
  t.diagnostic(
    `page: load event (first rows painted) after ${loaded.toFixed(0)} ms, all 1,000 sites loaded after ` +
      `${(performance.now() - t0).toFixed(0)} ms`,
  );
  const inDom = await page.locator('tbody tr').count();
  assert.ok(inDom < 100, `${inDom} of 1,000 rows in the DOM`);
  assert.match(await page.getByRole('list', { name: /Summary of 1000 sites/ }).innerText(), /up/);
  // While the "checked … ago" texts tick, frames stay short (long-animation-frame entries over 3 s).
  const longest = await page.evaluate(`new Promise((resolve) => {
    let worst = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) worst = Math.max(worst, entry.duration);
    });
    observer.observe({ type: 'long-animation-frame' });
    setTimeout(() => { observer.disconnect(); resolve(Math.round(worst)); }, 3000);
  })`);
  t.diagnostic(`longest frame over 3 s of ticking with 1,000 rows: ${String(longest)} ms (0: none over 50 ms)`);
  // Typing in the search box stays quick with 1,000 rows.
  const s0 = performance.now();
  await page.getByRole('searchbox').fill('site-0042');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  t.diagnostic(`search across 1,000 rows: ${(performance.now() - s0).toFixed(0)} ms`);
  assert.deepEqual(errors, []);
});
