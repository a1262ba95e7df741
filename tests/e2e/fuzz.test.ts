import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HTTP_METHODS } from '../../db/domain';
import { parseStatusSpec } from '../../lib/status-codes';
import { startApp, type RunningApp } from '../helpers/app-server';
import { openAppStore } from '../../lib/store';

/**
 * Random JSON at the create and update endpoints: never a 5xx, and every row that reaches the database is a
 * valid site (checked on the database file itself, not through the API that wrote it).
 */

let app: RunningApp;
before(async () => {
  app = await startApp(null, { env: { UPBEAT_MONITOR: 'off' } });
});
after(() => app?.stop());

const fieldValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('http://127.0.0.1:9/', 'https://example.test/a?b=c', 'ftp://x/', 'http://u:p@x/', '', ' ', 'GET', 'POST'),
  fc.integer({ min: -100_000, max: 200_000 }),
  fc.double(),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('200-399', '200,301', '999', '200-abc', [200, 204], [99]),
  fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
);
const fieldName = fc.constantFrom(
  'url', 'name', 'intervalSeconds', 'timeoutMs', 'expectedStatus', 'method', 'followRedirects', 'paused', 'headers',
  'id', 'state', '__proto__', 'constructor', 'extra',
);
const body = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fieldName, fieldValue, { maxKeys: 8 }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);

function countSites(): number {
  const store = openAppStore(app.dbPath);
  try {
    return store.listSites().length;
  } finally {
    store.close();
  }
}

async function send(method: string, path: string, payload: unknown) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...app.authHeaders },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Every stored site is valid, and there are exactly `expected` of them (a refused body wrote nothing). */
function assertValidRows(dbPath: string, expected: number) {
  const store = openAppStore(dbPath);
  try {
    const sites = store.listSites();
    assert.equal(sites.length, expected, 'stored sites');
    for (const s of sites) {
      const u = new URL(s.url);
      assert.ok(u.protocol === 'http:' || u.protocol === 'https:', s.url);
      assert.equal(u.username + u.password, '');
      assert.ok(s.url.length <= 2048);
      assert.ok(s.name.length >= 1 && s.name.length <= 100 && !/[\u0000-\u001f\u007f]/.test(s.name), s.name);
      assert.ok(Number.isInteger(s.intervalSeconds) && s.intervalSeconds >= 1 && s.intervalSeconds <= 86400);
      assert.ok(Number.isInteger(s.timeoutMs) && s.timeoutMs >= 100 && s.timeoutMs <= 60000);
      assert.ok((HTTP_METHODS as readonly string[]).includes(s.method));
      assert.ok(Array.isArray(parseStatusSpec(s.expectedStatus)), s.expectedStatus);
      assert.ok(Object.keys(s.headers ?? {}).length <= 20);
    }
  } finally {
    store.close();
  }
}

test('random bodies to POST /api/sites never cause a 5xx or store an invalid site', async () => {
  let created = 0;
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const status = await send('POST', '/api/sites', b);
      assert.ok(status === 201 || (status >= 400 && status < 500), `status ${status} for ${JSON.stringify(b)}`);
      if (status === 201) created++;
    }),
    { numRuns: 250 },
  );
  assertValidRows(app.dbPath, created);
});

test('random bodies to PATCH /api/sites/{id} never cause a 5xx or leave an invalid site', async () => {
  const sitesBefore = countSites();
  const created = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...app.authHeaders },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/patch-me' }),
  });
  const { id } = (await created.json()) as { id: number };
  await fc.assert(
    fc.asyncProperty(body, fc.constantFrom(String(id), String(id), '999999', 'abc'), async (b, target) => {
      const status = await send('PATCH', `/api/sites/${target}`, b);
      assert.ok(status === 200 || (status >= 400 && status < 500), `status ${status} for ${JSON.stringify(b)}`);
    }),
    { numRuns: 250 },
  );
  assertValidRows(app.dbPath, sitesBefore + 1);
});
