import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startDnsServer } from '../fixtures/dns-server';
import { startHttpTarget, startTcpTarget } from '../fixtures/targets';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';

/**
 * The site form by kind in a real Chromium against a running `next start` (checker inside) and real targets on
 * 127.0.0.1: one site of each kind added through the form, assertions built row by row and previewed against a
 * real response, a bad field named beside it, and a push site's URL shown once, pinged, rotated.
 */

const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

interface SiteLite {
  id: number;
  name: string;
  kind: string;
  url: string;
  state: string;
  assertions: unknown[];
}

async function siteNamed(app: RunningApp, name: string): Promise<SiteLite> {
  const res = await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders });
  const site = ((await res.json()) as { sites: SiteLite[] }).sites.find((s) => s.name === name);
  assert.ok(site, `no site named ${name}`);
  return site;
}

function rowOf(page: Page, name: string): Locator {
  return page.locator('tbody tr[data-site-id]', { hasText: name });
}

async function openAddForm(page: Page): Promise<Locator> {
  const first = page.getByRole('button', { name: 'Add your first site' });
  await (await first.isVisible() ? first : page.getByRole('button', { name: 'New site' })).click();
  return page.getByRole('dialog', { name: 'Add a site' });
}

test('one site of each kind through the form: assertions previewed live, a bad field named, the push URL shown once', async (t) => {
  const health = { status: 'ok', queue: { depth: 250 } };
  const api = await startHttpTarget(t, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(health));
  });
  const tcp = await startTcpTarget(t, (socket) => socket.end());
  const dns = await startDnsServer(t, { 'svc.upbeat.test': { A: ['192.0.2.10'] } });
  const app = await startApp(t);
  const browser = await launchBrowser(t);
  // Tall enough for the whole form, for its screenshot.
  const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 1500 } }, app);
  await page.goto(app.baseUrl);

  // HTTP: a wrong URL is named beside its field, and nothing is added.
  let form = await openAddForm(page);
  assert.equal(await form.getByRole('radio', { name: 'HTTP' }).isChecked(), true);
  await form.getByLabel('URL', { exact: true }).fill('ftp://127.0.0.1/');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.getByText('URL must start with http:// or https://').waitFor();
  assert.equal(await form.getByLabel('URL', { exact: true }).getAttribute('aria-invalid'), 'true');

  // For https, turning verification off says plainly what is given up.
  await form.getByLabel('URL', { exact: true }).fill('https://127.0.0.1/');
  await form.getByText('Advanced').click();
  await form.getByLabel('Verify the certificate').uncheck();
  assert.match(await form.getByTestId('tls-warning').innerText(), /Any certificate is accepted, also a forged one/);
  await form.getByLabel('Verify the certificate').check();
  assert.equal(await form.getByTestId('tls-warning').count(), 0);

  // Two assertions, one of which does not hold against the real response: the preview says which, and what it saw.
  await form.getByLabel('URL', { exact: true }).fill(`${api.url}/health`);
  await form.getByLabel('Name', { exact: true }).fill('Api');
  await form.getByLabel('Check every', { exact: true }).fill('2');
  for (const [path, op, value] of [
    ['$.status', '==', 'ok'],
    ['$.queue.depth', '<', '100'],
  ] as const) {
    await form.getByRole('button', { name: 'Add assertion' }).click();
    const n = await form.getByTestId('assertion-row').count();
    await form.getByLabel(`Assertion ${n} type`).selectOption('json-path');
    await form.getByLabel(`Assertion ${n} path`).fill(path);
    await form.getByLabel(`Assertion ${n} comparison`).selectOption(op);
    await form.getByLabel(`Assertion ${n} value`).fill(value);
  }
  await form.getByRole('button', { name: 'Test now' }).click();
  const verdicts = form.getByTestId('assertion-verdict');
  await verdicts.nth(1).waitFor();
  assert.equal(await verdicts.nth(0).innerText(), '✓ Passes');
  assert.equal(await verdicts.nth(1).innerText(), '✗ Fails: $.queue.depth is 250 (expected < 100)');
  assert.match(await form.getByTestId('preview-result').innerText(), /Would be down \(HTTP 200, \d+ ms\)/);
  assert.match(await form.getByTestId('preview-result').innerText(), /"depth":250/);
  fs.mkdirSync(OUTPUT, { recursive: true });
  await form.getByTestId('assertions').scrollIntoViewIfNeeded();
  await page.getByRole('dialog').screenshot({ path: path.join(OUTPUT, 'site-form-assertions.png') });
  // The preview wrote nothing.
  const none = (await (await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders })).json()) as { sites: unknown[] };
  assert.equal(none.sites.length, 0);

  // Edited, the row's old verdict goes; tested again, both hold.
  await form.getByLabel('Assertion 2 value').fill('1000');
  assert.equal(await verdicts.count(), 1);
  await form.getByRole('button', { name: 'Test now' }).click();
  await form.getByText('Would be up').waitFor();
  assert.deepEqual(await verdicts.allInnerTexts(), ['✓ Passes', '✓ Passes']);
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  await rowOf(page, 'Api').locator('[data-state="up"]').waitFor({ timeout: 10_000 });
  const apiSite = await siteNamed(app, 'Api');
  assert.deepEqual(apiSite.assertions, [
    { type: 'json-path', path: '$.status', op: '==', value: 'ok' },
    { type: 'json-path', path: '$.queue.depth', op: '<', value: 1000 },
  ]);

  // TCP: only its fields show; host:port becomes tcp://.
  form = await openAddForm(page);
  await form.getByRole('radio', { name: 'TCP' }).check();
  assert.equal(await form.getByText('Advanced').count(), 0, 'HTTP options are hidden for TCP');
  // Refused by the server's target policy (an address literal: judged without connecting), named at the field.
  await form.getByLabel('Host and port', { exact: true }).fill('169.254.169.254:80');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.getByText(/^Host and port points at .+, which Upbeat does not connect to$/).waitFor();
  assert.equal(await form.getByLabel('Host and port', { exact: true }).getAttribute('aria-invalid'), 'true');
  await form.getByLabel('Host and port', { exact: true }).fill(`127.0.0.1:${tcp.port}`);
  await form.getByLabel('Name', { exact: true }).fill('Db port');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  await rowOf(page, 'Db port').locator('[data-state="up"]').waitFor({ timeout: 10_000 });
  assert.equal((await siteNamed(app, 'Db port')).url, `tcp://127.0.0.1:${tcp.port}`);

  // DNS: a bad server is named; then the answer is recorded with the check and shown on the site page.
  form = await openAddForm(page);
  await form.getByRole('radio', { name: 'DNS' }).check();
  await form.getByLabel('Name to resolve', { exact: true }).fill('svc.upbeat.test');
  await form.getByLabel('Name', { exact: true }).fill('Service name');
  await form.getByLabel('DNS server', { exact: true }).fill('not-an-ip');
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.getByText('DNS server must be an IP address, optionally with :port').waitFor();
  await form.getByLabel('DNS server', { exact: true }).fill(dns.server);
  await form.getByLabel('Expected values', { exact: true }).fill('192.0.2.10');
  await form.getByRole('button', { name: 'Test now' }).click();
  await form.getByTestId('preview-result').getByText('Answer: A 192.0.2.10').waitFor();
  await form.getByRole('button', { name: 'Add site' }).click();
  await form.waitFor({ state: 'hidden' });
  await rowOf(page, 'Service name').locator('[data-state="up"]').waitFor({ timeout: 10_000 });

  // Push: the URL once, with a copy button; a ping turns the site up.
  form = await openAddForm(page);
  await form.getByRole('radio', { name: 'Push' }).check();
  assert.equal(await form.getByLabel('URL', { exact: true }).count(), 0, 'a push site has no URL to fill in');
  await form.getByLabel('Name', { exact: true }).fill('Nightly backup');
  await form.getByLabel('Expect a ping every', { exact: true }).fill('3600');
  await form.getByLabel('Grace', { exact: true }).fill('30');
  await form.getByRole('button', { name: 'Add site' }).click();
  const shown = page.getByRole('dialog', { name: 'Added Nightly backup' });
  const pingUrl = await shown.getByLabel('Ping URL').inputValue();
  assert.match(pingUrl, new RegExp(`^${app.baseUrl}/api/push/[A-Za-z0-9_-]{32}$`));
  assert.ok(await shown.getByRole('button', { name: 'Copy' }).isVisible());
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'hidden' });
  const push = await siteNamed(app, 'Nightly backup');
  const token = pingUrl.split('/').pop()!;
  const read = await (await fetch(`${app.baseUrl}/api/sites/${push.id}`, { headers: app.authHeaders })).text();
  assert.ok(!read.includes(token), 'the ping URL is never shown again');
  assert.equal((await fetch(pingUrl)).status, 200);
  await rowOf(page, 'Nightly backup').locator('[data-state="up"]').waitFor({ timeout: 10_000 });

  // The DNS site's page shows the answer of its latest check.
  const dnsSite = await siteNamed(app, 'Service name');
  await page.goto(`${app.baseUrl}/sites/${dnsSite.id}`);
  assert.equal(await page.getByTestId('site-kind').innerText(), 'DNS');
  assert.equal(await page.getByTestId('dns-answer').innerText(), 'Latest answer: A 192.0.2.10');

  // The push site's page rotates the URL: the new one shows once and works, the old one no longer does.
  await page.goto(`${app.baseUrl}/sites/${push.id}`);
  await page.getByRole('button', { name: 'Rotate ping URL' }).click();
  await page.getByRole('button', { name: 'Make a new URL' }).click();
  const rotated = await page.getByLabel('Ping URL').inputValue();
  assert.notEqual(rotated, pingUrl);
  assert.equal((await fetch(pingUrl)).status, 404);
  assert.equal((await fetch(rotated)).status, 200);
  await page.reload();
  assert.equal(await page.getByLabel('Ping URL').count(), 0, 'shown once: gone after a reload');

  // Editing keeps the rows as built, and a preview of the edit checks the stored site with the draft's changes.
  await page.goto(`${app.baseUrl}/sites/${apiSite.id}`);
  assert.deepEqual(await page.getByRole('list', { name: 'Assertions' }).getByRole('listitem').allInnerTexts(), [
    'JSON path $.status == "ok"',
    'JSON path $.queue.depth < 1000',
  ]);
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Api' });
  assert.equal(await edit.getByLabel('Assertion 2 value').inputValue(), '1000');
  await edit.getByLabel('Assertion 1 value').fill('fine');
  await edit.getByRole('button', { name: 'Test now' }).click();
  await edit.getByText('✗ Fails: $.status is "ok" (expected == "fine")').waitFor();
  await edit.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await siteNamed(app, 'Api')).assertions.length, 2);

  // Expected noise only: the refused save's 400, and an event stream cut when the page navigated away.
  assert.deepEqual(
    errors.filter((e) => !e.includes('400 (Bad Request)') && !e.includes('ERR_INCOMPLETE_CHUNKED_ENCODING')),
    [],
  );
});
