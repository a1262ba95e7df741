import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type RunningApp } from '../helpers/app-server';
import { eventually } from '../helpers/eventually';

/** The REST contract, through a running `next start` on a temporary database. */

async function call(app: RunningApp, method: string, path: string, body?: unknown, raw?: string) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...app.authHeaders,
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

async function siteCount(app: RunningApp): Promise<number> {
  return (await call(app, 'GET', '/api/sites')).body.sites.length;
}

describe('REST API with the checker off', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off' } });
  });
  after(async () => {
    await app?.stop();
  });

  test('an empty database lists no sites', async () => {
    assert.deepEqual((await call(app, 'GET', '/api/sites')).body, { sites: [] });
  });

  test('POST creates a site with defaults and the name derived from the host', async () => {
    const res = await call(app, 'POST', '/api/sites', { url: 'https://www.example.test/health' });
    assert.equal(res.status, 201);
    assert.equal(res.body.name, 'example.test');
    assert.equal(res.body.url, 'https://www.example.test/health');
    assert.equal(res.body.intervalSeconds, 60);
    assert.equal(res.body.timeoutMs, 10000);
    assert.equal(res.body.expectedStatus, '200-399');
    assert.equal(res.body.method, 'GET');
    assert.equal(res.body.state, 'pending');
    assert.equal(res.body.lastCheck, null);
    assert.equal(res.body.paused, false);
    const got = await call(app, 'GET', `/api/sites/${res.body.id}`);
    assert.deepEqual(got.body, res.body);
  });

  const badBodies: { name: string; body?: unknown; raw?: string; field: string; code?: string }[] = [
    { name: 'a URL that is not http(s)', body: { url: 'ftp://example.test/' }, field: 'url' },
    { name: 'a URL that is not a URL', body: { url: 'not a url' }, field: 'url' },
    { name: 'a missing URL', body: { name: 'x' }, field: 'url' },
    { name: 'credentials in the URL', body: { url: 'http://user:pw@example.test/' }, field: 'url' },
    { name: 'a URL over 2,048 characters', body: { url: `http://example.test/${'a'.repeat(2100)}` }, field: 'url' },
    { name: 'a number sent as a string', body: { url: 'http://a.test/', intervalSeconds: '60' }, field: 'intervalSeconds' },
    { name: 'an interval of 0', body: { url: 'http://a.test/', intervalSeconds: 0 }, field: 'intervalSeconds' },
    { name: 'an interval over a day', body: { url: 'http://a.test/', intervalSeconds: 86401 }, field: 'intervalSeconds' },
    { name: 'a fractional interval', body: { url: 'http://a.test/', intervalSeconds: 1.5 }, field: 'intervalSeconds' },
    { name: 'a timeout under 100 ms', body: { url: 'http://a.test/', timeoutMs: 99 }, field: 'timeoutMs' },
    { name: 'a timeout over 60 s', body: { url: 'http://a.test/', timeoutMs: 60001 }, field: 'timeoutMs' },
    { name: 'a bad expected status', body: { url: 'http://a.test/', expectedStatus: '200-abc' }, field: 'expectedStatus' },
    { name: 'an unknown method', body: { url: 'http://a.test/', method: 'FETCH' }, field: 'method' },
    { name: 'a name over 100 characters', body: { url: 'http://a.test/', name: 'n'.repeat(101) }, field: 'name' },
    { name: 'a name with control characters', body: { url: 'http://a.test/', name: 'a\u0007b' }, field: 'name' },
    { name: 'an unknown field', body: { url: 'http://a.test/', colour: 'red' }, field: 'colour' },
    { name: 'an array body', body: [{ url: 'http://a.test/' }], field: '_' },
    { name: 'malformed JSON', raw: '{"url": ', field: '_', code: 'invalid_json' },
  ];
  for (const c of badBodies) {
    test(`POST with ${c.name} is a 400 naming "${c.field}" and writes nothing`, async () => {
      const before = await siteCount(app);
      const res = await call(app, 'POST', '/api/sites', c.body, c.raw);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, c.code ?? 'validation');
      assert.equal(typeof res.body.error.message, 'string');
      assert.ok(res.body.error.fields[c.field], `fields: ${JSON.stringify(res.body.error.fields)}`);
      assert.equal(await siteCount(app), before);
    });
  }

  test('a body over 64 KiB is refused with 413 and writes nothing', async () => {
    const before = await siteCount(app);
    const res = await call(app, 'POST', '/api/sites', { url: 'http://a.test/', name: 'x'.repeat(70_000) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'payload_too_large');
    assert.equal(await siteCount(app), before);
  });

  test('unknown or malformed ids are 404 for every verb', async () => {
    for (const id of ['999999', 'abc', '0', '-1', '1.5']) {
      assert.equal((await call(app, 'GET', `/api/sites/${id}`)).status, 404, `GET ${id}`);
      assert.equal((await call(app, 'PATCH', `/api/sites/${id}`, { name: 'x' })).status, 404, `PATCH ${id}`);
      assert.equal((await call(app, 'DELETE', `/api/sites/${id}`)).status, 404, `DELETE ${id}`);
      assert.equal((await call(app, 'GET', `/api/sites/${id}/checks`)).status, 404, `checks ${id}`);
    }
  });

  test('PATCH changes only the fields given; a bad PATCH changes nothing', async () => {
    const created = (await call(app, 'POST', '/api/sites', { url: 'http://patch.test/', name: 'Patch me' })).body;
    const res = await call(app, 'PATCH', `/api/sites/${created.id}`, { intervalSeconds: 5, paused: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.intervalSeconds, 5);
    assert.equal(res.body.paused, true);
    assert.equal(res.body.state, 'paused');
    assert.equal(res.body.name, 'Patch me');

    const bad = await call(app, 'PATCH', `/api/sites/${created.id}`, { intervalSeconds: 5, timeoutMs: 'slow' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.fields.timeoutMs);
    assert.deepEqual((await call(app, 'GET', `/api/sites/${created.id}`)).body, res.body);

    const renamed = await call(app, 'PATCH', `/api/sites/${created.id}`, { name: '' });
    assert.equal(renamed.body.name, 'patch.test', 'an empty name falls back to the host');
  });

  test('DELETE is 204, then the site is gone', async () => {
    const created = (await call(app, 'POST', '/api/sites', { url: 'http://delete.test/' })).body;
    assert.equal((await call(app, 'DELETE', `/api/sites/${created.id}`)).status, 204);
    assert.equal((await call(app, 'GET', `/api/sites/${created.id}`)).status, 404);
    assert.equal((await call(app, 'DELETE', `/api/sites/${created.id}`)).status, 404);
  });

  test('the checks query validates limit and before', async () => {
    const created = (await call(app, 'POST', '/api/sites', { url: 'http://checks.test/' })).body;
    for (const q of ['limit=abc', 'limit=0', 'limit=1001', 'before=yesterday']) {
      const res = await call(app, 'GET', `/api/sites/${created.id}/checks?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(Object.keys(res.body.error.fields).length, 1, q);
    }
    const ok = await call(app, 'GET', `/api/sites/${created.id}/checks?limit=10&before=2030-01-01T00:00:00Z`);
    assert.deepEqual(ok.body, { checks: [] });
  });
});

describe('REST API with the checker on', () => {
  let app: RunningApp;
  let target: http.Server;
  let targetUrl = '';
  let status = 200;
  /** Requests the target has answered, by path. */
  const hits = new Map<string, number>();
  const hitsOf = (path: string) => hits.get(path) ?? 0;
  before(async () => {
    target = http.createServer((req, res) => {
      hits.set(req.url ?? '', hitsOf(req.url ?? '') + 1);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('hello');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
    app = await startApp(null);
  });
  after(async () => {
    await app?.stop();
    target?.close();
  });

  test('a site added through the API is checked at once and its checks carry timings', async () => {
    const created = (await call(app, 'POST', '/api/sites', { url: targetUrl, intervalSeconds: 1 })).body;
    const site = await eventually('the first check', async () => {
      const s = (await call(app, 'GET', `/api/sites/${created.id}`)).body;
      return s.lastCheck ? s : undefined;
    }, 3000, 100);
    assert.equal(site.state, 'up');
    assert.equal(site.lastCheck.statusCode, 200);
    assert.equal(site.lastCheck.ok, true);
    assert.equal(site.lastCheck.error, null);

    const checks = (await call(app, 'GET', `/api/sites/${created.id}/checks`)).body.checks;
    assert.ok(checks.length >= 1);
    const c = checks[0];
    assert.equal(c.statusCode, 200);
    for (const k of ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'totalMs']) assert.equal(typeof c.timings[k], 'number', k);
    assert.ok(!Number.isNaN(Date.parse(c.checkedAt)));

    status = 500;
    const down = await eventually('the site to go down', async () => {
      const s = (await call(app, 'GET', `/api/sites/${created.id}`)).body;
      return s.state === 'down' ? s : undefined;
    }, 4000, 100);
    assert.equal(down.lastCheck.statusCode, 500);
    assert.equal(down.lastCheck.error.kind, 'status');

    const page = (await call(app, 'GET', `/api/sites/${created.id}/checks?limit=1`)).body.checks;
    assert.equal(page.length, 1);
    const older = (await call(app, 'GET', `/api/sites/${created.id}/checks?before=${encodeURIComponent(page[0].checkedAt)}`)).body.checks;
    assert.ok(older.length >= 1, 'the site was checked while up before it went down');
    for (const o of older) assert.ok(Date.parse(o.checkedAt) < Date.parse(page[0].checkedAt));
  });

  test('a paused site is not checked; deleting a site deletes its checks', async () => {
    status = 200;
    // A witness checked every second: two more of its checks give the paused site two chances to be checked.
    const witness = (await call(app, 'POST', '/api/sites', { url: `${targetUrl}?witness`, intervalSeconds: 1 })).body;
    await eventually('the witness to be checked', () => hitsOf('/health?witness') > 0, 3000);
    const created = (await call(app, 'POST', '/api/sites', { url: `${targetUrl}?paused`, intervalSeconds: 1, paused: true })).body;
    const from = hitsOf('/health?witness');
    await eventually('two more checks of the witness', () => hitsOf('/health?witness') >= from + 2, 4000);
    assert.equal(hitsOf('/health?paused'), 0, 'the paused site was requested');
    assert.equal((await call(app, 'GET', `/api/sites/${created.id}/checks`)).body.checks.length, 0);
    assert.equal((await call(app, 'DELETE', `/api/sites/${witness.id}`)).status, 204);
    await call(app, 'PATCH', `/api/sites/${created.id}`, { paused: false });
    await eventually('a check after resume', async () => {
      const n = (await call(app, 'GET', `/api/sites/${created.id}/checks`)).body.checks.length;
      return n > 0 ? n : undefined;
    }, 3000, 100);
    assert.equal((await call(app, 'DELETE', `/api/sites/${created.id}`)).status, 204);
    assert.equal((await call(app, 'GET', `/api/sites/${created.id}/checks`)).status, 404);
  });
});
