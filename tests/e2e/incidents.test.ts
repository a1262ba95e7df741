import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget } from '../fixtures/controllable-target';
import { startApp, type RunningApp } from '../helpers/app-server';

/** The site alert fields and the incidents API against `next start`, with a target switched to 500 on 127.0.0.1. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(app: RunningApp, method: string, url: string, body?: unknown) {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method,
    headers: { ...app.authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('site alert fields, channels by id, and an incident opened and closed live through the API', async (t) => {
  const target = await startTarget(t, 200);
  const app = await startApp(t);
  const fallback = await call(app, 'POST', '/api/channels', { name: 'Default hook', type: 'webhook', isDefault: true, config: { url: 'http://127.0.0.1:9/hook', secret: 'a-test-secret-of-some-length' } });
  assert.equal(fallback.status, 201, JSON.stringify(fallback.json));
  const other = await call(app, 'POST', '/api/channels', { name: 'Other', type: 'webhook', config: { url: 'http://127.0.0.1:9/other', secret: 'a-test-secret-of-some-length' } });

  const bad = await call(app, 'POST', '/api/sites', { url: target.url, channels: [999], confirmAfter: 0, degradedAboveMs: 'x' });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json.error.fields ?? {}).sort(), ['confirmAfter', 'degradedAboveMs']);
  const unknown = await call(app, 'POST', '/api/sites', { url: target.url, channels: [999] });
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.error.fields.channels, /999/);

  const preset = await call(app, 'POST', '/api/sites', { url: target.url, name: 'preset', paused: true });
  assert.deepEqual(preset.json.channels, [fallback.json.id], 'default channels are preselected');

  const created = await call(app, 'POST', '/api/sites', {
    url: target.url,
    name: 'Shop',
    intervalSeconds: 5,
    retryIntervalSeconds: 30,
    confirmAfter: 2,
    degradedAboveMs: null,
    remindEveryMinutes: 60,
    channels: [other.json.id],
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const site = created.json;
  assert.deepEqual(
    [site.confirmAfter, site.recoverAfter, site.retryIntervalSeconds, site.degradedAboveMs, site.remindEveryMinutes, site.channels],
    [2, 1, 5, null, 60, [other.json.id]],
    'the retry interval is clamped to the interval',
  );
  await until('the site to be up', async () => ((await call(app, 'GET', `/api/sites/${site.id}`)).json.state === 'up' ? true : undefined), 30_000);

  target.setStatus(500);
  const open = await until('an open incident', async () => {
    const r = await call(app, 'GET', `/api/incidents?open=true&siteId=${site.id}`);
    return r.json.incidents?.[0] as Json | undefined;
  }, 30_000);
  assert.equal(open.kind, 'down');
  assert.equal(open.cause.kind, 'status');
  assert.equal(open.cause.statusCode, 500);
  assert.ok(Date.parse(open.startedAt) < Date.parse(open.confirmedAt), 'started at the first failure, confirmed later');
  assert.ok(Date.parse(open.confirmedAt) - Date.parse(open.startedAt) < 15_000, 'confirmed by a fast re-check');

  target.setStatus(200);
  const closed = await until('the incident to close', async () => {
    const r = await call(app, 'GET', `/api/sites/${site.id}/incidents`);
    const i = r.json.incidents?.[0] as Json | undefined;
    return i && !i.open ? r.json : undefined;
  }, 30_000);
  assert.equal(closed.incidents.length, 1);
  assert.equal(closed.last30Days.count, 1);
  assert.ok(closed.last30Days.mttrMs > 0);

  const badQuery = await call(app, 'GET', '/api/incidents?open=maybe&limit=0&from=yesterday');
  assert.equal(badQuery.status, 400);
  assert.deepEqual(Object.keys(badQuery.json.error.fields).sort(), ['from', 'limit', 'open']);
  assert.equal((await call(app, 'GET', '/api/sites/999999/incidents')).status, 404);
});
