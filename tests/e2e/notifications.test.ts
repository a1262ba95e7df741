import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget } from '../fixtures/controllable-target';
import { HOOK_SECRET } from '../helpers/alert-rows';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { startReceiver } from '../helpers/webhook-receiver';

/** /api/channels and Settings → Notifications against `next start`, with a webhook receiver on 127.0.0.1. */

const OUTPUT = path.resolve(import.meta.dirname, '..', 'output');

/** A parsed JSON answer, read loosely: the assertions check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(app: RunningApp, method: string, url: string, body?: unknown) {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method,
    headers: { ...app.authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : (JSON.parse(text) as Json) };
}

test('channels API: validation by field, secrets masked, test, attempt log, delete; never public', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off', UPBEAT_PUBLIC_READ: 'on' } });
  const hook = await startReceiver(t);

  const bad = await call(app, 'POST', '/api/channels', { name: 'n', type: 'ntfy', config: { topic: 'no spaces allowed' } });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json!.error.fields), ['config.topic']);
  const metadata = await call(app, 'POST', '/api/channels', {
    name: 'n',
    type: 'webhook',
    config: { url: 'http://169.254.169.254/latest', secret: HOOK_SECRET },
  });
  assert.equal(metadata.status, 400);
  assert.deepEqual(Object.keys(metadata.json!.error.fields), ['config.url']);

  const created = await call(app, 'POST', '/api/channels', {
    name: 'Ops hook',
    type: 'webhook',
    config: { url: hook.url, secret: HOOK_SECRET },
  });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json!.config, { url: 'set', secret: 'set' });
  const id = created.json!.id as number;

  const patched = await call(app, 'PATCH', `/api/channels/${id}`, { name: 'Ops', config: created.json!.config });
  assert.equal(patched.status, 200);
  assert.equal(patched.json!.name, 'Ops');

  const tested = await call(app, 'POST', `/api/channels/${id}/test`);
  assert.equal(tested.status, 200);
  assert.equal(tested.json!.delivered, true);
  assert.equal(hook.received.length, 1, 'the stored URL and secret were kept by the masked PATCH');
  assert.equal(hook.received[0]!.json!.kind, 'test');

  hook.answer = () => ({ status: 503, body: 'down for maintenance' });
  const failed = await call(app, 'POST', `/api/channels/${id}/test`);
  assert.deepEqual(
    { delivered: failed.json!.delivered, status: failed.json!.status, error: failed.json!.error },
    { delivered: false, status: 503, error: 'down for maintenance' },
  );

  const log = await call(app, 'GET', `/api/channels/${id}/deliveries?limit=1`);
  assert.equal(log.json!.deliveries.length, 1);
  assert.equal(log.json!.deliveries[0].outcome, 'failed');
  const older = await call(app, 'GET', `/api/channels/${id}/deliveries?limit=1&before=${log.json!.next}`);
  assert.equal(older.json!.deliveries[0].outcome, 'delivered');
  assert.equal((await call(app, 'GET', `/api/channels/${id}/deliveries?limit=0`)).status, 400);

  // Public read shows sites, never where alerts go.
  const anonymous = await fetch(`${app.baseUrl}/api/channels`);
  assert.equal(anonymous.status, 401);

  assert.equal((await call(app, 'DELETE', `/api/channels/${id}`)).status, 204);
  assert.equal((await call(app, 'GET', `/api/channels/${id}`)).status, 404);
  assert.equal((await call(app, 'GET', '/api/channels/abc')).status, 404);
});

test('Settings → Notifications: add a webhook for a site, test it, see it delivered and logged', async (t) => {
  const target = await startTarget(t, 200);
  const hook = await startReceiver(t);
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const site = await call(app, 'POST', '/api/sites', { url: target.url, name: 'Shop', intervalSeconds: 30 });
  assert.equal(site.status, 201);

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(`${app.baseUrl}/settings`);
  await page.getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('heading', { name: 'Notifications' }).waitFor();
  await page.getByRole('button', { name: 'Add channel' }).click();
  const form = page.getByRole('dialog');
  await form.getByLabel('Name').fill('On-call hook');
  await form.getByLabel('URL').fill(hook.url);
  await form.getByLabel('Signing secret').fill('short');
  await form.getByLabel('Shop').check();
  await form.getByRole('button', { name: 'Add channel' }).click();
  // The server's own rule, shown at the field.
  await form.getByText('must be at least 16 characters').waitFor();
  fs.mkdirSync(OUTPUT, { recursive: true });
  await form.screenshot({ path: path.join(OUTPUT, 'notifications-form.png') });
  await form.getByLabel('Signing secret').fill(HOOK_SECRET);
  await form.getByRole('button', { name: 'Add channel' }).click();
  await form.waitFor({ state: 'hidden' });

  const item = page.getByRole('listitem').filter({ hasText: 'On-call hook' });
  await item.getByText('1 site').waitFor();
  await item.getByRole('button', { name: 'Send test' }).click();
  await item.getByText('Test delivered (HTTP 200).').waitFor();
  assert.equal(hook.received.length, 1);
  await item.getByRole('button', { name: 'Attempts' }).click();
  await item.getByRole('table', { name: 'Delivery attempts' }).getByRole('cell', { name: 'delivered' }).waitFor();
  await page.screenshot({ path: path.join(OUTPUT, 'notifications.png'), fullPage: true });

  const channels = await call(app, 'GET', '/api/channels');
  assert.deepEqual(channels.json!.channels[0].sites, [site.json!.id]);
  // The one 400 is the short secret refused on purpose above.
  assert.deepEqual(errors.filter((e) => !e.includes('400 (Bad Request)')), []);
});
