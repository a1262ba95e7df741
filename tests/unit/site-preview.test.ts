import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError } from '../../lib/errors';
import { previewSite } from '../../lib/site-preview';
import { newSite } from '../helpers/factories';
import { tempStore } from '../helpers/temp-store';

async function jsonServer(t: import('node:test').TestContext, body: unknown): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-version', '4.2.0');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

test('a preview judges every assertion of the draft against one real response, and writes nothing', async (t) => {
  const store = tempStore(t);
  const url = await jsonServer(t, { status: 'ok', queue: { depth: 250 } });
  const result = await previewSite(
    store,
    {
      url,
      assertions: [
        { type: 'json-path', path: '$.status', op: '==', value: 'ok' },
        { type: 'json-path', path: '$.queue.depth', op: '<', value: 100 },
        { type: 'header', name: 'X-Version', op: 'matches', value: '^4\\.' },
        { type: 'body-contains', value: 'maintenance', ignoreCase: true },
      ],
    },
    'client-a',
    {},
  );
  assert.equal(result.ok, false);
  assert.equal(result.statusCode, 200);
  assert.deepEqual(
    result.assertions.map((a) => a.holds),
    [true, false, true, false],
  );
  assert.equal(result.assertions[1]!.seen, '$.queue.depth is 250 (expected < 100)');
  assert.match(result.assertions[3]!.seen!, /^body does not contain "maintenance" \(ignoring case\)/);
  // The first failing row is the check's error, as the checker would record it.
  assert.deepEqual(result.error, { kind: 'assertion', message: '$.queue.depth is 250 (expected < 100)' });
  assert.match(result.bodyStart!, /"status":"ok"/);
  assert.equal(store.countSites(), 0);
  assert.equal((store.db.prepare('SELECT count(*) AS n FROM checks').get() as { n: number }).n, 0);
});

test('a check that fails before a response leaves every assertion unjudged', async (t) => {
  const store = tempStore(t);
  const url = await jsonServer(t, {});
  const closed = url.replace(/:\d+\//, ':9/');
  const result = await previewSite(store, { url: closed, timeoutMs: 2000, assertions: [{ type: 'response-time', belowMs: 500 }] }, 'client-b', {});
  assert.equal(result.ok, false);
  assert.equal(result.error!.kind, 'refused');
  assert.deepEqual(result.assertions, [{ holds: null, seen: null }]);
});

test('a bad draft is refused naming the field, and a push draft has nothing to check', async (t) => {
  const store = tempStore(t);
  await assert.rejects(
    previewSite(store, { url: 'ftp://example.test/' }, 'client-c', {}),
    (err: unknown) => isAppError(err) && err.code === 'validation' && err.fields?.url !== undefined,
  );
  await assert.rejects(
    previewSite(store, { kind: 'push' }, 'client-c', {}),
    (err: unknown) => isAppError(err) && err.code === 'validation' && err.fields?.kind !== undefined,
  );
});

test('one client past its burst is told to wait (429), another is not', async (t) => {
  const store = tempStore(t);
  const url = await jsonServer(t, {});
  const codes: string[] = [];
  for (let i = 0; i < 12; i++) {
    try {
      await previewSite(store, { url }, 'client-burst', {});
      codes.push('ok');
    } catch (err) {
      codes.push(isAppError(err) ? err.code : 'other');
    }
  }
  assert.deepEqual(codes.slice(0, 10), Array(10).fill('ok'));
  assert.equal(codes[10], 'rate_limited');
  assert.equal((await previewSite(store, { url }, 'client-other', {})).ok, true);
});

test('previewing an edit uses the stored secrets the form never sees: header values and the request body', async (t) => {
  const store = tempStore(t);
  const seen: Array<{ auth: string | undefined; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body });
      res.statusCode = req.headers.authorization === 'Bearer stored-secret' ? 200 : 401;
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const site = store.createSite(newSite({ url, method: 'POST', headers: { Authorization: 'Bearer stored-secret' }, requestBody: '{"job":"nightly"}' }));

  const edit = await previewSite(store, { siteId: site.id, assertions: [{ type: 'body-contains', value: 'nightly' }] }, 'client-edit', {});
  assert.equal(edit.statusCode, 200);
  assert.deepEqual(edit.assertions, [{ holds: true, seen: null }]);
  assert.deepEqual(seen[0], { auth: 'Bearer stored-secret', body: '{"job":"nightly"}' });
  // The stored site is as it was: the draft's assertions were not saved.
  assert.deepEqual(store.getSite(site.id)!.assertions, []);

  const fresh = await previewSite(store, { url, method: 'POST' }, 'client-edit', {});
  assert.equal(fresh.statusCode, 401);
  assert.equal(fresh.ok, false);
  await assert.rejects(previewSite(store, { siteId: 999_999 }, 'client-edit', {}), (err: unknown) => isAppError(err) && err.code === 'not_found');
});
