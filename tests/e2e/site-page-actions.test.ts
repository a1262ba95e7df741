import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { type Store } from '../../db';
import type { NewCheck } from '../../db/domain';
import { startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * The site page as a newcomer uses it: the chart after an interval change, every phase in the legend, the
 * row's actions on the page itself, why the site is down in words, and one way of writing times and shares.
 * The checker is off: every check shown is one this file wrote.
 */

const MIN = 60_000;
const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');
const TIME_ZONE = 'America/Sao_Paulo';

interface Seeded {
  changed: number; // 60 s checks, then 10 s checks
  changedChecks: number;
  dns: number; // last check: cannot resolve
  third: number; // 2 of 3 passed
}

function seed(store: Store): Seeded {
  const now = Date.now();
  const checks: NewCheck[] = [];
  const timings = (total: number) => ({ dnsMs: 2, connectMs: 6, tlsMs: 12, ttfbMs: total - 50, transferMs: 30, totalMs: total });
  const changed = store.createSite(newSite({ name: 'Changed interval', url: 'https://changed.example.test/', intervalSeconds: 10 }), now - 2 * 3_600_000).id;
  // 30 minutes every 60 s, then every 10 s up to now.
  let n = 0;
  for (let t = now - 55 * MIN; t < now - 25 * MIN; t += MIN, n++) checks.push(newCheck(changed, t, { timings: timings(120 + (n % 7) * 5) }));
  for (let t = now - 25 * MIN + 4_000; t < now - 5_000; t += 10_000, n++) checks.push(newCheck(changed, t, { timings: timings(110 + (n % 5) * 4) }));
  const changedChecks = n;

  const dns = store.createSite(newSite({ name: 'Gone host', url: 'https://gone.example.test/app' }), now - 3_600_000).id;
  checks.push(newCheck(dns, now - 2 * MIN), newCheck(dns, now - MIN, {
    ok: false,
    statusCode: null,
    timings: { dnsMs: 3, connectMs: 0, tlsMs: 0, ttfbMs: 0, transferMs: 0, totalMs: 3 },
    error: { kind: 'dns', message: 'cannot resolve gone.example.test (ENOTFOUND)' },
  }));

  const third = store.createSite(newSite({ name: 'Two of three', url: 'https://third.example.test/' }), now - 3_600_000).id;
  checks.push(
    newCheck(third, now - 3 * MIN),
    newCheck(third, now - 2 * MIN, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503 (expected 200-399)' } }),
    newCheck(third, now - MIN),
  );
  store.recordChecks(checks);
  return { changed, changedChecks, dns, third };
}

/** Pixels of the chart canvas (nearly) the colour of a design token, within [x0, x1) of its width (0..1). */
async function chartPixels(page: Page, cssVar: string, x0 = 0, x1 = 1): Promise<number> {
  return page.evaluate(
    ([name, from, to]) => {
      const wrap = document.querySelector('[data-testid="latency-chart"]')!;
      const canvas = wrap.querySelector('canvas')!;
      const probe = document.createElement('span');
      probe.style.color = `var(${name})`;
      wrap.appendChild(probe);
      const [r, g, b] = (getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
      probe.remove();
      const left = Math.floor(canvas.width * Number(from));
      const width = Math.max(1, Math.floor(canvas.width * Number(to)) - left);
      const { data } = canvas.getContext('2d')!.getImageData(left, 0, width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!);
        if (d < 40 && data[i + 3]! > 200) count++;
      }
      return count;
    },
    [cssVar, String(x0), String(x1)] as const,
  );
}

async function waitForChart(page: Page): Promise<void> {
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="latency-chart"]')?.getAttribute('data-draws') ?? 0) >= 1);
}

test('site page: chart, legend, actions, reasons and formats', async (t) => {
  const dbPath = path.join(tempDir(t, 'upbeat-site-actions-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  t.after(() => store.close());
  const ids = seed(store);
  const [app, browser] = await Promise.all([startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } }), launchBrowser(t)]);

  async function open(siteId: number, query = '', options: BrowserContextOptions = {}) {
    const watched = await openPage(browser, { locale: 'en-US', timezoneId: TIME_ZONE, ...options }, app);
    const res = await watched.page.goto(`${app.baseUrl}/sites/${siteId}${query}`);
    assert.equal(res?.status(), 200);
    await waitForChart(watched.page);
    return watched;
  }

  await t.test('after the interval went from 60 s to 10 s, the 1 h chart still draws the older checks', async () => {
    const { page, errors } = await open(ids.changed, '?range=1h');
    const chart = page.getByTestId('latency-chart');
    assert.equal(Number(await chart.getAttribute('data-points')), ids.changedChecks, 'one point per check, no gap markers');
    // The 60 s stretch covers roughly the plot's second and third fifths; its line is drawn there.
    assert.ok((await chartPixels(page, '--chart-total', 0.2, 0.5)) > 150, 'the line through the 60 s checks is drawn');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  await t.test('every phase has its colour in the legend, Transfer included, matching the chart', async () => {
    const { page } = await open(ids.changed, '?range=1h');
    await page.getByLabel('Phases').check();
    await waitForChart(page);
    const swatch = page.locator('figcaption li', { hasText: 'Transfer' }).locator('span').first();
    const colour = await swatch.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(colour, 'rgba(0, 0, 0, 0)', 'the Transfer swatch has a colour');
    const token = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--chart-transfer)';
      document.body.appendChild(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    assert.equal(colour, token);
    const swatches = await page.locator('figcaption li span').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    assert.equal(new Set(swatches).size, swatches.length, `each legend entry its own colour: ${swatches.join(', ')}`);
    assert.ok((await chartPixels(page, '--chart-transfer')) > 100, 'the transfer phase is drawn in that colour');
    await page.context().close();
  });

  await t.test('why the site is down, in words, visible without hovering', async () => {
    const { page } = await open(ids.dns);
    const problem = page.getByTestId('site-problem');
    assert.ok(await problem.isVisible());
    assert.equal(await problem.textContent(), 'DNS: cannot resolve gone.example.test (ENOTFOUND)');
    const third = await open(ids.third);
    assert.equal(await third.page.getByTestId('site-problem').count(), 0, 'nothing to explain: the last check passed');
    await page.context().close();
    await third.page.context().close();
  });

  await t.test('one format: uptime rounded, and a check has the same time in the strip, the log and the chart', async () => {
    const { page } = await open(ids.third);
    assert.match((await page.getByTestId('uptime-24h').textContent()) ?? '', /66\.67%/);
    const firstLogTime = await page.locator('[data-testid="checks-table"] tbody tr time').first().textContent();
    const newestBar = await page.locator('[data-testid="status-strip"] [data-check]').last().getAttribute('title');
    assert.ok(newestBar?.startsWith(`${firstLogTime} · `), `strip "${newestBar}" vs log "${firstLogTime}"`);

    const changed = await open(ids.changed, '?range=1h');
    const logTimes = await changed.page.locator('[data-testid="checks-table"] tbody tr time').allTextContents();
    const box = (await changed.page.getByTestId('latency-chart').boundingBox())!;
    await changed.page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2);
    await changed.page.waitForFunction(() => /\d ms/.test(document.querySelector('[data-testid="chart-readout"]')?.textContent ?? ''));
    const readout = (await changed.page.getByTestId('chart-readout').textContent()) ?? '';
    assert.ok(logTimes.includes(readout.split(' · ')[0]!), `chart "${readout}" is written like the log (${logTimes[0]})`);
    await page.context().close();
    await changed.page.context().close();
  });

  await t.test('check now, pause, resume, edit and delete from the site page itself', async () => {
    const { page, errors } = await open(ids.third);
    const toast = page.getByRole('status').filter({ hasText: /\S/ });
    const actions = page.getByRole('group', { name: 'Site actions' });

    await actions.getByRole('button', { name: 'Check now' }).click();
    await toast.filter({ hasText: 'Checking Two of three' }).waitFor();
    assert.ok(store.getSite(ids.third)!.checkRequestedAt !== null, 'the check was asked for');

    await actions.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('site-state').locator('[data-state="paused"]').waitFor();
    await toast.filter({ hasText: 'Paused Two of three' }).waitFor();
    assert.equal(store.getSite(ids.third)!.paused, true);
    assert.ok(await actions.getByRole('button', { name: 'Check now' }).isDisabled());
    await actions.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('site-state').locator('[data-state="up"]').waitFor();
    assert.equal(store.getSite(ids.third)!.paused, false);

    await actions.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Two of three' });
    assert.equal(await edit.getByLabel('URL', { exact: true }).inputValue(), 'https://third.example.test/');
    // The form knows the other sites: this URL is another site's.
    await edit.getByLabel('URL', { exact: true }).fill('https://gone.example.test/app');
    await edit.getByTestId('duplicate-warning').waitFor();
    await edit.getByLabel('URL', { exact: true }).fill('https://third.example.test/');
    await edit.getByLabel('Name', { exact: true }).fill('Third site');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.locator('h1', { hasText: 'Third site' }).waitFor();
    await toast.filter({ hasText: 'Saved Third site' }).waitFor();

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      fs.mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, `site-actions-${scheme}.png`) });
    }

    await actions.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Third site?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.ok(store.getSite(ids.third), 'Cancel deletes nothing');
    await actions.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete site' }).click();
    await page.waitForURL(`${app.baseUrl}/`);
    await page.getByRole('status').filter({ hasText: 'Deleted Third site' }).waitFor();
    assert.equal(store.getSite(ids.third), undefined);
    assert.equal(await page.getByRole('rowheader', { name: /Third site/ }).count(), 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  await t.test('screenshots at 375 px, light and dark: the actions and the reason fit', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await open(ids.dns, '', { colorScheme: scheme, viewport: { width: 375, height: 812 }, isMobile: true });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `no sideways scrolling at 375 px (page is ${width} px wide)`);
      assert.ok(await page.getByRole('group', { name: 'Site actions' }).isVisible());
      await page.screenshot({ path: path.join(OUTPUT, `site-actions-${scheme}-375.png`) });
      await page.context().close();
    }
  });
});
