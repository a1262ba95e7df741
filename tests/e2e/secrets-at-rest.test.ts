import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from '../helpers/app-server';
import { eventually } from '../helpers/eventually';

/**
 * A site header holding a credential, followed through a whole run: the checker sends it to the site, and it is
 * in no response, no log line and no byte of the database file.
 */

const SECRET = 'Bearer upb-secret-4b1d9e07c3a2';

test('a secret header reaches the site and nothing else: no response, log line or database byte holds it', async (t) => {
  const received: (string | undefined)[] = [];
  const target = http.createServer((req, res) => {
    received.push(req.headers.authorization);
    res.end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.after(() => target.close());
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;

  const app = await startApp(t);
  const seen: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { ...app.authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(`${method} ${path} ${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`);
    return { status: res.status, text };
  };

  const created = await call('POST', '/api/sites', { url, intervalSeconds: 1, headers: { Authorization: SECRET } });
  assert.equal(created.status, 201, created.text);
  const id = (JSON.parse(created.text) as { id: number }).id;
  await eventually('the site to be checked with its header', () => received.includes(SECRET), 15_000);

  // A refused value is named by its field, never echoed back.
  const refused = await call('PATCH', `/api/sites/${id}`, { headers: { Authorization: `${SECRET}✓` } });
  assert.equal(refused.status, 400);
  await call('PATCH', `/api/sites/${id}`, { name: 'Renamed' });
  for (const path of [
    '/api/sites',
    `/api/sites/${id}`,
    '/api/overview',
    `/api/sites/${id}/history?range=1h`,
    `/api/sites/${id}/checks`,
    `/api/sites/${id}/export?range=24h&format=csv`,
    `/api/sites/${id}/export?range=24h&format=json`,
    '/api/health',
    '/',
    `/sites/${id}`,
  ]) {
    const { status } = await call('GET', path);
    assert.ok(status < 400, `${path} answered ${status}`);
  }

  // The event stream, until it has told of a new check.
  const events = new AbortController();
  const stream = await fetch(`${app.baseUrl}/api/events`, { headers: app.authHeaders, signal: events.signal });
  const reader = stream.body!.getReader();
  let streamed = '';
  while (!streamed.includes('event: checks')) {
    const { value, done } = await reader.read();
    if (done) break;
    streamed += Buffer.from(value).toString();
  }
  events.abort();
  seen.push(streamed);
  assert.match(streamed, /event: checks/);

  for (const response of seen) assert.ok(!response.includes(SECRET) && !response.includes('upb-secret'), `the secret is in:\n${response}`);
  await app.stop();
  assert.ok(!app.output().includes('upb-secret'), 'the secret is in the server log');
  for (const file of [app.dbPath, `${app.dbPath}-wal`].filter((f) => fs.existsSync(f))) {
    assert.equal(fs.readFileSync(file).indexOf('upb-secret'), -1, `the secret is in ${file}`);
  }
});

test('a channel’s secrets reach its service and nothing else: no API answer, page, log line or database byte holds them', async (t) => {
  const TOKEN = 'upb-channel-secret-91c07d5e';
  const hooks: { authorization: string | undefined; path: string }[] = [];
  const receiver = http.createServer((req, res) => {
    hooks.push({ authorization: req.headers.authorization, path: req.url ?? '' });
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => receiver.close());
  // The url is a credential too (a path token, as Slack's and Discord's are).
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/${TOKEN}-path`;

  const app = await startApp(t);
  const seen: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { ...app.authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(`${method} ${path} ${res.status}\n${text}`);
    return { status: res.status, text };
  };

  const created = await call('POST', '/api/channels', {
    name: 'Ops hook',
    type: 'webhook',
    config: { url: hookUrl, secret: `${TOKEN}-signing`, headers: { Authorization: `Bearer ${TOKEN}-header` } },
  });
  assert.equal(created.status, 201, created.text);
  const id = (JSON.parse(created.text) as { id: number }).id;
  assert.equal((await call('PATCH', `/api/channels/${id}`, { name: 'Ops hook, renamed' })).status, 200);
  const tested = await call('POST', `/api/channels/${id}/test`);
  assert.equal(tested.status, 200, tested.text);
  assert.equal(hooks.length, 1, 'the test message did not arrive');
  assert.equal(hooks[0]!.authorization, `Bearer ${TOKEN}-header`);
  assert.equal(hooks[0]!.path, `/hook/${TOKEN}-path`);
  for (const path of ['/api/channels', `/api/channels/${id}`, `/api/channels/${id}/deliveries`, '/settings/notifications']) {
    const { status } = await call('GET', path);
    assert.equal(status, 200, path);
  }

  for (const response of seen) assert.ok(!response.includes(TOKEN), `the secret is in:\n${response}`);
  await app.stop();
  assert.ok(!app.output().includes(TOKEN), 'the secret is in the server log');
  for (const file of [app.dbPath, `${app.dbPath}-wal`].filter((f) => fs.existsSync(f))) {
    assert.equal(fs.readFileSync(file).indexOf(TOKEN), -1, `the secret is in ${file}`);
  }
});
