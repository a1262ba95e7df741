import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_PASSWORD, startApp, type RunningApp } from '../helpers/app-server';

/** Bounds on what anyone, with or without credentials, can make a running server hold or do. */

interface Stream {
  text(): string;
  /** Resolves when the received text matches; rejects if the stream ends first or `ms` pass. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  abort(): void;
}

async function openStream(app: RunningApp, headers: Record<string, string>): Promise<Stream | number> {
  const controller = new AbortController();
  const res = await fetch(`${app.baseUrl}/api/events`, { headers, signal: controller.signal });
  if (res.status !== 200) {
    await res.body?.cancel();
    return res.status;
  }
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  let done = false;
  const waiters = new Set<() => void>();
  const ended = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += chunk.value;
        for (const w of waiters) w();
      }
    } catch {
      // aborted by the test
    }
    done = true;
    for (const w of waiters) w();
  })();
  return {
    text: () => text,
    ended,
    abort: () => controller.abort(),
    waitFor: (pattern, ms = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${ms} ms: ${JSON.stringify(text)}`)), ms);
        const finish = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        const check = () => {
          if (pattern.test(text)) finish();
          else if (done) finish(new Error(`stream ended without ${pattern}: ${JSON.stringify(text)}`));
        };
        waiters.add(check);
        check();
      }),
  };
}

async function stream(app: RunningApp, headers: Record<string, string>): Promise<Stream> {
  const s = await openStream(app, headers);
  assert.ok(typeof s !== 'number', `the stream answered ${String(s)}`);
  await s.waitFor(/: connected/);
  return s;
}

describe('limits on a running server (public read on)', () => {
  let app: RunningApp;
  const open: Stream[] = [];
  before(async () => {
    app = await startApp(null, {
      env: {
        UPBEAT_MONITOR: 'off',
        UPBEAT_PUBLIC_READ: 'true',
        // The cases play several clients through X-Forwarded-For, as a local reverse proxy would send it.
        UPBEAT_TRUST_PROXY: '127.0.0.1',
        UPBEAT_MAX_SITES: '3',
        UPBEAT_MAX_STREAMS_PER_CLIENT: '2',
        UPBEAT_ANON_RATE: '0.2',
        UPBEAT_ANON_BURST: '3',
      },
    });
  });
  after(async () => {
    for (const s of open) s.abort();
    await app?.stop();
  });

  test('anonymous health and session probes are rate limited per client with 429 and Retry-After', async () => {
    const login = await fetch(`${app.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }),
    });
    const owner = {
      '/api/health': app.authHeaders,
      '/api/auth/me': { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! },
    };
    for (const path of ['/api/health', '/api/auth/me'] as const) {
      const client = { 'x-forwarded-for': path === '/api/health' ? '198.51.100.1' : '198.51.100.2' };
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${app.baseUrl}${path}`, { headers: client })).status, 200, `${path} #${i}`);
      const limited = await fetch(`${app.baseUrl}${path}`, { headers: client });
      assert.equal(limited.status, 429, path);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1, `Retry-After: ${limited.headers.get('retry-after')}`);
      const body = (await limited.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'rate_limited');
      // Another client, and the owner from the same address, are not held back.
      assert.equal((await fetch(`${app.baseUrl}${path}`, { headers: { 'x-forwarded-for': '198.51.100.99' } })).status, 200);
      assert.equal((await fetch(`${app.baseUrl}${path}`, { headers: { ...client, ...owner[path] } })).status, 200);
    }
  });

  test('anonymous event streams count against the same limit', async () => {
    const client = { 'x-forwarded-for': '198.51.100.3' };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await openStream(app, client);
      if (typeof s === 'number') statuses.push(s);
      else {
        open.push(s);
        statuses.push(200);
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  });

  test('a stream opened with a session ends within seconds of logging out', async () => {
    const login = await fetch(`${app.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const s = await stream(app, { cookie, 'x-forwarded-for': '198.51.100.4' });
    open.push(s);
    const out = await fetch(`${app.baseUrl}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: app.baseUrl } });
    assert.equal(out.status, 204);
    await s.waitFor(/event: end\ndata: \{"reason":"the session or token has ended"\}/, 6_000);
    await s.ended;
  });

  test('past the per-client cap, the oldest stream of that client is closed and the new one served', async () => {
    const client = { ...app.authHeaders, 'x-forwarded-for': '198.51.100.5' };
    const first = await stream(app, client);
    const second = await stream(app, client);
    const third = await stream(app, client);
    open.push(first, second, third);
    await first.waitFor(/event: end\ndata: \{"reason":"too many streams"\}/);
    await first.ended;
    assert.match(first.text(), /retry: 60000/);
    // Another client is untouched by this one's cap.
    const other = await stream(app, { ...app.authHeaders, 'x-forwarded-for': '198.51.100.6' });
    open.push(other);
    assert.doesNotMatch(second.text() + third.text(), /event: end/);
  });

  test('the number of sites has a ceiling, answered with 409 naming it', async () => {
    const post = (i: number) =>
      fetch(`${app.baseUrl}/api/sites`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...app.authHeaders },
        body: JSON.stringify({ url: `http://127.0.0.1:9/${i}` }),
      });
    for (let i = 0; i < 3; i++) assert.equal((await post(i)).status, 201);
    const refused = await post(3);
    assert.equal(refused.status, 409);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'limit');
    assert.match(body.error.message, /at most 3 sites \(UPBEAT_MAX_SITES\)/);
    const list = (await (await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders })).json()) as { sites: unknown[] };
    assert.equal(list.sites.length, 3);
  });

  test('site bodies: a __proto__ key and a header undici refuses are named, masks show nothing', async () => {
    const post = (body: string) =>
      fetch(`${app.baseUrl}/api/sites`, { method: 'POST', headers: { 'content-type': 'application/json', ...app.authHeaders }, body });
    const proto = await post('{"url":"http://127.0.0.1:9/p","__proto__":{"paused":true}}');
    assert.equal(proto.status, 400);
    const protoBody = (await proto.json()) as { error: { message: string; fields: Record<string, string> } };
    assert.match(protoBody.error.message, /__proto__ is not a known field/);
    const bad = await post(JSON.stringify({ url: 'http://127.0.0.1:9/h', headers: { 'Keep-Alive': 'timeout=5' } }));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { fields: { headers: string } } }).error.fields.headers, /hop-by-hop/);
  });
});
