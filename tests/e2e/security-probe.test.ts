import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, TEST_PASSWORD, type RunningApp } from '../helpers/app-server';

/**
 * What an outside probe found in login and sessions, each pinned through a running server: forged forwarded
 * headers, owner lock-out, parallel guessing, cross-site logout, token powers, and the unclaimed setup page.
 */

async function req(
  app: RunningApp,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cases read many response shapes
  let body: any = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/** `name=value` of each Set-Cookie, by name. */
function cookiesOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    out[pair.slice(0, pair.indexOf('='))] = pair;
  }
  return out;
}

const login = (app: RunningApp, password: string, headers: Record<string, string> = {}) =>
  req(app, 'POST', '/api/auth/login', { body: { username: 'admin', password }, headers });

async function session(app: RunningApp, headers: Record<string, string> = {}) {
  const r = await login(app, TEST_PASSWORD, headers);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const jar = cookiesOf(r.headers);
  return { cookie: jar.upbeat_session!, device: jar.upbeat_device! };
}

describe('exposed directly (no trusted proxy): the socket is the client', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off' } });
  });
  after(() => app?.stop());

  test('logout is a cookie write: a cross-site POST is refused and the session lives on', async () => {
    const { cookie } = await session(app);
    const cross = await req(app, 'POST', '/api/auth/logout', { headers: { cookie, origin: 'https://evil.test' } });
    assert.equal(cross.status, 403);
    const crossFetch = await req(app, 'POST', '/api/auth/logout', { headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossFetch.status, 403);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie } })).status, 200, 'still logged in');
    const own = await req(app, 'POST', '/api/auth/logout', { headers: { cookie, origin: app.baseUrl } });
    assert.equal(own.status, 204);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie } })).status, 401);
  });

  test('a forged X-Forwarded-Host does not make a cross-site write look same-site; X-Forwarded-Proto makes no cookie Secure', async () => {
    const r = await login(app, TEST_PASSWORD, { 'x-forwarded-proto': 'https' });
    assert.equal(r.status, 200);
    for (const line of r.headers.getSetCookie()) assert.doesNotMatch(line, /Secure/, line);
    const cookie = cookiesOf(r.headers).upbeat_session!;
    const forged = await req(app, 'POST', '/api/sites', {
      body: { url: 'http://127.0.0.1:9/' },
      headers: { cookie, origin: 'http://evil.test', 'x-forwarded-host': 'evil.test' },
    });
    assert.equal(forged.status, 403);
  });

  test('API tokens cannot manage tokens; only a logged-in browser can', async () => {
    const { cookie } = await session(app);
    const made = await req(app, 'POST', '/api/tokens', { body: { name: 'ci' }, headers: { cookie } });
    assert.equal(made.status, 201);
    const bearer = { authorization: `Bearer ${made.body.secret}` };
    for (const auth of [bearer, app.authHeaders]) {
      assert.equal((await req(app, 'POST', '/api/tokens', { body: { name: 'more' }, headers: auth })).status, 403);
      assert.equal((await req(app, 'DELETE', `/api/tokens/${made.body.token.id}`, { headers: auth })).status, 403);
      assert.equal((await req(app, 'GET', '/api/tokens', { headers: auth })).status, 403);
    }
    const list = await req(app, 'GET', '/api/tokens', { headers: { cookie } });
    assert.deepEqual(
      list.body.tokens.map((t: { name: string; revokedAt: string | null }) => [t.name, t.revokedAt]),
      [['ci', null]],
      'nothing was made or revoked with a token',
    );
  });

  test('a password change keeps tokens unless asked; with revokeTokens every token made in settings stops working', async () => {
    const { cookie } = await session(app);
    const made = await req(app, 'POST', '/api/tokens', { body: { name: 'deploy' }, headers: { cookie } });
    const bearer = { authorization: `Bearer ${made.body.secret}` };
    const next = 'an entirely new secret';
    const bad = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: TEST_PASSWORD, newPassword: next, revokeTokens: 'yes' },
      headers: { cookie },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.fields.revokeTokens);
    const kept = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: TEST_PASSWORD, newPassword: next },
      headers: { cookie },
    });
    assert.equal(kept.status, 204);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: bearer })).status, 200, 'kept by default');

    assert.equal((await login(app, TEST_PASSWORD)).status, 401, 'the old password no longer logs in');
    const r = await login(app, next);
    const cookie2 = cookiesOf(r.headers).upbeat_session!;
    const revoked = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: next, newPassword: TEST_PASSWORD, revokeTokens: true },
      headers: { cookie: cookie2 },
    });
    assert.equal(revoked.status, 204);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: bearer })).status, 401, 'revoked with the password');
    assert.equal((await req(app, 'GET', '/api/sites', { headers: app.authHeaders })).status, 200, 'UPBEAT_API_TOKEN is configuration');
  });

  test('the current-password check of a password change is rate-limited', async () => {
    const { cookie } = await session(app);
    for (let i = 0; i < 5; i++) {
      const wrong = await req(app, 'POST', '/api/auth/password', {
        body: { currentPassword: `guess number ${i}`, newPassword: 'whatever it may be' },
        headers: { cookie },
      });
      assert.equal(wrong.status, 400, `guess ${i}`);
    }
    const right = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: TEST_PASSWORD, newPassword: 'whatever it may be' },
      headers: { cookie },
    });
    assert.equal(right.status, 429, 'even the right one waits');
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie } })).status, 200, 'nothing changed');
  });

  // Last in this app: it leaves the loopback address limited.
  test('rotating X-Forwarded-For gives no fresh tries and never reaches the log; a known device and a token still get in', async () => {
    const { device } = await session(app);
    for (let i = 0; i < 10; i++) {
      const r = await login(app, `wrong-guess-${i}-xyzzy`, { 'x-forwarded-for': `198.51.100.${i}, <b>forged-${i}</b>` });
      assert.equal(r.status, 401, `guess ${i}`);
    }
    const fresh = await login(app, TEST_PASSWORD, { 'x-forwarded-for': '198.51.100.200' });
    assert.equal(fresh.status, 429, 'a new forged address is still the same client');
    assert.match(app.output(), /failed login for "admin" from 127\.0\.0\.1/);
    assert.doesNotMatch(app.output(), /198\.51\.100\.|forged-/, 'a forwarded value reached the log');
    assert.ok(!app.output().includes('wrong-guess-'), 'a password reached the log');

    const known = await login(app, TEST_PASSWORD, { cookie: device });
    assert.equal(known.status, 200, 'the owner\u2019s own browser is never held by others\u2019 failures');
    assert.equal((await req(app, 'GET', '/api/sites', { headers: app.authHeaders })).status, 200, 'tokens are never held');
  });
});

describe('behind a trusted proxy (UPBEAT_TRUST_PROXY): its X-Forwarded-* are believed', () => {
  let app: RunningApp;
  /** The owner's browser: it logged in before the attack. */
  let device: string;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off', UPBEAT_TRUST_PROXY: '127.0.0.1' } });
    device = (await session(app, { 'x-forwarded-for': '192.0.2.10' })).device;
  });
  after(() => app?.stop());

  test('20 failures from rotated addresses hold the account for unknown browsers only, never for a known device or a token', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await login(app, `attacker-guess-${i}`, { 'x-forwarded-for': `198.51.100.${i}` });
      assert.equal(r.status, 401, `guess ${i}`);
    }
    // The account limit still slows a distributed guesser: a browser the account has never seen waits…
    const stranger = await login(app, TEST_PASSWORD, { 'x-forwarded-for': '203.0.113.77' });
    assert.equal(stranger.status, 429);
    // …but the owner's own browser gets in, from its usual address or any other, and so does a token.
    for (const address of ['192.0.2.10', '203.0.113.78']) {
      const known = await login(app, TEST_PASSWORD, { cookie: device, 'x-forwarded-for': address });
      assert.equal(known.status, 200, `known device from ${address}: ${JSON.stringify(known.body)}`);
    }
    assert.equal((await req(app, 'GET', '/api/sites', { headers: app.authHeaders })).status, 200);
    assert.match(app.output(), /failed login for "admin" from 198\.51\.100\.19\b/, 'the proxy\u2019s client is logged');
  });

  test('a parallel burst from one address meets the limit: at most 10 reach the password check', async () => {
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        req(app, 'POST', '/api/auth/login', {
          body: { username: 'nobody', password: `parallel-${i}` },
          headers: { 'x-forwarded-for': '198.51.100.250' },
        }),
      ),
    );
    const counts = { 401: 0, 429: 0 } as Record<number, number>;
    for (const r of burst) counts[r.status] = (counts[r.status] ?? 0) + 1;
    assert.deepEqual(counts, { 401: 10, 429: 50 });
  });

  test('the proxy\u2019s X-Forwarded-Proto makes the cookies Secure; garbage in X-Forwarded-For is never logged', async () => {
    const r = await login(app, TEST_PASSWORD, { cookie: device, 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.11' });
    assert.equal(r.status, 200);
    for (const line of r.headers.getSetCookie()) assert.match(line, /Secure/, line);
    const junk = await req(app, 'POST', '/api/auth/login', {
      body: { username: 'nobody', password: 'x' },
      headers: { 'x-forwarded-for': '<script>alert(1)</script>' },
    });
    assert.equal(junk.status, 401);
    assert.match(app.output(), /failed login for "nobody" from 127\.0\.0\.1/, 'the last good hop: the proxy');
    assert.doesNotMatch(app.output(), /<script>/);
  });
});

describe('before the account exists, /setup is for this machine or the code in the start log', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off' }, noAuth: true });
  });
  after(() => app?.stop());

  test('the start log prints a one-time setup link; a relayed or remote browser needs its code', async () => {
    const link = /Create the owner's account at (http:\/\/localhost:\d+\/setup\?code=([A-Za-z0-9_-]+))/.exec(app.output());
    assert.ok(link, `no setup link in the start log:\n${app.output()}`);
    assert.equal(new URL(link[1]!).port, new URL(app.baseUrl).port);
    const code = link[2]!;
    const body = { username: 'admin', password: TEST_PASSWORD };
    // From loopback but relayed (a proxy on this machine that UPBEAT_TRUST_PROXY does not name): not local.
    const relayed = await req(app, 'POST', '/api/auth/setup', { body, headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(relayed.status, 403);
    assert.match(relayed.body.error.message, /start log/);
    const wrong = await req(app, 'POST', '/api/auth/setup', { body: { ...body, code: 'x'.repeat(43) }, headers: { 'x-real-ip': '203.0.113.9' } });
    assert.equal(wrong.status, 403);
    assert.equal((await req(app, 'GET', '/api/auth/me')).body.setupRequired, true, 'no account made');
    const ok = await req(app, 'POST', '/api/auth/setup', { body: { ...body, code }, headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const again = await req(app, 'POST', '/api/auth/setup', { body: { ...body, code } });
    assert.equal(again.status, 409);
  });
});
