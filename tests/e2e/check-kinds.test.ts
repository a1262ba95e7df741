import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTcpTarget } from '../fixtures/targets';
import { startApp } from '../helpers/app-server';
import { eventually } from '../helpers/eventually';

/** The check kinds through the API of a running `next start`, the checker inside it. */

const TOKEN = 'upbeat-reliability-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

test('push: the token is shown once, pings are recorded, a wrong token is 404 with nothing recorded', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_API_TOKEN: TOKEN } });
  const res = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ kind: 'push', name: 'Nightly backup', intervalSeconds: 3600 }),
  });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: number; url: string; pushToken: string; pushPath: string };
  assert.equal(created.url, 'push:');
  assert.equal(created.pushPath, `/api/push/${created.pushToken}`);

  const shown = await (await fetch(`${app.baseUrl}/api/sites/${created.id}`, { headers: auth })).text();
  assert.ok(!shown.includes(created.pushToken), 'the token is never shown again');

  // No credentials: the token is the credential.
  const down = await fetch(`${app.baseUrl}${created.pushPath}?status=down&msg=disk%20full`, { method: 'POST' });
  assert.equal(down.status, 200);
  assert.deepEqual(await down.json(), { ok: true });

  const wrong = await fetch(`${app.baseUrl}/api/push/${'A'.repeat(32)}`);
  assert.equal(wrong.status, 404);
  assert.ok(!(await wrong.text()).includes('push'), 'reveals nothing');

  const checks = await eventually(
    'the ping recorded',
    async () => {
      const body = (await (await fetch(`${app.baseUrl}/api/sites/${created.id}/checks`, { headers: auth })).json()) as {
        checks: Array<{ ok: boolean; error: { kind: string; message: string } | null }>;
      };
      return body.checks.length > 0 ? body.checks : undefined;
    },
    10_000,
    100,
  );
  assert.equal(checks.length, 1);
  assert.deepEqual(checks[0]?.error, { kind: 'push', message: 'the ping reported down: disk full' });

  const rotated = await fetch(`${app.baseUrl}/api/sites/${created.id}/push-token`, { method: 'POST', headers: auth });
  const { pushToken } = (await rotated.json()) as { pushToken: string };
  assert.equal((await fetch(`${app.baseUrl}${created.pushPath}`)).status, 404, 'the old token stops working');
  assert.equal((await fetch(`${app.baseUrl}/api/push/${pushToken}`)).status, 200);
});

test('tcp and dns sites are validated by kind, and a tcp site is checked by the checker', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_API_TOKEN: TOKEN } });
  const listener = await startTcpTarget(t, (s) => s.resume());
  const post = (body: unknown) => fetch(`${app.baseUrl}/api/sites`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

  const bad = await post({ kind: 'tcp', url: 'tcp://127.0.0.1', assertions: [{ type: 'body-contains', value: 'x' }] });
  assert.equal(bad.status, 400);
  const { error } = (await bad.json()) as { error: { fields: Record<string, string> } };
  assert.match(error.fields.url ?? '', /port/);

  const badDns = await post({ kind: 'dns', url: 'dns://example.test', dnsServer: 'not-an-ip' });
  assert.equal(badDns.status, 400);

  const before = await (await fetch(`${app.baseUrl}/api/sites`, { headers: auth })).json() as { sites: unknown[] };
  assert.equal(before.sites.length, 0, 'nothing written on bad input');

  const res = await post({ url: `tcp://127.0.0.1:${listener.port}`, intervalSeconds: 60 });
  assert.equal(res.status, 201);
  const site = (await res.json()) as { id: number; kind: string };
  assert.equal(site.kind, 'tcp');
  const state = await eventually(
    'the tcp site up',
    async () => {
      const s = (await (await fetch(`${app.baseUrl}/api/sites/${site.id}`, { headers: auth })).json()) as { state: string };
      return s.state === 'up' ? s.state : undefined;
    },
    15_000,
    200,
  );
  assert.equal(state, 'up');
  assert.ok(listener.accepted >= 1);
});
