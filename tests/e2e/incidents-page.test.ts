import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTarget } from '../fixtures/controllable-target';
import { HOOK_SECRET } from '../helpers/alert-rows';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * Incidents in the browser, through a real break: a webhook channel made and tested in Settings, a site made
 * with it through the form's Alerts section, a target on 127.0.0.1 switched to 500 and back, and the incident
 * seen opening and closing live on the Incidents page and the site page, with one message of each kind.
 */

const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(app: RunningApp, method: string, url: string, body?: unknown, auth = true) {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method,
    headers: { ...(auth ? app.authHeaders : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : (JSON.parse(text) as Json) };
}

/** The alert messages the receiver got, by kind (the channel's test message left out). */
function kindsOf(hook: WebhookReceiver): string[] {
  return hook.received.map((h) => String(h.json?.kind)).filter((k) => k !== 'test');
}

/** A mark on the window: still there later means the page was never reloaded. */
async function markNoReload(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
}
async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}

test('a real break: channel tested, site made with it, incident opens and resolves live, one down and one recovered', async (t) => {
  const target = await startTarget(t, 200);
  const hook = await startReceiver(t);
  const app = await startApp(t);
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);

  // A webhook channel, tested from Settings → Notifications.
  await page.goto(`${app.baseUrl}/settings/notifications`);
  await page.getByRole('button', { name: 'Add channel' }).click();
  const channelForm = page.getByRole('dialog');
  await channelForm.getByLabel('Name').fill('On-call hook');
  await channelForm.getByLabel('URL').fill(hook.url);
  await channelForm.getByLabel('Signing secret').fill(HOOK_SECRET);
  await channelForm.getByRole('button', { name: 'Add channel' }).click();
  await channelForm.waitFor({ state: 'hidden' });
  const channelItem = page.getByRole('listitem').filter({ hasText: 'On-call hook' });
  await channelItem.getByRole('button', { name: 'Send test' }).click();
  await channelItem.getByText('Test delivered (HTTP 200).').waitFor();

  // The site, through the form: confirmed after 2 failures, telling the channel.
  await page.goto(`${app.baseUrl}/`);
  await page.getByRole('button', { name: 'Add your first site' }).click();
  const form = page.getByRole('dialog', { name: 'Add a site' });
  await form.getByLabel('URL', { exact: true }).fill(target.url);
  await form.getByLabel('Name', { exact: true }).fill('Shop');
  await form.getByLabel('Check every', { exact: true }).fill('2');
  await form.getByText('Alerts').click();
  await form.getByLabel('Down after', { exact: true }).fill('2');
  await form.getByLabel(/On-call hook/).check();
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  const [site] = (await call(app, 'GET', '/api/sites')).json!.sites as Json[];
  assert.deepEqual(
    [site!.name, site!.confirmAfter, site!.retryIntervalSeconds, site!.degradedAboveMs, site!.channels.length],
    ['Shop', 2, 2, null, 1],
  );

  // The Incidents page and the site page, open before anything breaks.
  await page.goto(`${app.baseUrl}/incidents`);
  await page.getByTestId('incidents-empty').waitFor();
  await page.getByRole('link', { name: 'Incidents' }).first().waitFor();
  const sitePage = await page.context().newPage();
  await sitePage.goto(`${app.baseUrl}/sites/${site!.id}`);
  await sitePage.locator('[data-testid="site-state"] [data-state="up"]').waitFor({ timeout: 20_000 });
  await markNoReload(page);
  await markNoReload(sitePage);

  target.setStatus(500);
  const open = page.locator('[data-testid="incident"][data-open="true"]');
  await open.waitFor({ timeout: 30_000 });
  assert.match(await open.getByTestId('incident-cause').innerText(), /^HTTP 500 Internal Server Error/);
  assert.match(await open.innerText(), /Shop/);
  await open.getByTestId('incident-elapsed').waitFor();
  await sitePage.getByTestId('open-incident').waitFor({ timeout: 10_000 });
  await open.getByText('Down: delivered').waitFor({ timeout: 15_000 });
  assert.deepEqual(kindsOf(hook), ['down']);
  assert.equal(hook.received.filter((h) => h.json?.kind === 'test').length, 1);
  assert.equal(await page.getByTestId('incidents-count').locator('dd').innerText(), '1');
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'incidents-open.png'), fullPage: true });
  await sitePage.screenshot({ path: path.join(OUTPUT, 'site-incident-open.png'), fullPage: true });

  // The delivery in the channel's attempt log.
  const settings = await page.context().newPage();
  await settings.goto(`${app.baseUrl}/settings/notifications`);
  const item = settings.getByRole('listitem').filter({ hasText: 'On-call hook' });
  await item.getByRole('button', { name: 'Attempts' }).click();
  await item.getByRole('cell', { name: 'Down · Shop' }).waitFor();

  target.setStatus(200);
  const resolved = page.locator('[data-testid="incident"][data-open="false"]');
  await resolved.waitFor({ timeout: 30_000 });
  assert.match(await resolved.getByTestId('incident-duration').innerText(), /^resolved after /);
  await resolved.getByText('Back up: delivered').waitFor({ timeout: 15_000 });
  await sitePage.getByTestId('open-incident').waitFor({ state: 'detached', timeout: 10_000 });
  await sitePage.locator('[data-testid="site-incidents"] [data-testid="incident"][data-open="false"]').waitFor();
  assert.deepEqual(kindsOf(hook), ['down', 'up'], 'exactly one down and one recovered message');
  assert.equal(hook.received.at(-1)!.headers['idempotency-key'], `inc1:up:ch${site!.channels[0]}`);
  assert.ok(await wasNotReloaded(page), 'the Incidents page showed it all without a reload');
  assert.ok(await wasNotReloaded(sitePage), 'the site page showed it all without a reload');
  await page.screenshot({ path: path.join(OUTPUT, 'incidents.png'), fullPage: true });

  // The site page's link leads to the Incidents page filtered by the site.
  await sitePage.getByRole('link', { name: 'All of this site’s incidents' }).click();
  await sitePage.waitForURL(`**/incidents?site=${site!.id}`);
  await sitePage.locator('[data-testid="incident"][data-open="false"]').waitFor();
  assert.deepEqual(errors, []);
});

test('Incidents page filters, public readers see no channels, form errors at their fields; screenshots', async (t) => {
  const target = await startTarget(t, 500);
  const app = await startApp(t, { env: { UPBEAT_PUBLIC_READ: 'true' } });
  const hookChannel = await call(app, 'POST', '/api/channels', {
    name: 'Ops hook',
    type: 'webhook',
    isDefault: true,
    config: { url: 'http://127.0.0.1:9/hook', secret: HOOK_SECRET },
  });
  const chat = await call(app, 'POST', '/api/channels', {
    name: 'Team chat',
    type: 'webhook',
    config: { url: 'http://127.0.0.1:9/chat', secret: HOOK_SECRET },
  });
  const broken = await call(app, 'POST', '/api/sites', { url: target.url, name: 'Checkout', intervalSeconds: 2, confirmAfter: 1 });
  await call(app, 'POST', '/api/sites', { url: target.url.replace('127.0.0.1', 'localhost'), name: 'Blog', paused: true });
  assert.equal(broken.status, 201);
  let incidents: Json[] = [];
  for (const end = Date.now() + 20_000; incidents.length === 0; ) {
    incidents = (await call(app, 'GET', '/api/incidents?open=true')).json!.incidents as Json[];
    if (Date.now() > end) assert.fail('no incident opened');
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(Array.isArray(incidents[0]!.notified), 'the owner sees who was told');
  const anonymous = await call(app, 'GET', '/api/incidents', undefined, false);
  assert.equal(anonymous.status, 200);
  assert.equal(anonymous.json!.incidents[0].notified, null, 'a public reader does not');
  const bad = await call(app, 'GET', '/api/incidents?from=2025-03-02&to=2025-03-01&open=maybe');
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json!.error.fields).sort(), ['open', 'to']);

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(`${app.baseUrl}/incidents?status=resolved`);
  await page.getByTestId('incidents-empty').waitFor();
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Open' }).click();
  await page.locator('[data-testid="incident"][data-open="true"]').waitFor();
  assert.match(page.url(), /\?status=open$/);
  await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Blog' });
  await page.getByTestId('incidents-empty').waitFor();
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: 'From–to' }).click();
  await page.getByLabel('From', { exact: true }).fill('2025-03-02');
  await page.getByLabel('to', { exact: true }).fill('2025-03-01');
  await page.getByRole('alert').getByText('To must be after from.').waitFor();
  await page.goto(`${app.baseUrl}/incidents`);
  await page.locator('[data-testid="incident"]').first().waitFor();

  // The API's own refusal shows at the field it names: a channel deleted while the form was open.
  await page.goto(`${app.baseUrl}/`);
  await page.getByRole('button', { name: 'New site' }).click();
  const form = page.getByRole('dialog', { name: 'Add a site' });
  await form.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/new');
  await form.getByText('Alerts').click();
  assert.equal(await form.getByLabel(/Ops hook/).isChecked(), true, 'default channels are preselected');
  assert.equal(await form.getByLabel(/Team chat/).isChecked(), false);
  await form.getByLabel(/Team chat/).check();
  assert.equal((await call(app, 'DELETE', `/api/channels/${chat.json!.id}`)).status, 204);
  await form.getByLabel('Slow above', { exact: true }).fill('800');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.locator('.field-error', { hasText: `Channels` }).waitFor();
  assert.match(await form.locator('fieldset .field-error').innerText(), new RegExp(String(chat.json!.id)));
  await form.getByLabel('Down after', { exact: true }).fill('0');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.getByText('Down after must be').waitFor();
  assert.equal((await call(app, 'GET', '/api/sites')).json!.sites.length, 2, 'nothing was written');
  assert.equal(hookChannel.status, 201);
  // The one 400 is the deleted channel refused on purpose above.
  assert.deepEqual(errors.filter((e) => !e.includes('400 (Bad Request)')), []);

  // Screenshots: the Incidents page and the form's Alerts section, desktop, 375 px, dark.
  fs.mkdirSync(OUTPUT, { recursive: true });
  const shots: Array<[string, Parameters<typeof openPage>[1]]> = [
    ['desktop', { colorScheme: 'light' }],
    ['375', { colorScheme: 'light', viewport: { width: 375, height: 812 }, isMobile: true }],
    ['dark', { colorScheme: 'dark' }],
  ];
  for (const [name, options] of shots) {
    const { page: p } = await openPage(browser, options, app);
    await p.goto(`${app.baseUrl}/incidents`);
    await p.locator('[data-testid="incident"]').first().waitFor();
    await p.screenshot({ path: path.join(OUTPUT, `incidents-${name}.png`), fullPage: true });
    await p.goto(`${app.baseUrl}/`);
    await p.getByRole('button', { name: 'New site' }).click();
    const f = p.getByRole('dialog', { name: 'Add a site' });
    await f.getByText('Alerts').click();
    await f.getByLabel(/Ops hook/).waitFor();
    const box = (await f.getByTestId('alert-fields').boundingBox())!;
    const clip = { x: box.x - 16, y: box.y - 8, width: box.width + 32, height: box.height + 16 };
    await p.screenshot({ path: path.join(OUTPUT, `site-form-alerts-${name}.png`), clip });
    await p.context().close();
  }
});

test('past the first page: "Show older incidents" reads the next pages until the list is whole', async (t) => {
  // 230 short outages of one site in the last two days, written before the app starts; the site is then paused
  // so that the checker adds nothing while the page is read.
  const dbPath = path.join(tempDir(t, 'upbeat-incidents-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  const now = Date.now();
  const site = store.createSite(newSite({ name: 'Flaky', url: 'https://flaky.example.test/', confirmAfter: 1 }), now - 3 * 86_400_000);
  const failed = { ok: false, statusCode: 503, error: { kind: 'status' as const, message: 'HTTP 503' } };
  for (let k = 0; k < 230; k++) {
    const at = now - 2 * 86_400_000 + k * 60_000;
    store.recordChecks([newCheck(site.id, at, failed)]);
    store.recordChecks([newCheck(site.id, at + 30_000)]);
  }
  store.updateSite(site.id, { paused: true });
  store.close();

  const app = await startApp(t, { dbPath });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(`${app.baseUrl}/incidents`);
  const items = page.getByTestId('incident');
  await items.first().waitFor();
  assert.equal(await items.count(), 200, 'the first page');
  await page.getByRole('button', { name: 'Show older incidents' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="incident"]').length === 230);
  assert.equal(await page.getByRole('button', { name: 'Show older incidents' }).count(), 0, 'nothing older: no button');
  const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  assert.equal(new Set(ids).size, 230, 'no incident twice');
  assert.deepEqual(errors, []);
});
