import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import { startApp, type RunningApp } from '../helpers/app-server';
import { newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * The one-second shared cache in front of Next.js (lib/server/micro-cache.ts), through the server `npm start` runs:
 * public answers repeat from memory with the same bytes and headers, private ones never do, and the anonymous limit
 * still counts every read. Each case reads as its own client address (X-Forwarded-For through a trusted proxy on
 * loopback), so their limits do not mix.
 */

const HIT = 'x-upbeat-cache';
const BURST = 20;

async function setUp(t: import('node:test').TestContext): Promise<{ app: RunningApp; pageId: number }> {
  const dbPath = path.join(tempDir(t, 'upbeat-front-'), 'upbeat.db');
  const store = openAppStore(dbPath);
  const siteId = store.createSite(newSite({ name: 'Website', url: 'https://www.example.com/' })).id;
  store.close();
  const app = await startApp(t, {
    dbPath,
    env: { UPBEAT_MONITOR: 'off', UPBEAT_TRUST_PROXY: '127.0.0.1', UPBEAT_ANON_BURST: String(BURST), UPBEAT_ANON_RATE: '0.1' },
  });
  const res = await fetch(`${app.baseUrl}/api/status-pages`, {
    method: 'POST',
    headers: { ...app.authHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'front', title: 'Front status', sites: [{ siteId }] }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return { app, pageId: ((await res.json()) as { id: number }).id };
}

/** One GET (or HEAD) as the client at `address`: status, headers and the raw body bytes (never decompressed). */
async function read(app: RunningApp, url: string, address: string, headers: Record<string, string> = {}, method = 'GET') {
  const { request } = await import('undici');
  const res = await request(`${app.baseUrl}${url}`, { method: method as 'GET', headers: { 'x-forwarded-for': address, ...headers } });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers as Record<string, string>, body };
}

test('the shared cache in front of Next.js', async (t) => {
  const { app, pageId } = await setUp(t);

  await t.test('a repeat read is answered from memory with the same bytes and headers as the first', async () => {
    const gzip = { 'accept-encoding': 'gzip' };
    const first = await read(app, '/status/front', '10.0.1.1', gzip);
    assert.equal(first.status, 200);
    assert.equal(first.headers[HIT], undefined, 'the first read went to Next.js');
    const second = await read(app, '/status/front', '10.0.1.1', gzip);
    assert.equal(second.headers[HIT], 'hit');
    assert.deepEqual(second.body, first.body);
    for (const name of ['content-type', 'content-encoding', 'etag', 'cache-control', 'vary', 'content-security-policy', 'x-content-type-options']) {
      assert.deepEqual(second.headers[name], first.headers[name], name);
    }
    assert.match(zlib.gunzipSync(second.body).toString(), /Front status/);
  });

  await t.test('If-None-Match with the ETag gets 304 from memory; HEAD gets the headers alone', async () => {
    const first = await read(app, '/status/front', '10.0.2.1');
    const etag = first.headers.etag;
    assert.ok(etag);
    const again = await read(app, '/status/front', '10.0.2.1', { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.headers[HIT], 'hit');
    assert.equal(again.body.length, 0);
    const head = await read(app, '/status/front', '10.0.2.1', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers[HIT], 'hit');
    assert.equal(Number(head.headers['content-length']), first.body.length);
    assert.equal(head.body.length, 0);
  });

  await t.test('the gzip and the plain answer are kept apart (Vary: Accept-Encoding)', async () => {
    const gz = await read(app, '/status/front', '10.0.3.1', { 'accept-encoding': 'gzip' });
    const plain = await read(app, '/status/front', '10.0.3.1', { 'accept-encoding': 'identity' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.body.toString(), /^<!doctype html>/i);
    const plainAgain = await read(app, '/status/front', '10.0.3.1', { 'accept-encoding': 'identity' });
    assert.equal(plainAgain.headers[HIT], 'hit');
    assert.deepEqual(plainAgain.body, plain.body);
  });

  await t.test('a route handler\'s JSON is gzipped for a client that takes it, as pages are', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${app.baseUrl}/api/sites`, {
        method: 'POST',
        headers: { ...app.authHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `JSON ${i}`, url: `https://json-${i}.example.com/` }),
      });
      assert.equal(res.status, 201);
    }
    const gz = await read(app, '/api/overview', '10.0.3.9', { ...app.authHeaders, 'accept-encoding': 'gzip' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const overview = JSON.parse(zlib.gunzipSync(gz.body).toString()) as { sites: unknown[] };
    assert.equal(overview.sites.length, 5);
  });

  await t.test('private answers never repeat from memory: credentials, or a response that is not public', async () => {
    for (let i = 0; i < 2; i++) {
      const owner = await read(app, '/api/overview', '10.0.4.1', app.authHeaders);
      assert.equal(owner.status, 200);
      assert.equal(owner.headers[HIT], undefined, 'a read with credentials');
      const health = await read(app, '/api/health', '10.0.4.2');
      assert.equal(health.headers[HIT], undefined, `not public: ${health.headers['cache-control']}`);
    }
  });

  await t.test('answers from memory count against the anonymous limit; past it, 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    let refusal = '';
    for (let i = 0; i < BURST + 5; i++) {
      const r = await read(app, '/status/front', '10.0.5.1');
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers['retry-after'];
        refusal = r.body.toString();
      }
    }
    assert.equal(statuses.filter((s) => s === 200).length, BURST, statuses.join(' '));
    assert.deepEqual(statuses.slice(BURST), [429, 429, 429, 429, 429]);
    assert.ok(Number(retryAfter) >= 1, `Retry-After ${retryAfter}`);
    // The routes' own refusal: the same JSON error, whoever answered.
    assert.equal((JSON.parse(refusal) as { error: { code: string } }).error.code, 'rate_limited');
  });

  await t.test('an owner’s change to the page shows on the next read, though the old page was held here', async () => {
    const held = await read(app, '/status/front', '10.0.6.1', { 'accept-encoding': 'identity' });
    assert.match(held.body.toString(), /Front status/);
    assert.equal((await read(app, '/status/front', '10.0.6.1', { 'accept-encoding': 'identity' })).headers[HIT], 'hit');
    const put = await fetch(`${app.baseUrl}/api/status-pages/${pageId}`, {
      method: 'PUT',
      headers: { ...app.authHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'front', title: 'Renamed status', sites: [] }),
    });
    assert.equal(put.status, 200, await put.text());
    const next = await read(app, '/status/front', '10.0.6.1', { 'accept-encoding': 'identity' });
    assert.equal(next.headers[HIT], undefined, 'the held page was purged');
    assert.match(next.body.toString(), /Renamed status/);
  });
});
