import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { NewCheck } from '../../db/domain';
import { startApp } from '../helpers/app-server';
import { launchBrowser } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * 30 days of one-minute checks (43,200) on the site page, in Chromium. Prints how long the chart takes from
 * `new uPlot` to its first drawn frame, as the page draws it (downsampled by the server) and, for scale, uPlot
 * drawing all 43,200 raw points in the same page. Asserts that pixels were drawn, not the time: timing targets
 * belong in benchmarks.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CHECKS = 43_200;
const LOADS = 5;
const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('a month of one-minute checks draws on the site page', async (t) => {
  const dbPath = path.join(tempDir(t, 'upbeat-chart-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  const now = Date.now();
  const site = store.createSite(newSite({ name: 'Busy', url: 'https://busy.example.test/' }), now - 31 * DAY);
  const checks: NewCheck[] = [];
  const start = now - 30 * DAY + MINUTE;
  for (let i = 0; i < CHECKS; i++) {
    const total = 50 + 30 * Math.sin(i / 300) + ((i * 7919) % 23) + (i % 1000 === 0 ? 400 : 0);
    const failed = i % 2500 < 3;
    checks.push(
      newCheck(site.id, start + i * MINUTE, {
        ok: !failed,
        statusCode: failed ? 503 : 200,
        error: failed ? { kind: 'status', message: 'HTTP 503' } : null,
        timings: { dnsMs: 2, connectMs: 8, tlsMs: 14, ttfbMs: total - 27, transferMs: 3, totalMs: total },
      }),
    );
  }
  const seedStart = performance.now();
  store.recordChecks(checks);
  const seedMs = performance.now() - seedStart;
  store.close();

  const [app, browser] = await Promise.all([startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } }), launchBrowser(t)]);
  // The first request also loads the route's code; the second is what a refresh costs.
  const timeApi = async () => {
    const started = performance.now();
    const body = await (await fetch(`${app.baseUrl}/api/sites/${site.id}/history?range=30d`, { headers: app.authHeaders })).json();
    return { body, ms: performance.now() - started };
  };
  const cold = await timeApi();
  const { body: history, ms: apiMs } = await timeApi();
  assert.equal(
    history.chart.checks.reduce((a: number, b: number) => a + b, 0),
    CHECKS,
    'every check is in the chart data',
  );

  fs.mkdirSync(OUTPUT, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await app.login(context);
  const page = await context.newPage();
  const renders: number[] = [];
  let points = 0;
  for (let i = 0; i < LOADS; i++) {
    const res = await page.goto(`${app.baseUrl}/sites/${site.id}?range=30d`);
    assert.equal(res?.status(), 200);
    const chart = page.getByTestId('latency-chart');
    await page.waitForSelector('[data-testid="latency-chart"][data-render-ms]');
    renders.push(Number(await chart.getAttribute('data-render-ms')));
    points = Number(await chart.getAttribute('data-points'));
  }
  await page.getByTestId('latency-chart').screenshot({ path: path.join(OUTPUT, 'chart-30d.png') });

  // Rebuilt on a page that has finished loading (the phases toggle builds a new chart): the chart's own cost.
  const rebuilds: number[] = [];
  for (let i = 0; i < 4; i++) {
    // Each build adds one performance measure; two builds may well take the same number of milliseconds.
    const before = await page.evaluate(() => performance.getEntriesByName('upbeat:chart-render').length);
    await page.getByLabel('Phases').click();
    await page.waitForFunction(
      (prev) => {
        const el = document.querySelector('[data-testid="latency-chart"]');
        const builds = performance.getEntriesByName('upbeat:chart-render').length;
        return el?.getAttribute('data-draws') === '1' && builds > prev;
      },
      before,
    );
    rebuilds.push(Number(await page.getByTestId('latency-chart').getAttribute('data-render-ms')));
  }

  const measures = await page.evaluate(() => performance.getEntriesByName('upbeat:chart-render').length);
  assert.ok(measures >= 1, 'the render is recorded as a performance measure');

  // The canvas has drawn pixels of the latency line's colour, not just axes.
  const linePixels = await page.evaluate(() => {
    const wrap = document.querySelector('[data-testid="latency-chart"]')!;
    const canvas = wrap.querySelector('canvas')!;
    const probe = document.createElement('span');
    probe.style.color = 'var(--chart-total)';
    wrap.appendChild(probe);
    const [r, g, b] = (getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
    probe.remove();
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 40 && data[i + 3]! > 200) n++;
    }
    return n;
  });
  assert.ok(linePixels > 1000, `the latency line is drawn (${linePixels} px)`);

  // For scale: uPlot itself drawing all 43,200 raw points, in the same page and size.
  await page.addScriptTag({ path: path.resolve(import.meta.dirname, '../../node_modules/uplot/dist/uPlot.iife.min.js') });
  // A string, not a function: the test runner's transpiler would wrap named functions in a helper the page lacks.
  const raw = (await page.evaluate(`new Promise((resolve) => {
    const n = ${CHECKS};
    const t = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = ${start} + i * 60000;
      y[i] = 50 + 30 * Math.sin(i / 300) + ((i * 7919) % 23);
    }
    const el = document.createElement('div');
    document.body.appendChild(el);
    const times = [];
    const once = () => {
      const started = performance.now();
      let plot = null;
      plot = new uPlot({
        width: 1100, height: 240, ms: 1, legend: { show: false },
        series: [{}, { stroke: 'blue', width: 1.5 }],
        hooks: { draw: [() => {
          times.push(performance.now() - started);
          queueMicrotask(() => {
            plot.destroy();
            if (times.length < 5) once(); else resolve(times);
          });
        }] },
      }, [t, y], el);
    };
    once();
  })`)) as number[];

  const row = (what: string, points: string, ms: string, max: string) =>
    `${what.padEnd(40)}${points.padStart(7)}${ms.padStart(10)}${max.padStart(9)}`;
  const fmt = (ms: number) => ms.toFixed(1);
  console.log(
    [
      '',
      `chart render: ${CHECKS.toLocaleString('en-US')} one-minute checks over 30 days, Chromium, 1280x800`,
      row('what', 'points', 'ms', 'max ms'),
      row(`site page chart, new uPlot → drawn (x${LOADS})`, String(points), fmt(median(renders)), fmt(Math.max(...renders))),
      row(`site page chart, rebuilt after load (x${rebuilds.length})`, String(points), fmt(median(rebuilds)), fmt(Math.max(...rebuilds))),
      row(`uPlot alone, every raw point (x${raw.length})`, String(CHECKS), fmt(median(raw)), fmt(Math.max(...raw))),
      row('history API 30d, first call', '-', fmt(cold.ms), '-'),
      row('history API 30d, second call', '-', fmt(apiMs), '-'),
      row('seeding through recordChecks', String(CHECKS), fmt(seedMs), '-'),
      '',
    ].join('\n'),
  );
  assert.ok(points > 0 && points <= 2000 + 200, `downsampled to at most ~2,000 points (got ${points})`);
});
