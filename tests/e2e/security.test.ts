import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, type RunningApp } from '../helpers/app-server';

/** Who may do what, through a running server: a table of cases for every point of the security model. */

const PASSWORD = 'correct horse battery staple';

async function req(app: RunningApp, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
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

const cookieOf = (headers: Headers) => (headers.get('set-cookie') ?? '').split(';')[0]!;

// These cases stand in for clients at many addresses: the test client acts as a reverse proxy on loopback, so
// its X-Forwarded-* headers are believed (tests/e2e/security-probe.test.ts covers the default, which ignores them).
const BEHIND_PROXY = { UPBEAT_TRUST_PROXY: '127.0.0.1' };

async function loginCookie(app: RunningApp, password = PASSWORD, address = '10.9.9.9'): Promise<string> {
  const r = await req(app, 'POST', '/api/auth/login', {
    body: { username: 'admin', password },
    headers: { 'x-forwarded-for': address },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return cookieOf(r.headers);
}

describe('first start: no account, no default password', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off', ...BEHIND_PROXY }, noAuth: true });
  });
  after(() => app?.stop());

  test('pages lead to the one-time setup, the API refuses everything', async () => {
    const page = await req(app, 'GET', '/');
    assert.equal(page.status, 307);
    assert.equal(page.headers.get('location'), '/setup');
    const api = await req(app, 'GET', '/api/sites');
    assert.equal(api.status, 401);
    assert.match(api.body.error.message, /setup/);
    for (const guess of ['admin', 'password', 'upbeat', 'changeme']) {
      const r = await req(app, 'POST', '/api/auth/login', { body: { username: 'admin', password: guess } });
      assert.equal(r.status, 401, `default password "${guess}"`);
    }
  });

  test('setup refuses a short password, then creates the account once with an httpOnly SameSite=Lax cookie', async () => {
    const short = await req(app, 'POST', '/api/auth/setup', { body: { username: 'admin', password: 'short' } });
    assert.equal(short.status, 400);
    assert.match(short.body.error.fields.password, /at least 10/);
    const ok = await req(app, 'POST', '/api/auth/setup', { body: { username: 'admin', password: PASSWORD } });
    assert.equal(ok.status, 201);
    const cookie = ok.headers.get('set-cookie') ?? '';
    assert.match(cookie, /upbeat_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure flag, or the browser would drop it');
    const again = await req(app, 'POST', '/api/auth/setup', { body: { username: 'evil', password: PASSWORD } });
    assert.equal(again.status, 409);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie: cookieOf(ok.headers) } })).status, 200);
  });

  test('a cookie over https (behind a proxy) is Secure', async () => {
    const r = await req(app, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.1.1.1' },
    });
    assert.match(r.headers.get('set-cookie') ?? '', /Secure/);
  });
});

describe('authority for every change', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off', ...BEHIND_PROXY } });
  });
  after(() => app?.stop());
  const site = { url: 'http://127.0.0.1:9/' };

  test('no credentials: 401 for reads and every mutation', async () => {
    assert.equal((await req(app, 'GET', '/api/sites')).status, 401);
    assert.equal((await req(app, 'GET', '/api/overview')).status, 401);
    assert.equal((await req(app, 'GET', '/api/events')).status, 401);
    assert.equal((await req(app, 'POST', '/api/sites', { body: site })).status, 401);
    assert.equal((await req(app, 'PATCH', '/api/sites/1', { body: { paused: true } })).status, 401);
    assert.equal((await req(app, 'DELETE', '/api/sites/1')).status, 401);
    assert.equal((await req(app, 'POST', '/api/sites/1/check-now')).status, 401);
    assert.equal((await req(app, 'GET', '/api/tokens')).status, 401);
    const page = await req(app, 'GET', '/sites/1');
    assert.equal(page.status, 307);
    assert.match(page.headers.get('location') ?? '', /^\/login\?next=%2Fsites%2F1/);
  });

  test('a wrong token is 401; UPBEAT_API_TOKEN works', async () => {
    const wrong = await req(app, 'POST', '/api/sites', { body: site, headers: { authorization: 'Bearer upb_nope' } });
    assert.equal(wrong.status, 401);
    const ok = await req(app, 'POST', '/api/sites', { body: site, headers: app.authHeaders });
    assert.equal(ok.status, 201);
  });

  test('a token made in settings works until it is revoked; its secret is shown once', async () => {
    const cookie = await loginCookie(app);
    const made = await req(app, 'POST', '/api/tokens', { body: { name: 'ci' }, headers: { cookie } });
    assert.equal(made.status, 201);
    const secret: string = made.body.secret;
    assert.match(secret, /^upb_/);
    const auth = { authorization: `Bearer ${secret}` };
    assert.equal((await req(app, 'POST', '/api/sites', { body: site, headers: auth })).status, 201);
    const list = await req(app, 'GET', '/api/tokens', { headers: { cookie } });
    assert.ok(!JSON.stringify(list.body).includes(secret), 'the list never shows the secret');
    assert.equal((await req(app, 'DELETE', `/api/tokens/${made.body.token.id}`, { headers: { cookie } })).status, 204);
    assert.equal((await req(app, 'POST', '/api/sites', { body: site, headers: auth })).status, 401);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: auth })).status, 401);
  });

  test('a session may change things from our own pages, never cross-site', async () => {
    const cookie = await loginCookie(app);
    const own = `http://127.0.0.1:${new URL(app.baseUrl).port}`;
    const same = await req(app, 'POST', '/api/sites', { body: site, headers: { cookie, origin: own, 'sec-fetch-site': 'same-origin' } });
    assert.equal(same.status, 201);
    const crossOrigin = await req(app, 'POST', '/api/sites', { body: site, headers: { cookie, origin: 'https://evil.test' } });
    assert.equal(crossOrigin.status, 403);
    const crossFetch = await req(app, 'DELETE', `/api/sites/${same.body.id}`, { headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossFetch.status, 403);
    assert.equal((await req(app, 'GET', `/api/sites/${same.body.id}`, { headers: { cookie } })).status, 200, 'still there');
    const crossLogin = await req(app, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: PASSWORD },
      headers: { origin: 'https://evil.test' },
    });
    assert.equal(crossLogin.status, 403);
  });

  test('logout ends the session on the server', async () => {
    const cookie = await loginCookie(app);
    assert.equal((await req(app, 'POST', '/api/auth/logout', { headers: { cookie } })).status, 204);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie } })).status, 401);
  });

  test('a password change ends every session, the old password stops working', async () => {
    const a = await loginCookie(app);
    const b = await loginCookie(app);
    const weak = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: PASSWORD, newPassword: 'short' },
      headers: { cookie: a },
    });
    assert.equal(weak.status, 400);
    const wrong = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: 'not it at all', newPassword: 'a brand new secret' },
      headers: { cookie: a },
    });
    assert.equal(wrong.status, 400);
    const next = 'a brand new secret';
    const changed = await req(app, 'POST', '/api/auth/password', {
      body: { currentPassword: PASSWORD, newPassword: next },
      headers: { cookie: a },
    });
    assert.equal(changed.status, 204);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie: a } })).status, 401);
    assert.equal((await req(app, 'GET', '/api/sites', { headers: { cookie: b } })).status, 401);
    const old = await req(app, 'POST', '/api/auth/login', { body: { username: 'admin', password: PASSWORD }, headers: { 'x-forwarded-for': '10.2.2.2' } });
    assert.equal(old.status, 401);
    await loginCookie(app, next, '10.2.2.3');
    // Put it back for the other cases.
    const c = await loginCookie(app, next, '10.2.2.4');
    await req(app, 'POST', '/api/auth/password', { body: { currentPassword: next, newPassword: PASSWORD }, headers: { cookie: c } });
  });

  test('failed logins are rate-limited per address, and the log never holds the password', async () => {
    const address = '10.3.3.3';
    for (let i = 0; i < 10; i++) {
      const r = await req(app, 'POST', '/api/auth/login', {
        body: { username: 'admin', password: `wrong-guess-${i}-xyzzy` },
        headers: { 'x-forwarded-for': address },
      });
      assert.equal(r.status, 401);
    }
    const blocked = await req(app, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: PASSWORD },
      headers: { 'x-forwarded-for': address },
    });
    assert.equal(blocked.status, 429, 'even the right password waits');
    assert.match(app.output(), /failed login for "admin" from 10\.3\.3\.3/);
    assert.ok(!app.output().includes('wrong-guess-'), 'a password reached the log');
  });

  test('every page carries a strict CSP with a nonce and no inline scripts, and the other headers', async () => {
    const cookie = await loginCookie(app);
    const page = await req(app, 'GET', '/', { headers: { cookie } });
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    assert.match(scriptSrc, /'nonce-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(scriptSrc, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(page.headers.get('referrer-policy'));
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
    const scripts = [...String(page.body).matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    assert.ok(scripts.length > 0);
    for (const attrs of scripts) assert.ok(attrs.includes(`nonce="${nonce}"`), `a script without the nonce: ${attrs}`);
  });

  test('site headers are stored but never shown back in full', async () => {
    const made = await req(app, 'POST', '/api/sites', {
      body: { url: 'http://127.0.0.1:9/private', headers: { Authorization: 'Bearer very-secret-value-123' } },
      headers: app.authHeaders,
    });
    assert.equal(made.status, 201);
    assert.deepEqual(made.body.headers, { Authorization: '••••••••' });
    // Nowhere a site is read back: the list, the site, the dashboard's overview, the pages themselves.
    const cookie = await loginCookie(app);
    for (const path of ['/api/sites', `/api/sites/${made.body.id}`, '/api/overview', `/sites/${made.body.id}`, '/']) {
      const read = await req(app, 'GET', path, { headers: { cookie } });
      assert.equal(read.status, 200, path);
      assert.ok(!JSON.stringify(read.body).includes('very-secret-value-123'), path);
    }
    for (const bad of [{ Host: 'x' }, { 'Bad Name': 'x' }, { 'X-A': 'line\nbreak' }, { 'X-A': 5 }]) {
      const r = await req(app, 'POST', '/api/sites', { body: { url: 'http://127.0.0.1:9/', headers: bad }, headers: app.authHeaders });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.ok(r.body.error.fields.headers || Object.keys(r.body.error.fields).some((k) => k.startsWith('headers')));
    }
  });

  test('targets: metadata and link-local addresses are refused when added', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://[fd00:ec2::254]/']) {
      const r = await req(app, 'POST', '/api/sites', { body: { url }, headers: app.authHeaders });
      assert.equal(r.status, 400, url);
      assert.match(r.body.error.fields.url, /metadata/);
    }
  });
});

describe('UPBEAT_PUBLIC_READ and UPBEAT_BLOCK_PRIVATE', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp(null, { env: { UPBEAT_MONITOR: 'off', UPBEAT_PUBLIC_READ: 'true', UPBEAT_BLOCK_PRIVATE: 'true' } });
  });
  after(() => app?.stop());

  test('read-only views are public, changes still need authority', async () => {
    assert.equal((await req(app, 'GET', '/api/sites')).status, 200);
    assert.equal((await req(app, 'GET', '/')).status, 200);
    assert.equal((await req(app, 'POST', '/api/sites', { body: { url: 'http://example.test/' } })).status, 401);
    assert.equal((await req(app, 'GET', '/api/tokens')).status, 401);
  });

  test('private and loopback targets are refused when blocking is on', async () => {
    for (const url of ['http://127.0.0.1/', 'http://10.0.0.5/', 'http://192.168.1.1/', 'http://[::1]/']) {
      const r = await req(app, 'POST', '/api/sites', { body: { url }, headers: app.authHeaders });
      assert.equal(r.status, 400, url);
      assert.ok(r.body.error.fields.url);
    }
  });
});
