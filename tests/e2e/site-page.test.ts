import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { type Store } from '../../db';
import type { NewCheck } from '../../db/domain';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { eventually } from '../helpers/eventually';
import { tempDir } from '../helpers/temp-store';
import { parseCsv } from '../helpers/csv';
import { openAppStore } from '../../lib/store';

/**
 * The site page in a real Chromium against `next start` on a seeded temporary database. The checker is off, so
 * every check on the page is one this file wrote (and the `.test` URLs are never requested).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');
const HTML_ERROR = '<b>Service Unavailable</b> & "quoted", <script>window.__pwned = 1</script>';
const TIME_ZONE = 'Asia/Kolkata'; // UTC+05:30: a wrong zone cannot pass by accident

interface Seeded {
  shop: number; // two days of one-minute checks, an outage, HTML in an error message
  docs: number; // 12 checks, https, certificate expiring in 9 days
  fresh: number; // no checks yet
  docsChecks: number;
  now: number;
}

/** A small deterministic generator, so the seeded history looks the same in every run. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

function seed(store: Store): Seeded {
  const now = Date.now();
  const rnd = random(7);
  const shop = store.createSite(
    newSite({ name: 'Shop API', url: 'https://shop.example.test/health', intervalSeconds: 60 }),
    now - 3 * DAY,
  );
  const certExpiry = now + 61 * DAY;
  const checks: NewCheck[] = [];
  const start = Math.floor((now - 2 * DAY) / MINUTE) * MINUTE;
  for (let t = start, i = 0; t < now - MINUTE; t += MINUTE, i++) {
    const total = 70 + 25 * Math.sin((2 * Math.PI * (t % (6 * HOUR))) / (6 * HOUR)) + rnd() * 18 + (i % 97 === 0 ? 260 : 0);
    const timings = { dnsMs: 2.1, connectMs: 9.4, tlsMs: 18.2, ttfbMs: total - 33.2, transferMs: 3.5, totalMs: total };
    const inOutage = t >= now - 5 * HOUR && t < now - 5 * HOUR + 20 * MINUTE;
    if (inOutage) {
      checks.push(
        newCheck(shop.id, t, {
          ok: false,
          statusCode: null,
          timings: { ...timings, ttfbMs: 5000 - 29.7, transferMs: 0, totalMs: 5000 },
          error: { kind: 'timeout', message: 'No response within 5000 ms' },
        }),
      );
    } else if (i % 701 === 350 || t === Math.floor((now - 3 * MINUTE) / MINUTE) * MINUTE) {
      checks.push(
        newCheck(shop.id, t, {
          ok: false,
          statusCode: 503,
          timings,
          error: { kind: 'status', message: HTML_ERROR },
          tlsExpiresAt: certExpiry,
          tlsIssuer: 'Example CA',
        }),
      );
    } else {
      checks.push(newCheck(shop.id, t, { timings, tlsExpiresAt: certExpiry, tlsIssuer: 'Example CA' }));
    }
  }
  const docs = store.createSite(newSite({ name: 'Docs', url: 'https://docs.example.test/' }), now - DAY);
  for (let i = 0; i < 12; i++) {
    checks.push(
      newCheck(docs.id, now - (12 - i) * 2 * MINUTE, {
        ok: i !== 4,
        statusCode: i === 4 ? 500 : 200,
        error: i === 4 ? { kind: 'status', message: 'HTTP 500' } : null,
        tlsExpiresAt: now + 9 * DAY + HOUR,
        tlsIssuer: 'Example CA',
      }),
    );
  }
  const fresh = store.createSite(newSite({ name: 'Brand new', url: 'http://new.example.test/' }), now);
  store.recordChecks(checks);
  return { shop: shop.id, docs: docs.id, fresh: fresh.id, docsChecks: 12, now };
}

/** How many pixels of the chart canvas are (nearly) the colour of a design token. */
async function chartPixels(page: Page, cssVar: string): Promise<number> {
  return page.evaluate((name) => {
    const wrap = document.querySelector('[data-testid="latency-chart"]')!;
    const canvas = wrap.querySelector('canvas')!;
    const probe = document.createElement('span');
    probe.style.color = `var(${name})`;
    wrap.appendChild(probe);
    const [r, g, b] = (getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
    probe.remove();
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!);
      if (d < 40 && data[i + 3]! > 200) n++;
    }
    return n;
  }, cssVar);
}

/** A design token's colour as the page resolves it. */
async function cssColor(page: Page, cssVar: string): Promise<string> {
  return page.evaluate((name) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${name})`;
    document.body.appendChild(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  }, cssVar);
}

async function waitForChart(page: Page, minDraws = 1): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="latency-chart"]')?.getAttribute('data-draws') ?? 0) >= n,
    minDraws,
  );
}

async function apiChecks(app: RunningApp, siteId: number) {
  const res = await fetch(`${app.baseUrl}/api/sites/${siteId}/checks?limit=1000`, { headers: app.authHeaders });
  return (await res.json()).checks as { checkedAt: string; ok: boolean; statusCode: number | null; latencyMs: number; error: { kind: string; message: string } | null }[];
}

test('site page', async (t) => {
  const dbPath = path.join(tempDir(t, 'upbeat-site-page-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  t.after(() => store.close());
  const ids = seed(store);
  const [app, browser] = await Promise.all([
    startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } }),
    launchBrowser(t),
  ]);
  const pageErrors = new Map<Page, string[]>();

  /** Opens a site's page in a fresh context (en-US, in TIME_ZONE) and waits for the chart's first frame. */
  async function open(siteId: number, options: BrowserContextOptions = {}, query = ''): Promise<Page> {
    const { page, errors } = await openPage(browser, { locale: 'en-US', timezoneId: TIME_ZONE, ...options }, app);
    pageErrors.set(page, errors);
    const res = await page.goto(`${app.baseUrl}/sites/${siteId}${query}`);
    assert.equal(res?.status(), 200);
    await waitForChart(page);
    return page;
  }

  await t.test('the header names the site, shows its URL as text and its state in words, with a way back', async () => {
    const page = await open(ids.shop);
    assert.equal(await page.locator('h1').textContent(), 'Shop API');
    assert.equal(await page.getByText('https://shop.example.test/health').count(), 1);
    assert.equal(await page.locator('a[href="https://shop.example.test/health"]').count(), 0, 'the URL is not a link');
    const state = page.getByTestId('site-state').locator('[data-state]');
    assert.equal((await state.textContent())?.trim(), 'up');
    assert.equal(await state.getAttribute('data-state'), 'up');
    assert.equal(await state.evaluate((el) => getComputedStyle(el).color), await cssColor(page, '--up'));
    assert.equal(await page.getByRole('link', { name: '← All sites' }).getAttribute('href'), '/');
    assert.equal(await page.title(), 'Shop API · Upbeat');
    await page.context().close();
  });

  await t.test('the chart is drawn with data: 24 h in 2-minute points, the line in its colour, failures in red', async () => {
    const page = await open(ids.shop);
    const chart = page.getByTestId('latency-chart');
    const points = Number(await chart.getAttribute('data-points'));
    assert.ok(points >= 715 && points <= 722, `24 h of one-minute checks in 2-minute points, at most 1,000 (got ${points})`);
    assert.ok((await chartPixels(page, '--chart-total')) > 500, 'the latency line is drawn');
    assert.ok((await chartPixels(page, '--down')) > 30, 'the outage is marked');
    // Hovering reads out the point under the pointer.
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.waitForFunction(() => /\d ms/.test(document.querySelector('[data-testid="chart-readout"]')?.textContent ?? ''));
    const label = await chart.getAttribute('aria-label');
    assert.match(label ?? '', /^Latency over the last 24 hours: \d+ checks, \d+ failed, fastest .* slowest/);
    await page.context().close();
  });

  await t.test('nothing moves when the data arrives, the chart follows its container and the theme', async () => {
    const page = await open(ids.shop);
    // The page is complete as served: the chart's space is reserved and the data is there before hydration.
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) total += (e as PerformanceEntry & { value: number }).value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 300);
        }),
    );
    assert.ok(shift < 0.01, `cumulative layout shift ${shift}`);

    const canvas = page.locator('[data-testid="latency-chart"] canvas');
    const wide = (await canvas.boundingBox())!.width;
    await page.setViewportSize({ width: 700, height: 800 });
    await page.waitForFunction(
      (w) => document.querySelector('[data-testid="latency-chart"] canvas')!.getBoundingClientRect().width < w - 400,
      wide,
    );

    // A theme switch rebuilds the chart (its draw count starts again) with the new palette: the axis labels are
    // now in the dark theme's muted colour, which is far from the light one.
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    // Waited for by what it draws, not by a draw count: a refresh that lands right after the rebuild draws again.
    await eventually('axis labels in the dark palette', async () => (await chartPixels(page, '--text-muted')) > 50, 10_000);
    await page.context().close();
  });

  await t.test('stacking the phases draws each phase in its own colour', async () => {
    const page = await open(ids.shop);
    await page.getByLabel('Phases').check();
    await waitForChart(page);
    for (const token of ['--chart-ttfb', '--chart-tls', '--chart-connect']) {
      assert.ok((await chartPixels(page, token)) > 200, `${token} is drawn`);
    }
    assert.equal(await page.getByText('First byte', { exact: true }).count(), 1);
    await page.context().close();
  });

  await t.test('range buttons switch the chart, keep the range in the URL, and are reachable by keyboard', async () => {
    const page = await open(ids.shop);
    const chart = page.getByTestId('latency-chart');
    const area = page.locator('[data-range]');
    assert.equal(await area.getAttribute('data-range'), '24h');
    const dayPoints = await chart.getAttribute('data-points');
    await page.getByRole('button', { name: '7 d' }).click();
    await page.waitForSelector('[data-range="7d"][aria-busy="false"]');
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="latency-chart"]')?.getAttribute('data-points') !== before,
      dayPoints,
    );
    // Two days of one-minute checks (few enough to read raw) in 15-minute buckets: about 192 points.
    const points = Number(await chart.getAttribute('data-points'));
    assert.ok(points > 180 && points < 200, `7 d is bucketed (got ${points})`);
    assert.match(page.url(), /\?range=7d$/);
    assert.equal(await page.getByRole('button', { name: '7 d' }).getAttribute('aria-pressed'), 'true');

    await page.getByRole('button', { name: '1 h' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-range="1h"][aria-busy="false"]');
    await page.waitForFunction(() => {
      const n = Number(document.querySelector('[data-testid="latency-chart"]')?.getAttribute('data-points'));
      return n >= 58 && n <= 61;
    });

    // A reload keeps the range: the server renders it.
    await page.reload();
    await waitForChart(page);
    assert.equal(await area.getAttribute('data-range'), '1h');
    await page.context().close();
  });

  await t.test('the status strip has one bar per check, coloured by result, described for pointer and screen reader', async () => {
    const page = await open(ids.docs);
    const bars = page.locator('[data-testid="status-strip"] [data-check]');
    assert.equal(await bars.count(), ids.docsChecks);
    assert.equal(await page.locator('[data-testid="status-strip"] [data-ok="false"]').count(), 1);
    const strip = page.getByTestId('status-strip');
    assert.equal(await strip.getAttribute('role'), 'img');
    assert.match((await strip.getAttribute('aria-label')) ?? '', /^Last 12 checks, from .* to .*: 11 up, 1 down$/);
    const failedTitle = await page.locator('[data-testid="status-strip"] [data-ok="false"]').getAttribute('title');
    assert.match(failedTitle ?? '', /down · HTTP 500 · .* ms · status: HTTP 500$/);

    // The shop has more checks than the strip has slots: the newest 90.
    const shop = await open(ids.shop);
    assert.equal(await shop.locator('[data-testid="status-strip"] [data-check]').count(), 90);
    await page.context().close();
    await shop.context().close();
  });

  await t.test('uptime and certificate: percentages per window, expiry with days left, warning under 14 days', async () => {
    const docs = await open(ids.docs);
    assert.match((await docs.getByTestId('uptime-24h').textContent()) ?? '', /91\.67%.*12 checks/);
    const tls = docs.getByTestId('tls');
    assert.equal(await tls.getAttribute('data-tone'), 'warn');
    assert.match((await tls.textContent()) ?? '', /9 days left/);
    const color = await tls.locator('p').nth(1).evaluate((el) => getComputedStyle(el).color);
    assert.equal(color, await cssColor(docs, '--pending'), 'the warning colour');

    const shop = await open(ids.shop);
    for (const w of ['24h', '7d', '30d', '90d', '1y']) {
      assert.match((await shop.getByTestId(`uptime-${w}`).textContent()) ?? '', /\d+\.\d+%.*[\d,]+ checks/, w);
    }
    // The range's percentiles, exact (raw checks) for 24 h.
    assert.equal(await shop.getByTestId('latency-percentiles').getAttribute('data-exact'), 'true');
    for (const p of ['p50', 'p95', 'p99']) assert.match((await shop.getByTestId(`latency-${p}`).textContent()) ?? '', /^p\d\d\d+ ms$/);
    assert.equal(await shop.getByTestId('tls').getAttribute('data-tone'), 'ok');
    assert.match((await shop.getByTestId('tls').textContent()) ?? '', /6[01] days left/);

    const fresh = await open(ids.fresh);
    // Added just now: the page opens on the last hour, not a day with nothing in it.
    assert.equal(await fresh.locator('[data-range]').getAttribute('data-range'), '1h');
    assert.equal(await fresh.getByRole('button', { name: '1 h' }).getAttribute('aria-pressed'), 'true');
    assert.match((await fresh.getByTestId('tls').textContent()) ?? '', /not https/);
    assert.match((await fresh.getByTestId('uptime-30d').textContent()) ?? '', /—.*no checks/);
    assert.equal(await fresh.getByText('No checks in this range yet').count(), 1);
    assert.equal(await fresh.getByTestId('site-state').locator('[data-state]').getAttribute('data-state'), 'pending');
    for (const p of [docs, shop, fresh]) await p.context().close();
  });

  await t.test('the check log shows codes and error text literally, in the viewer time zone, and pages back', async () => {
    const page = await open(ids.shop);
    const rows = page.locator('[data-testid="checks-table"] tbody tr');
    assert.equal(await rows.count(), 50);
    const api = await apiChecks(app, ids.shop);
    // Newest first, in the viewer's zone (the page's own locale and zone, not the server's); the year only when
    // it is not this year.
    const yearOf = (d: Date) => new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, year: 'numeric' }).format(d);
    const newest = new Date(api[0]!.checkedAt);
    const expectedTime = new Intl.DateTimeFormat('en-US', {
      timeZone: TIME_ZONE,
      year: yearOf(newest) === yearOf(new Date()) ? undefined : 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).format(newest);
    assert.equal(await rows.first().locator('time').textContent(), expectedTime);
    assert.equal(await rows.first().locator('time').getAttribute('datetime'), api[0]!.checkedAt);

    const htmlRow = rows.filter({ hasText: 'Service Unavailable' }).first();
    assert.equal(await htmlRow.locator('[data-col="status"]').textContent(), '503');
    const errorCell = htmlRow.locator('[data-col="error"]');
    assert.equal(await errorCell.textContent(), `status ${HTML_ERROR}`);
    assert.equal(await errorCell.locator('b, script').count(), 0, 'no markup from the error made it into the DOM');
    assert.equal(await page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);

    await page.getByRole('button', { name: 'Load older checks' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="checks-table"] tbody tr').length === 100,
    );
    const times = await rows.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    assert.deepEqual(times, api.slice(0, 100).map((c) => c.checkedAt), 'two pages, newest first, no gap or repeat');
    assert.deepEqual(pageErrors.get(page), []);
    await page.context().close();
  });

  await t.test('a new check shows without a reload', async () => {
    const page = await open(ids.docs);
    const bars = page.locator('[data-testid="status-strip"] [data-check]');
    const before = await bars.count();
    const checkedAt = Date.now();
    store.recordChecks([
      newCheck(ids.docs, checkedAt, {
        ok: false,
        statusCode: 502,
        error: { kind: 'status', message: 'live: Bad Gateway' },
      }),
    ]);
    const iso = new Date(checkedAt).toISOString();
    await page.waitForSelector(`[data-testid="status-strip"] [data-check="${iso}"]`, { timeout: 10_000 });
    assert.equal(await bars.count(), before + 1);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="checks-table"] tbody tr')?.textContent?.includes('live: Bad Gateway'),
    );
    // The state is read with the site, which may land a moment after the checks.
    await page.waitForSelector('[data-testid="site-state"] [data-state="down"]', { timeout: 10_000 });
    await page.context().close();
  });

  await t.test('export: CSV and JSON downloads of the range parse back to the same rows as the API', async () => {
    const page = await open(ids.docs, { acceptDownloads: true });
    const api = await apiChecks(app, ids.docs);
    const expected = [...api].reverse(); // exports are oldest first
    assert.ok(expected.length > 0, 'the site has checks to export');

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    assert.match(csvDownload.suggestedFilename(), /^upbeat-docs-24h-\d{8}T\d{4}Z\.csv$/);
    const csv = parseCsv(fs.readFileSync((await csvDownload.path())!, 'utf8'));
    const header = csv[0]!;
    const col = (name: string) => header.indexOf(name);
    assert.equal(csv.length - 1, expected.length);
    csv.slice(1).forEach((r, i) => {
      const c = expected[i]!;
      assert.equal(r[col('checked_at')], c.checkedAt);
      assert.equal(r[col('ok')], String(c.ok));
      assert.equal(r[col('status_code')], c.statusCode === null ? '' : String(c.statusCode));
      assert.equal(Number(r[col('latency_ms')]), c.latencyMs);
      assert.equal(r[col('error_message')], c.error?.message ?? '');
    });

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    assert.match(jsonDownload.suggestedFilename(), /^upbeat-docs-24h-\d{8}T\d{4}Z\.json$/);
    const json = JSON.parse(fs.readFileSync((await jsonDownload.path())!, 'utf8'));
    assert.deepEqual(json.checks, expected);
    assert.deepEqual(json.site, { id: ids.docs, name: 'Docs', url: 'https://docs.example.test/' });

    const res = await fetch(`${app.baseUrl}/api/sites/${ids.docs}/export?range=24h&format=csv`, { headers: app.authHeaders });
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="upbeat-docs-24h-.*\.csv"$/);
    await res.arrayBuffer();
    const bad = await fetch(`${app.baseUrl}/api/sites/${ids.docs}/export?range=2y`, { headers: app.authHeaders });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.fields.range, 'must be one of 1h, 24h, 7d, 30d, 90d, 1y');
    await page.context().close();
  });

  await t.test('an unknown site is a 404 page with a link home', async () => {
    const context = await browser.newContext();
    await app.login(context);
    const page = await context.newPage();
    for (const id of ['999999', 'abc', '0', '1.5']) {
      const res = await page.goto(`${app.baseUrl}/sites/${id}`);
      assert.equal(res?.status(), 404, `/sites/${id}`);
      assert.equal(await page.locator('h1').textContent(), 'No such site');
      assert.equal(await page.getByRole('link', { name: 'Back to all sites' }).getAttribute('href'), '/');
    }
    const api = await fetch(`${app.baseUrl}/api/sites/999999/history`, { headers: app.authHeaders });
    assert.equal(api.status, 404);
    await context.close();
  });

  await t.test('screenshots: light and dark, desktop and phone', async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      const desktop = await open(ids.shop, { colorScheme: scheme });
      await desktop.screenshot({ path: path.join(OUTPUT, `site-${scheme}.png`) });
      await desktop.screenshot({ path: path.join(OUTPUT, `site-${scheme}-full.png`), fullPage: true });
      await desktop.getByLabel('Phases').check();
      await waitForChart(desktop);
      await desktop.getByTestId('latency-chart').screenshot({ path: path.join(OUTPUT, `site-${scheme}-phases.png`) });
      await desktop.context().close();

      const phone = await open(ids.shop, { colorScheme: scheme, viewport: { width: 375, height: 812 }, isMobile: true });
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `no sideways scrolling at 375 px (page is ${width} px wide)`);
      const canvasWidth = await phone.locator('[data-testid="latency-chart"] canvas').evaluate((c) => c.getBoundingClientRect().width);
      assert.ok(canvasWidth <= 351 && canvasWidth > 250, `the chart fits its container (${canvasWidth} px)`);
      await phone.screenshot({ path: path.join(OUTPUT, `site-${scheme}-375.png`) });
      await phone.screenshot({ path: path.join(OUTPUT, `site-${scheme}-375-full.png`), fullPage: true });
      await phone.context().close();
    }
  });
});
