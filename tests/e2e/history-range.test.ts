import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type RollupDelta, type Store } from '../../db';
import { emptyRollup } from '../../db/rollups';
import { bucketOf, encodeCounts, newCounts } from '../../db/histogram';
import type { NewCheck } from '../../db/domain';
import { startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * A year of history in a real Chromium: a site with a week of raw checks, 90 days of hour rollups and 400 days
 * of day rollups (written the way an import would, through recordRollups), read back at 90 d and 1 y with
 * percentile lines, and every uptime window.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

/** About 120 ms, log-normal, with a slow month (a p99 spike) 200 days ago and an outage day 150 days ago. */
function latencyAt(rnd: () => number, at: number, now: number): number | null {
  const age = now - at;
  if (age > 150 * DAY && age < 151 * DAY && rnd() < 0.5) return null;
  const slow = age > 200 * DAY && age < 230 * DAY && rnd() < 0.05 ? 8 : 1;
  const gauss = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Math.max(5, 120 * Math.exp(0.3 * gauss) * slow);
}

function delta(siteId: number, tier: 'hour' | 'day', t: number): RollupDelta & { counts: Float64Array } {
  return { ...emptyRollup(t), siteId, tier, counts: newCounts() };
}

function add(d: RollupDelta & { counts: Float64Array }, ms: number | null) {
  d.checks++;
  if (ms === null) return;
  const us = Math.round(ms * 1000);
  d.up++;
  d.latSumUs += us;
  d.latMinUs = d.latMinUs === null ? us : Math.min(d.latMinUs, us);
  d.latMaxUs = d.latMaxUs === null ? us : Math.max(d.latMaxUs, us);
  d.connectSumUs += Math.round(us * 0.2);
  d.ttfbSumUs += us - Math.round(us * 0.2);
  d.counts[bucketOf(us)]!++;
}

/** Checks every 5 minutes: raw for the last 7 days, hour rollups before that back to 90 days, days to 400. */
function seed(store: Store, now: number): { id: number; checks: number } {
  const site = store.createSite(newSite({ name: 'Yearly', url: 'http://yearly.example.test/' }), now - 400 * DAY);
  const rnd = random(3);
  const step = 5 * MINUTE;
  const rawFrom = Math.floor((now - 7 * DAY) / HOUR) * HOUR;
  const hourFrom = Math.floor((now - 89 * DAY) / DAY) * DAY;
  const deltas: RollupDelta[] = [];
  const days = new Map<number, ReturnType<typeof delta>>();
  const dayOf = (t: number) => {
    const start = Math.floor(t / DAY) * DAY;
    let d = days.get(start);
    if (!d) days.set(start, (d = delta(site.id, 'day', start)));
    return d;
  };
  let checks = 0;
  let hour: ReturnType<typeof delta> | null = null;
  for (let t = Math.floor((now - 400 * DAY) / step) * step; t < rawFrom; t += step, checks++) {
    const ms = latencyAt(rnd, t, now);
    add(dayOf(t), ms);
    if (t < hourFrom) continue;
    const h = Math.floor(t / HOUR) * HOUR;
    if (!hour || hour.t !== h) {
      if (hour) deltas.push({ ...hour, hist: encodeCounts(hour.counts) });
      hour = delta(site.id, 'hour', h);
    }
    add(hour, ms);
  }
  if (hour) deltas.push({ ...hour, hist: encodeCounts(hour.counts) });
  for (const d of days.values()) deltas.push({ ...d, hist: encodeCounts(d.counts) });
  store.recordRollups(deltas);
  const raw: NewCheck[] = [];
  for (let t = rawFrom; t < now - MINUTE; t += step, checks++) {
    const ms = latencyAt(rnd, t, now);
    raw.push(
      ms === null
        ? newCheck(site.id, t, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503' } })
        : newCheck(site.id, t, { timings: { dnsMs: 0, connectMs: ms * 0.2, tlsMs: 0, ttfbMs: ms * 0.8, transferMs: 0, totalMs: ms } }),
    );
  }
  store.recordChecks(raw);
  return { id: site.id, checks };
}

async function points(page: Page): Promise<number> {
  return Number(await page.getByTestId('latency-chart').getAttribute('data-points'));
}

test('a year of history: 1 y and 90 d ranges from the rollups, with percentile lines and every uptime window', async (t) => {
  const dbPath = path.join(tempDir(t, 'upbeat-history-range-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  t.after(() => store.close());
  const now = Date.now();
  const { id, checks } = seed(store, now);
  const [app, browser] = await Promise.all([startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } }), launchBrowser(t)]);

  // The API: a year from day rollups, the range's percentiles estimated (and ordered), every window counted.
  const year = await (await fetch(`${app.baseUrl}/api/sites/${id}/history?range=1y`, { headers: app.authHeaders })).json();
  assert.equal(year.chart.source, 'day');
  assert.equal(year.chart.bucketMs, DAY);
  assert.ok(year.chart.t.length >= 365 && year.chart.t.length <= 367, `${year.chart.t.length} points`);
  assert.equal(year.latency.exact, false);
  assert.ok(year.latency.p50 > 80 && year.latency.p50 < 160, `p50 ${year.latency.p50}`);
  assert.ok(year.latency.p50 < year.latency.p95 && year.latency.p95 < year.latency.p99);
  assert.ok(year.uptime['1y'].checks > 100_000 && year.uptime['1y'].checks < checks);
  assert.ok(year.uptime['1y'].percent < 100, 'the outage day counts');
  assert.equal(year.uptime['90d'].percent, 100);
  const quarter = await (await fetch(`${app.baseUrl}/api/sites/${id}/history?range=90d`, { headers: app.authHeaders })).json();
  assert.equal(quarter.chart.source, 'hour');
  assert.ok(quarter.chart.t.length > 700 && quarter.chart.t.length <= 721, `${quarter.chart.t.length} points`);

  const { page, errors } = await openPage(browser, { locale: 'en-US' }, app);
  const res = await page.goto(`${app.baseUrl}/sites/${id}?range=1y`);
  assert.equal(res?.status(), 200);
  await page.waitForSelector('[data-range="1y"] [data-testid="latency-chart"][data-draws]');
  assert.equal(await page.getByRole('button', { name: '1 y' }).getAttribute('aria-pressed'), 'true');
  assert.ok((await points(page)) >= 365, `1 y drawn with ${await points(page)} points`);
  // Percentile lines are named in the legend, and the range's figures are shown, marked as estimates.
  const legend = page.locator('figcaption ul');
  for (const name of ['Median (p50)', 'p95', 'p99', 'Least–most', 'Failed']) {
    assert.equal(await legend.getByText(name, { exact: true }).count(), 1, name);
  }
  assert.equal(await page.getByTestId('latency-percentiles').getAttribute('data-exact'), 'false');
  assert.match((await page.getByTestId('latency-percentiles').textContent()) ?? '', /p50\d+ ms.*p95\d+ ms.*p99\d+ ms.*within 4%/);
  assert.match((await page.getByTestId('uptime-1y').textContent()) ?? '', /Uptime 1 y\d+\.\d+%[\d,]+ checks/);
  // Hovering a day reads out its percentiles.
  const box = (await page.getByTestId('latency-chart').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.waitForFunction(() => /p95 \d+ ms · p99 \d+ ms/.test(document.querySelector('[data-testid="chart-readout"]')?.textContent ?? ''));
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.getByTestId('latency-chart').screenshot({ path: path.join(OUTPUT, 'chart-1y.png') });

  // 90 d: three-hour points from the hour rollups.
  await page.getByRole('button', { name: '90 d' }).click();
  await page.waitForSelector('[data-range="90d"][aria-busy="false"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="latency-chart"]')?.getAttribute('data-points')) > 700);
  assert.match(page.url(), /\?range=90d$/);
  await page.getByTestId('latency-chart').screenshot({ path: path.join(OUTPUT, 'chart-90d.png') });
  // Phases stack from the rollups' phase sums too.
  await page.getByLabel('Phases').check();
  await page.waitForFunction(() => document.querySelector('[data-testid="latency-chart"]')?.getAttribute('data-draws') !== null);
  assert.equal(await legend.getByText('First byte', { exact: true }).count(), 1);
  assert.deepEqual(errors, []);
});
