import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { parsePrometheusText, sampleOf } from '../helpers/prom-text';
import { selfSignedCertificate } from '../fixtures/tls';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * Public status pages, badges and metrics through `next start`, as an anonymous visitor and as the owner. The
 * history is seeded into the database file (90 days of hourly checks), the checker is off so nothing moves.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const outputDir = path.join(root, 'tests', 'output', 'screenshots');
const DAY = 86_400_000;
const HIDDEN_URL = 'https://origin-7f3a.internal.example/health';
const HEADER_SECRET = 'Bearer hdr-secret-5b1c9e';
const OFF_PAGE = 'Internal admin';

interface Seeded {
  up: number;
  down: number;
  flaky: number;
  offPage: number;
}

/**
 * Three sites on the page (up; down with an open incident; down after a bad week) and one that is not. Every site
 * confirms a failure on the second in a row (confirmAfter 2), so the isolated failed hours of the history are
 * blips that lower a day's uptime without opening incidents, and the two failures at the end open the one real
 * incident each of API and Payments has now — opened by the store in the checks' transaction, as the checker does.
 */
function seed(dbPath: string): Seeded {
  const store = openAppStore(dbPath);
  try {
    const now = Date.now();
    const site = (over: Parameters<typeof newSite>[0]) => store.createSite(newSite({ confirmAfter: 2, ...over })).id;
    const up = site({ name: 'Website', url: HIDDEN_URL, headers: { authorization: HEADER_SECRET } });
    const down = site({ name: 'API', url: 'https://api.example.com/v1/health' });
    const flaky = site({ name: 'Payments', url: 'https://pay.internal.example/' });
    const offPage = site({ name: OFF_PAGE, url: 'https://admin.internal.example/' });
    const checks = [];
    for (let t = now - 89 * DAY; t < now - 30 * 60_000; t += 3_600_000) {
      const day = Math.floor((now - t) / DAY);
      checks.push(newCheck(up, t));
      checks.push(newCheck(down, t, day === 12 && t % (3 * 3_600_000) < 3_600_000 ? { ok: false, statusCode: 502, error: { kind: 'status', message: 'HTTP 502' } } : {}));
      checks.push(newCheck(flaky, t, day >= 3 && day <= 5 && t % (2 * 3_600_000) < 3_600_000 ? { ok: false, statusCode: null, error: { kind: 'timeout', message: 'timed out' } } : {}));
      checks.push(newCheck(offPage, t));
    }
    for (const at of [now - 120_000, now - 60_000]) {
      checks.push(newCheck(up, at));
      checks.push(newCheck(down, at, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503' } }));
      checks.push(newCheck(flaky, at, { ok: false, statusCode: null, error: { kind: 'refused', message: 'refused' } }));
    }
    for (let i = 0; i < checks.length; i += 2000) store.recordChecks(checks.slice(i, i + 2000));
    // A past outage of Payments, written as its incident row: the hourly history above is too coarse to confirm one.
    store.db
      .prepare(`INSERT INTO incidents (site_id, kind, started_at, confirmed_at, resolved_at) VALUES (?, 'down', ?, ?, ?)`)
      .run(flaky, now - 4 * DAY, now - 4 * DAY, now - 4 * DAY + 7_200_000);
    return { up, down, flaky, offPage };
  } finally {
    store.close();
  }
}

async function api(app: RunningApp, method: string, url: string, body?: unknown) {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method,
    headers: { ...app.authHeaders, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${url} → ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function setUp(t: import('node:test').TestContext) {
  const dir = tempDir(t, 'upbeat-status-');
  const dbPath = path.join(dir, 'upbeat.db');
  const ids = seed(dbPath);
  // A refill of 1/s (burst 60 as by default): the burst of 160 below outruns it even when a busy machine takes
  // many seconds to answer them, while the other anonymous requests of these tests stay within the burst.
  const app = await startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off', UPBEAT_ANON_RATE: '1' } });
  const page = await api(app, 'POST', '/api/status-pages', {
    slug: 'acme',
    title: 'Acme status',
    description: 'Live status of the Acme website and API.',
    sites: [
      { siteId: ids.up, group: 'Website' },
      { siteId: ids.down, group: 'Backend', showUrl: true },
      { siteId: ids.flaky, group: 'Backend' },
    ],
  });
  const post = await api(app, 'POST', `/api/status-pages/${page.id}/posts`, {
    kind: 'incident',
    title: 'API answering 503',
    message: 'We see errors from the API and are looking into it.',
  });
  await api(app, 'POST', `/api/status-pages/${page.id}/posts/${post.id}`, { status: 'identified', message: 'A failed deploy; rolling back.' });
  await api(app, 'POST', `/api/status-pages/${page.id}/posts`, {
    kind: 'maintenance',
    title: 'Database upgrade',
    message: 'Payments may be slow for up to an hour.',
    startsAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    endsAt: new Date(Date.now() + 50 * 60_000).toISOString(),
  });
  await api(app, 'PUT', `/api/sites/${ids.up}/badges`, { enabled: true });
  return { app, ids, pageId: page.id as number };
}

/** A GET with exactly these request headers (fetch would add its own Accept-Encoding and decode the body). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

/** Parses XML with Chromium's own parser; returns null when it is not well-formed. */
async function parseXml(page: Page, text: string, query: string): Promise<Record<string, string[]> | null> {
  return page.evaluate(
    ([xml, q]) => {
      const doc = new DOMParser().parseFromString(xml!, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length > 0) return null;
      const out: Record<string, string[]> = { root: [doc.documentElement.localName, doc.documentElement.namespaceURI ?? ''] };
      for (const name of q!.split(',')) out[name] = Array.from(doc.getElementsByTagNameNS('*', name)).map((e) => e.textContent ?? '');
      return out;
    },
    [text, query],
  );
}

test('status page, JSON, feed and badges: open to anyone, cached, and nothing more', async (t) => {
  const { app, ids, pageId } = await setUp(t);
  const browser = await launchBrowser(t);

  await t.test('the page answers without a login, with Cache-Control, an ETag and 304', async () => {
    const res = await fetch(`${app.baseUrl}/status/acme`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=5\b/);
    const etag = res.headers.get('etag');
    assert.ok(etag);
    const html = await res.text();
    assert.ok(html.includes('Acme status') && html.includes('Partial outage'));
    const again = await fetch(`${app.baseUrl}/status/acme`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal((await fetch(`${app.baseUrl}/status/nope`)).status, 404);
  });

  await t.test('gzip is made once per cache window: Content-Encoding, Vary, its own ETag and 304; plain without gzip', async () => {
    const url = `${app.baseUrl}/status/acme`;
    const plain = await rawGet(url, {});
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.body.toString('utf8'), /^<!doctype html>/);
    const zipped = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.match(String(zipped.headers.vary), /accept-encoding/i);
    assert.equal(zlib.gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'), 'the same page, gzipped');
    assert.ok(zipped.body.length * 2 < plain.body.length, `${zipped.body.length} gzipped bytes of ${plain.body.length}`);
    assert.notEqual(zipped.headers.etag, plain.headers.etag, 'each representation has its own validator');
    const again = await rawGet(url, { 'accept-encoding': 'gzip', 'if-none-match': String(zipped.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal((await rawGet(url, { 'accept-encoding': 'gzip;q=0, br' })).headers['content-encoding'], undefined, 'gzip refused');
    const missing = await rawGet(`${app.baseUrl}/status/nope`, { 'accept-encoding': 'gzip' });
    assert.equal(missing.status, 404);
    assert.match(zlib.gunzipSync(missing.body).toString('utf8'), /No status page here/, 'a 404 is gzipped like its label says');
  });

  await t.test('hidden URLs, header secrets and other sites appear nowhere in the HTML, JSON or feed', async () => {
    const bodies = await Promise.all(
      ['/status/acme', '/api/status/acme', '/status/acme/feed.xml'].map(async (p) => (await fetch(`${app.baseUrl}${p}`)).text()),
    );
    const all = bodies.join('\n');
    for (const secret of [HIDDEN_URL, 'origin-7f3a', 'hdr-secret', OFF_PAGE, 'admin.internal', 'pay.internal']) {
      assert.ok(!all.includes(secret), `${secret} is not shown`);
    }
    assert.ok(all.includes('https://api.example.com/v1/health'), 'the URL the owner chose to show is there');
    const json = JSON.parse(bodies[1]!) as { groups: { sites: Record<string, unknown>[] }[] };
    assert.deepEqual(json.groups.flatMap((g) => g.sites.map((s) => s.name)), ['Website', 'API', 'Payments']);
    assert.ok(!('siteId' in json.groups[0]!.sites[0]!) && !('id' in json.groups[0]!.sites[0]!), 'no site ids');
  });

  await t.test('every other route still needs credentials', async () => {
    for (const p of ['/api/sites', '/api/overview', '/api/status-pages', `/api/sites/${ids.up}/badges`, '/metrics', `/api/sites/${ids.up}`]) {
      assert.equal((await fetch(`${app.baseUrl}${p}`)).status, 401, p);
    }
    const home = await fetch(`${app.baseUrl}/`, { redirect: 'manual' });
    assert.ok([302, 307].includes(home.status) && (home.headers.get('location') ?? '').includes('/login'));
    const write = await fetch(`${app.baseUrl}/api/status-pages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(write.status, 401);
  });

  await t.test('badges: SVG that parses, with the right words; endpoint JSON; off sites 404', async () => {
    const { page } = await openPage(browser);
    const status = await fetch(`${app.baseUrl}/api/badges/${ids.up}/status.svg`);
    assert.equal(status.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    // Opened on its own, a badge may not run or load anything (its policy comes from next.config.js).
    assert.match(status.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(status.headers.get('x-content-type-options'), 'nosniff');
    const svg = await parseXml(page, await status.text(), 'title,text');
    assert.ok(svg, 'well-formed SVG');
    assert.deepEqual(svg.root, ['svg', 'http://www.w3.org/2000/svg']);
    assert.deepEqual(svg.title, ['status: up']);
    const uptime = await parseXml(page, await (await fetch(`${app.baseUrl}/api/badges/${ids.up}/uptime.svg?window=30d&label=Acme&style=flat-square`)).text(), 'title');
    assert.deepEqual(uptime?.title, ['Acme: 100%']);
    const latency = await parseXml(page, await (await fetch(`${app.baseUrl}/api/badges/${ids.up}/latency.svg?window=24h&stat=avg`)).text(), 'title');
    assert.match(latency?.title?.[0] ?? '', /^avg 24h: 2\d ms$/);
    const endpoint = (await (await fetch(`${app.baseUrl}/api/badges/${ids.up}/status.json`)).json()) as Record<string, unknown>;
    assert.deepEqual(endpoint, { schemaVersion: 1, label: 'status', message: 'up', color: '44cc11', style: 'flat' });
    assert.equal((await fetch(`${app.baseUrl}/api/badges/${ids.down}/status.svg`)).status, 404, 'badges are off by default');
    assert.equal((await fetch(`${app.baseUrl}/api/badges/${ids.up}/uptime.svg?window=5y`)).status, 400);
    await page.context().close();
  });

  await t.test('the feed is Atom with the required elements', async () => {
    const { page } = await openPage(browser);
    const res = await fetch(`${app.baseUrl}/status/acme/feed.xml`);
    assert.equal(res.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    const feed = await parseXml(page, await res.text(), 'id,title,updated,entry,author,content');
    assert.ok(feed, 'well-formed XML');
    assert.deepEqual(feed.root, ['feed', 'http://www.w3.org/2005/Atom']);
    assert.equal(feed.entry!.length, 2);
    assert.equal(feed.id!.length, 3, 'the feed and each entry have an id');
    assert.equal(feed.updated!.length, 3);
    for (const u of feed.updated!) assert.ok(!Number.isNaN(Date.parse(u)), `${u} is an RFC 3339 time`);
    assert.ok(feed.title!.some((x) => x.includes('API answering 503 (identified)')));
    assert.ok(feed.content!.some((x) => x.includes('rolling back')));
    await page.context().close();
  });

  await t.test('in Chromium: headings, words beside colours, keyboard, 375 px and dark; screenshots', async () => {
    fs.mkdirSync(outputDir, { recursive: true });
    for (const [scheme, width] of [['light', 1280], ['dark', 1280], ['light', 375], ['dark', 375]] as const) {
      const { page, errors } = await openPage(browser, { viewport: { width, height: 900 }, colorScheme: scheme });
      await page.goto(`${app.baseUrl}/status/acme`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Acme status');
      assert.deepEqual(await page.getByRole('heading', { level: 2 }).allTextContents(), [
        'Database upgrade Maintenance · Scheduled',
        'Website',
        'Backend',
        'Incidents and notices',
        'Incident history',
      ]);
      assert.match((await page.getByRole('status').textContent()) ?? '', /Partial outage/);
      const states = await page.locator('.site .state').allTextContents();
      assert.deepEqual(states.map((s) => s.trim()), ['✓ up', '✕ down', '✕ down']);
      assert.ok(await page.getByRole('img', { name: /Last 90 days: \d+ days? below 100 %/ }).first().isVisible());
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than a ${width} px screen`);
      if (scheme === 'dark') {
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(bg, 'rgb(13, 17, 23)');
      }
      if (width === 1280 && scheme === 'light') {
        // The list of days below 100 % opens from the keyboard.
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => document.activeElement?.tagName);
        assert.equal(first, 'SUMMARY');
        await page.keyboard.press('Enter');
        assert.ok(await page.locator('details.days[open] li').first().isVisible());
      }
      await page.screenshot({ path: path.join(outputDir, `status-${scheme}-${width}.png`), fullPage: width === 375 });
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  await t.test('metrics: a token is needed; the exposition parses and matches the sites', async () => {
    const res = await fetch(`${app.baseUrl}/metrics`, { headers: app.authHeaders });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    assert.equal(sampleOf(families, 'upbeat_site_up', { site_id: String(ids.up), site_name: 'Website' }), 1);
    assert.equal(sampleOf(families, 'upbeat_site_up', { site_id: String(ids.down), site_name: 'API' }), 0);
    assert.equal(sampleOf(families, 'upbeat_incidents_open', { site_id: String(ids.down) }), 1);
    assert.equal(sampleOf(families, 'upbeat_site_state', { site_id: String(ids.flaky), state: 'down' }), 1);
  });

  await t.test("the logo loads from its https origin, allowed by that page's CSP only", async (t2) => {
    const cert = selfSignedCertificate();
    if (!cert) return t2.skip('no openssl to make a certificate');
    let logoRequests = 0;
    const logoServer = https.createServer(cert, (_req, res) => {
      logoRequests++;
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0969da"/></svg>');
    });
    await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
    t2.after(() => logoServer.close());
    const logoOrigin = `https://127.0.0.1:${(logoServer.address() as import('node:net').AddressInfo).port}`;
    const current = await api(app, 'GET', `/api/status-pages/${pageId}`);
    await api(app, 'PUT', `/api/status-pages/${pageId}`, {
      slug: current.slug,
      title: current.title,
      description: current.description,
      logoUrl: `${logoOrigin}/logo.svg`,
      sites: (current.sites as { siteId: number; group: string; showUrl: boolean }[]).map(({ siteId, group, showUrl }) => ({ siteId, group, showUrl })),
    });

    const res = await fetch(`${app.baseUrl}/status/acme`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`img-src 'self' data: ${logoOrigin.replace(/[.]/g, '\\.')}(;|$)`));
    assert.match(csp, /default-src 'none'/);
    for (const p of ['/login', '/status/acme/feed.xml', '/api/status/acme']) {
      const other = (await fetch(`${app.baseUrl}${p}`)).headers.get('content-security-policy') ?? '';
      assert.ok(other.includes('img-src') && !other.includes(logoOrigin), `${p} has a policy of its own, without the logo's origin`);
    }
    // Public reads skip the per-request proxy; the static security headers still reach every one of them.
    for (const p of ['/status/acme', '/status/acme/feed.xml', '/api/status/acme', '/status/no-such-page']) {
      const headers = (await fetch(`${app.baseUrl}${p}`)).headers;
      assert.equal(headers.get('x-content-type-options'), 'nosniff', p);
      assert.equal(headers.get('x-frame-options'), 'DENY', p);
      assert.equal(headers.get('referrer-policy'), 'same-origin', p);
      assert.match(headers.get('content-security-policy') ?? '', /default-src 'none'/, p);
    }

    const { page, errors } = await openPage(browser, { ignoreHTTPSErrors: true });
    await page.goto(`${app.baseUrl}/status/acme`);
    const logo = page.locator('header.page img');
    await logo.evaluate((img: HTMLImageElement) => (img.complete ? null : new Promise((r) => img.addEventListener('load', r, { once: true }))));
    assert.equal(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth), 120, 'the logo was loaded and drawn');
    assert.ok(logoRequests >= 1);
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.banner')!).borderRadius), '8px', 'the inline stylesheet is allowed by its hash');
    assert.deepEqual(errors, [], 'no CSP violation reported');
    await page.context().close();
  });

  await t.test('anonymous callers are rate limited with 429 and Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 160 }, (_, i) =>
        fetch(`${app.baseUrl}${i % 2 ? '/status/acme' : `/api/badges/${ids.up}/status.svg`}`).then(async (r) => {
          await r.arrayBuffer();
          return { status: r.status, retry: r.headers.get('retry-after'), page: i % 2 === 1 };
        }),
      ),
    );
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length > 0, 'some were refused');
    // The earlier steps of this file spent part of the same client's budget (burst 60, 1/s), so what is left of
    // the burst is served and the rest refused.
    assert.ok(answers.some((a) => a.status === 200), 'what was left of the burst was served');
    assert.ok(answers.every((a) => a.status === 200 || a.status === 429), 'nothing but served or refused');
    assert.ok(limited.every((a) => Number(a.retry) >= 1));
    assert.ok(limited.some((a) => a.page) && limited.some((a) => !a.page), 'pages and badges share one budget');
  });
});
