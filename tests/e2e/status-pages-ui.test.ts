import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * Settings → Status pages and the site page's badges, as the owner uses them in Chromium, checked through the
 * API and through what an anonymous visitor gets. The checker is off and the history seeded, so nothing moves.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const outputDir = path.join(root, 'tests', 'output', 'screenshots');
const PAYMENTS_URL = 'https://pay.internal.example/health';

interface Seeded {
  website: number;
  api: number;
  payments: number;
}

/** Website up, API down, Payments up; a fourth site that no page shows. */
function seed(dbPath: string): Seeded {
  const store = openAppStore(dbPath);
  try {
    const now = Date.now();
    const website = store.createSite(newSite({ name: 'Website', url: 'https://www.example.com/' })).id;
    const api = store.createSite(newSite({ name: 'API', url: 'https://api.example.com/v1/health' })).id;
    const payments = store.createSite(newSite({ name: 'Payments', url: PAYMENTS_URL })).id;
    store.createSite(newSite({ name: 'Internal admin', url: 'https://admin.internal.example/' }));
    store.recordChecks([
      newCheck(website, now - 120_000),
      newCheck(website, now - 60_000),
      newCheck(api, now - 60_000, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503' } }),
      newCheck(payments, now - 60_000),
    ]);
    return { website, api, payments };
  } finally {
    store.close();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function get(app: RunningApp, url: string): Promise<Json> {
  const res = await fetch(`${app.baseUrl}${url}`, { headers: app.authHeaders });
  assert.equal(res.status, 200, `GET ${url}`);
  return res.json();
}

/** Errors a page logged, but the browser's own line for a 4xx the page asked for and showed. */
const pageErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

/** The error shown under the field labelled `label`. */
const fieldError = (page: Page, label: string) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');

async function chooseSite(page: Page, name: string) {
  await page.getByLabel('Add a site').selectOption({ label: name });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

const activeLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);

test('Settings → Status pages and site badges in Chromium', async (t) => {
  const dir = tempDir(t, 'upbeat-status-ui-');
  const dbPath = path.join(dir, 'upbeat.db');
  const ids = seed(dbPath);
  const app = await startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, { locale: 'en-US' }, app);
  let editUrl = '';

  await t.test('an empty list says what a status page is; a bad slug is shown at its field and nothing is created', async () => {
    await page.goto(`${app.baseUrl}/settings`);
    await page.getByRole('link', { name: 'Status pages' }).first().click();
    await page.waitForURL(/\/settings\/status-pages$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Status pages');
    assert.ok(await page.getByRole('heading', { name: 'No status pages yet' }).isVisible());
    assert.match((await page.locator('.empty-state').textContent()) ?? '', /A status page is a public page/);
    fs.mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'status-ui-empty-light-1280.png') });

    await page.getByRole('link', { name: 'Create your first status page' }).click();
    await page.waitForURL(/\/settings\/status-pages\/new$/);
    await page.getByLabel('Title', { exact: true }).fill('Acme status');
    await page.getByLabel('Description (optional)').fill('Live status of the Acme website and API.');
    await page.getByLabel('Address (slug)').fill('Acme Status!');
    await chooseSite(page, 'Website');
    await chooseSite(page, 'API');
    await chooseSite(page, 'Payments');
    await page.getByRole('button', { name: 'Create page' }).click();

    await fieldError(page, 'Address (slug)').waitFor();
    assert.match((await fieldError(page, 'Address (slug)').textContent()) ?? '', /^Address must be 1–63 lower-case letters/);
    assert.equal(await page.getByLabel('Address (slug)').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value), 'Acme Status!', 'the slug field has the focus');
    assert.deepEqual(await get(app, '/api/status-pages'), [], 'nothing was created');
    await page.screenshot({ path: path.join(outputDir, 'status-ui-new-error-light-1280.png'), fullPage: true });
  });

  await t.test('three sites in an order chosen with the keyboard and a group: the public page shows them so', async () => {
    await page.getByLabel('Address (slug)').fill('acme');
    assert.equal(await page.getByTestId('public-url').textContent(), `Public at ${app.baseUrl}/status/acme`);

    // Payments to the top with the keyboard: the focus stays on the button pressed, then moves to its pair.
    await page.getByRole('button', { name: 'Move Payments up' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await activeLabel(page), 'Move Payments up');
    await page.keyboard.press('Enter');
    assert.equal(await activeLabel(page), 'Move Payments down', 'at the top, focus moves to the button that still works');
    assert.deepEqual(await page.locator('[data-site] strong').allTextContents(), ['Payments', 'Website', 'API']);

    await page.getByLabel('Group of Website').fill('Backend');
    await page.getByLabel('Group of API').fill('Backend');
    await page.getByLabel('Show URL of API').check();
    await page.getByRole('button', { name: 'Create page' }).click();
    await page.waitForURL(/\/settings\/status-pages\/\d+$/);
    editUrl = page.url();
    await page.getByRole('status').filter({ hasText: 'Created Acme status' }).waitFor();

    const pages = await get(app, '/api/status-pages');
    assert.equal(pages.length, 1);
    assert.equal(pages[0].slug, 'acme');
    assert.deepEqual(pages[0].sites, [
      { siteId: ids.payments, group: '', showUrl: false },
      { siteId: ids.website, group: 'Backend', showUrl: false },
      { siteId: ids.api, group: 'Backend', showUrl: true },
    ]);

    const visitor = await browser.newContext();
    const pub = await visitor.newPage();
    const res = await pub.goto(`${app.baseUrl}/status/acme`);
    assert.equal(res?.status(), 200);
    assert.deepEqual(await pub.locator('.site h3').allTextContents(), ['Payments', 'Website', 'API']);
    assert.deepEqual(await pub.locator('section > h2').allTextContents(), ['Services', 'Backend', 'Incidents and notices', 'Incident history']);
    const html = await pub.content();
    assert.ok(html.includes('https://api.example.com/v1/health') && !html.includes(PAYMENTS_URL), 'only the URL chosen is shown');
    await visitor.close();
  });

  await t.test('an incident post and an update, newest first, reach the public page', async () => {
    await page.getByLabel('Title', { exact: true }).nth(1).fill('API answering 503');
    await page.getByLabel('Message').fill('We see errors from the API and are looking into it.');
    await page.getByRole('button', { name: 'Post incident' }).click();
    const post = page.locator('[data-post]', { hasText: 'API answering 503' });
    await post.waitFor();
    assert.equal(await post.getByTestId('post-status').textContent(), 'Investigating');

    await post.getByRole('button', { name: 'Add update' }).click();
    await post.getByLabel('Status').selectOption('identified');
    await post.getByLabel('Update', { exact: true }).fill('A failed deploy; rolling back.');
    await post.getByRole('button', { name: 'Post update' }).click();
    await post.getByTestId('post-status').filter({ hasText: 'Identified' }).waitFor();
    const updates = await post.locator('ol li').allTextContents();
    assert.equal(updates.length, 2);
    assert.match(updates[0]!, /^Identified.*rolling back/);
    assert.match(updates[1]!, /^Investigating.*looking into it/);

    const res = await fetch(`${app.baseUrl}/status/acme`);
    const html = await res.text();
    assert.ok(html.includes('API answering 503'));
    assert.ok(html.indexOf('rolling back') < html.indexOf('looking into it'), 'the newest update first');
  });

  await t.test("maintenance times are typed in the viewer's zone and sent as ISO 8601; a post is deleted after asking", async () => {
    const { page: ny, errors: nyErrors } = await openPage(browser, { locale: 'en-US', timezoneId: 'America/New_York' }, app);
    await ny.goto(editUrl);
    await ny.getByLabel('Maintenance', { exact: true }).check();
    assert.match((await ny.getByText(/Times in your time zone/).textContent()) ?? '', /America\/New_York/);
    await ny.getByLabel('Title', { exact: true }).nth(1).fill('Database upgrade');
    await ny.getByLabel('Starts').fill('2030-01-15T10:00');
    await ny.getByLabel('Ends').fill('2030-01-15T12:30');
    await ny.getByLabel('Message').fill('Payments may be slow for up to an hour.');
    await ny.getByRole('button', { name: 'Post maintenance notice' }).click();
    await ny.locator('[data-post]', { hasText: 'Database upgrade' }).waitFor();

    const pageId = Number(editUrl.split('/').at(-1));
    const posts = await get(app, `/api/status-pages/${pageId}/posts`);
    const maintenance = posts.find((p: Json) => p.kind === 'maintenance');
    assert.equal(maintenance.startsAt, Date.parse('2030-01-15T15:00:00Z'), '10:00 in New York is 15:00 UTC');
    assert.equal(maintenance.endsAt, Date.parse('2030-01-15T17:30:00Z'));
    assert.deepEqual(await ny.locator('[data-post] h3').allTextContents(), ['Database upgrade', 'API answering 503']);

    await ny.getByRole('button', { name: 'Delete Database upgrade' }).click();
    const dialog = ny.getByRole('dialog', { name: 'Delete Database upgrade?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete post' }).click();
    await ny.locator('[data-post]', { hasText: 'Database upgrade' }).waitFor({ state: 'detached' });
    assert.equal((await get(app, `/api/status-pages/${pageId}/posts`)).length, 1);
    assert.deepEqual(pageErrors(nyErrors), []);
    await ny.context().close();
  });

  await t.test('badges: turned on, the Markdown URL serves anyone an SVG with the state; turned off, 404 at once', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    await page.goto(`${app.baseUrl}/sites/${ids.website}`);
    const section = page.getByTestId('site-badges');
    const toggle = section.getByLabel('Serve public badges');
    assert.equal(await toggle.isChecked(), false, 'off by default');
    await toggle.check();
    const markdown = section.getByTestId('badge-markdown-status');
    await markdown.filter({ hasText: /^!\[status]/ }).waitFor();
    const text = (await markdown.textContent()) ?? '';
    const url = /^!\[status]\((http:\/\/127\.0\.0\.1:\d+\/api\/badges\/\d+\/status\.svg)\)$/.exec(text)?.[1];
    assert.ok(url?.startsWith(app.baseUrl), `an absolute URL on this server: ${text}`);

    const state = (await get(app, `/api/sites/${ids.website}`)).state;
    assert.equal(state, 'up');
    const svg = await fetch(url!);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(await svg.text(), new RegExp(`<title>status: ${state}</title>`));

    await section.getByLabel('Uptime over').selectOption('7d');
    const uptime = /\((.+)\)$/.exec((await section.getByTestId('badge-markdown-uptime').textContent()) ?? '')?.[1];
    assert.ok(uptime?.endsWith('/uptime.svg?window=7d'), `${uptime}`);
    assert.match(await (await fetch(uptime!)).text(), /<title>uptime 7d: 100%<\/title>/);

    // The previews are real images from this origin (the CSP allows them), not broken ones.
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid="site-badges"] img')];
      return imgs.length === 3 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });

    await section.getByRole('button', { name: "Copy the status badge's Markdown" }).click();
    await section.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);

    await toggle.uncheck();
    await section.getByText(/^Off\./).waitFor();
    assert.equal((await fetch(url!)).status, 404, 'off answers 404 at once, not after the cache runs out');
    assert.deepEqual(await get(app, `/api/sites/${ids.website}/badges`), { enabled: false });
    assert.deepEqual(pageErrors(errors), []);
  });

  await t.test('screenshots: list, edit view and badges at 1280 px, 375 px and dark; nothing wider than the screen', async () => {
    await fetch(`${app.baseUrl}/api/sites/${ids.website}/badges`, {
      method: 'PUT',
      headers: { ...app.authHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    for (const [scheme, width] of [['light', 1280], ['light', 375], ['dark', 1280], ['dark', 375]] as const) {
      const shot = await openPage(browser, { viewport: { width, height: 900 }, colorScheme: scheme, locale: 'en-US' }, app);
      for (const [name, url] of [
        ['list', '/settings/status-pages'],
        ['edit', editUrl.slice(app.baseUrl.length)],
        ['badges', `/sites/${ids.website}`],
      ] as const) {
        await shot.page.goto(`${app.baseUrl}${url}`);
        if (name === 'badges') {
          await shot.page.getByTestId('site-badges').scrollIntoViewIfNeeded();
          await shot.page.getByTestId('badge-markdown-status').filter({ hasText: /^!\[status]/ }).waitFor();
        }
        const overflow = await shot.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} is ${overflow} px wider than a ${width} px screen`);
        const target = name === 'badges' ? shot.page.getByTestId('site-badges') : shot.page;
        await target.screenshot({ path: path.join(outputDir, `status-ui-${name}-${scheme}-${width}.png`), ...(name === 'badges' ? {} : { fullPage: true }) });
      }
      assert.deepEqual(pageErrors(shot.errors), []);
      await shot.page.context().close();
    }
  });

  await t.test('a page is deleted only after the question is answered', async () => {
    await page.goto(`${app.baseUrl}/settings/status-pages`);
    const row = page.locator('[data-page]', { hasText: 'Acme status' });
    assert.match((await row.textContent()) ?? '', /\/status\/acme.*3 sites/);
    assert.equal(await row.getByRole('link', { name: /\/status\/acme/ }).getAttribute('href'), '/status/acme');

    await row.getByRole('button', { name: 'Delete Acme status' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Acme status?' });
    await dialog.waitFor();
    assert.equal(await activeLabel(page), 'BUTTON');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'the safe choice has the focus');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await get(app, '/api/status-pages')).length, 1, 'cancel keeps it');

    await row.getByRole('button', { name: 'Delete Acme status' }).click();
    await dialog.getByRole('button', { name: 'Delete page' }).click();
    await page.getByRole('heading', { name: 'No status pages yet' }).waitFor();
    assert.deepEqual(await get(app, '/api/status-pages'), []);
    assert.equal((await fetch(`${app.baseUrl}/status/acme`)).status, 404);
    assert.deepEqual(pageErrors(errors), []);
  });
});
