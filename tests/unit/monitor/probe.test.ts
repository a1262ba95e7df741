import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { statusRangesOf } from '../../../lib/status-codes';
import {
  DEFAULT_USER_AGENT,
  probe,
  type CheckResult,
  type LookupFn,
  type ProbeOptions,
  type HttpTarget,
} from '../../../lib/monitor/probe';
import {
  closedPort,
  startHttpsTarget,
  startHttpTarget,
  startSilentTarget,
  startTcpTarget,
} from '../../fixtures/targets';
import { selfSignedCertificate, TEST_CERT_DAYS, TEST_CERT_ISSUER } from '../../fixtures/tls';

const DAY_MS = 86_400_000;
/** Made at test time with openssl; the TLS cases skip when it cannot be made. */
const cert = selfSignedCertificate();
const tlsSkip = cert === null ? 'openssl is not installed' : false;

/** Probes and checks the invariants every result must hold, whatever happened. */
async function check(
  url: string,
  target: Partial<Omit<HttpTarget, 'url'>> = {},
  options: ProbeOptions = {},
): Promise<CheckResult & { elapsedMs: number }> {
  const started = performance.now();
  const result = await probe(
    {
      url,
      method: 'GET',
      timeoutMs: 2000,
      expectedStatus: statusRangesOf('200-399'),
      followRedirects: true,
      ...target,
    },
    options,
  );
  const elapsedMs = performance.now() - started;
  const { dnsMs, connectMs, tlsMs, ttfbMs, transferMs, totalMs } = result.timings;
  for (const [name, ms] of Object.entries(result.timings)) assert.ok(ms >= 0, `${name} is ${ms}`);
  assert.ok(Math.abs(dnsMs + connectMs + tlsMs + ttfbMs + transferMs - totalMs) < 1, 'phases add up to the total');
  assert.ok(totalMs <= elapsedMs + 1, `total ${totalMs} within the call's ${elapsedMs} ms`);
  assert.equal(result.ok, result.error === null, 'ok exactly when there is no error');
  assert.ok(result.body.length <= result.bodyBytes);
  return { ...result, elapsedMs };
}

/**
 * Probes a site that will not finish in time and asserts the check gave up at its deadline and promptly after
 * it. "Promptly" is measured against a timer set for the same deadline: on a busy machine both fire late, and
 * only the delay the probe adds on top of that is its own.
 */
async function checkPastDeadline(
  url: string,
  timeoutMs: number,
  options: ProbeOptions = {},
): Promise<CheckResult & { elapsedMs: number }> {
  let deadlineAt = Infinity;
  const reference = new Promise<void>((resolve) =>
    setTimeout(() => {
      deadlineAt = performance.now();
      resolve();
    }, timeoutMs),
  );
  const r = await check(url, { timeoutMs }, options);
  const returnedAt = performance.now();
  await reference;
  assert.ok(r.elapsedMs >= timeoutMs - 2, `gave up after ${r.elapsedMs} ms, before its ${timeoutMs} ms deadline`);
  assert.ok(returnedAt - deadlineAt < 50, `returned ${returnedAt - deadlineAt} ms after the deadline`);
  assert.ok(r.timings.totalMs >= timeoutMs - 2, `total ${r.timings.totalMs}`);
  return r;
}

/** A resolver that knows only the given names; anything else does not exist. */
function fakeDns(names: Record<string, string[]>, delayMs = 0): LookupFn & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const addresses = names[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

const hello: http.RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
};

test('a 200 over http is up, with the request described and the phases measured', async (t) => {
  const seen: http.IncomingHttpHeaders[] = [];
  const site = await startHttpTarget(t, (req, res) => {
    seen.push(req.headers);
    hello(req, res);
  });
  const r = await check(`${site.url}/health?x=1`);
  assert.equal(r.ok, true);
  assert.equal(r.statusCode, 200);
  assert.equal(r.error, null);
  assert.equal(r.body.toString(), 'hello');
  assert.equal(r.bodyBytes, 5);
  assert.equal(r.redirects, 0);
  assert.equal(r.finalUrl, `${site.url}/health?x=1`);
  assert.equal(r.remoteAddress, '127.0.0.1');
  assert.equal(r.tls, null);
  assert.ok(Math.abs(r.startedAt - Date.now()) < 5000);
  assert.equal(r.timings.dnsMs, 0, 'an IP literal needs no DNS');
  assert.equal(r.timings.tlsMs, 0, 'plain http has no handshake');
  assert.ok(r.timings.connectMs > 0 && r.timings.ttfbMs > 0);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.['user-agent'], DEFAULT_USER_AGENT);
  assert.equal(seen[0]?.host, `127.0.0.1:${site.port}`);
  await site.allClosed();
});

test('a refused port is refused, naming the address', async () => {
  const port = await closedPort();
  const r = await check(`http://127.0.0.1:${port}/`);
  assert.equal(r.ok, false);
  assert.deepEqual(r.error, { kind: 'refused', message: `connection refused by 127.0.0.1:${port}` });
  assert.equal(r.statusCode, null);
  assert.equal(r.remoteAddress, '127.0.0.1');
  assert.ok(r.timings.connectMs > 0);
  assert.equal(r.timings.ttfbMs, 0);
});

test('a connection reset in the middle of the body is reset, keeping the status', async (t) => {
  const site = await startHttpTarget(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write(Buffer.alloc(1000, 'a'), () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
  });
  const r = await check(site.url);
  assert.equal(r.error?.kind, 'reset', r.error?.message);
  assert.match(r.error?.message ?? '', /^connection reset by 127\.0\.0\.1:\d+ while reading the body/);
  assert.equal(r.statusCode, 200);
  assert.equal(r.bodyBytes, 1000);
});

test('a server that hangs up before answering is reset', async (t) => {
  const site = await startTcpTarget(t, (socket) => socket.once('data', () => socket.end()));
  const r = await check(site.url);
  assert.equal(r.error?.kind, 'reset', r.error?.message);
  assert.match(r.error?.message ?? '', /waiting for the response/);
  assert.equal(r.statusCode, null);
});

test('a server that never answers times out at the deadline, not later, and loses the connection', async (t) => {
  const site = await startSilentTarget(t);
  const r = await checkPastDeadline(site.url, 300);
  assert.deepEqual(r.error, { kind: 'timeout', message: 'timed out after 300 ms waiting for the response' });
  assert.ok(r.timings.ttfbMs >= 150, `the wait is charged to the phase it happened in: ${r.timings.ttfbMs}`);
  await site.allClosed(500);
});

test('one deadline covers name resolution too', async () => {
  const never: LookupFn = () => new Promise(() => {});
  const r = await checkPastDeadline('http://stuck.test/', 200, { lookup: never });
  assert.deepEqual(r.error, { kind: 'timeout', message: 'timed out after 200 ms while resolving the host' });
  assert.equal(r.timings.dnsMs, r.timings.totalMs);
  assert.equal(r.remoteAddress, null);
});

test('one deadline covers the TLS handshake', async (t) => {
  const site = await startSilentTarget(t);
  const r = await checkPastDeadline(`https://127.0.0.1:${site.port}/`, 200);
  assert.deepEqual(r.error, { kind: 'timeout', message: 'timed out after 200 ms during the TLS handshake' });
  assert.ok(r.timings.tlsMs >= 100, `tls ${r.timings.tlsMs}`);
  await site.allClosed(500);
});

test('one deadline covers a body that never ends, counting what arrived', async (t) => {
  const site = await startHttpTarget(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const drip = setInterval(() => res.write('x'.repeat(100)), 20);
    res.on('close', () => clearInterval(drip));
  });
  const r = await checkPastDeadline(site.url, 250);
  assert.deepEqual(r.error, { kind: 'timeout', message: 'timed out after 250 ms while reading the body' });
  assert.equal(r.statusCode, 200);
  assert.ok(r.bodyBytes >= 300, `${r.bodyBytes} bytes`);
  await site.allClosed(500);
});

test('a 500 is down with kind status, keeping the code', async (t) => {
  const site = await startHttpTarget(t, (_req, res) => {
    res.writeHead(500);
    res.end('boom');
  });
  const r = await check(site.url);
  assert.equal(r.ok, false);
  assert.equal(r.statusCode, 500);
  assert.deepEqual(r.error, { kind: 'status', message: 'HTTP 500 (expected 200-399)' });
  assert.equal(r.body.toString(), 'boom');
});

test('expected codes are the site’s own', async (t) => {
  const site = await startHttpTarget(t, (_req, res) => {
    res.writeHead(404);
    res.end();
  });
  assert.equal((await check(site.url, { expectedStatus: statusRangesOf('200,404') })).ok, true);
  const r = await check(site.url, { expectedStatus: statusRangesOf('200-299, 301') });
  assert.deepEqual(r.error, { kind: 'status', message: 'HTTP 404 (expected 200-299,301)' });
});

test('a redirect chain within the limit is followed on fresh connections, relative Locations included', async (t) => {
  const methods: string[] = [];
  const site = await startHttpTarget(t, (req, res) => {
    methods.push(`${req.method} ${req.url}`);
    if (req.url === '/a') res.writeHead(301, { location: `http://127.0.0.1:${site.port}/b` }).end();
    else if (req.url === '/b') res.writeHead(302, { location: '/c/d' }).end();
    else if (req.url === '/c/d') res.writeHead(307, { location: '../final?q=1' }).end();
    else hello(req, res);
  });
  const r = await check(`${site.url}/a`);
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.redirects, 3);
  assert.equal(r.statusCode, 200);
  assert.equal(r.finalUrl, `${site.url}/final?q=1`);
  assert.equal(r.body.toString(), 'hello');
  assert.deepEqual(methods, ['GET /a', 'GET /b', 'GET /c/d', 'GET /final?q=1']);
  assert.equal(site.accepted, 4, 'one connection per hop');
  await site.allClosed();
});

test('a redirect loop stops after five hops with kind redirects', async (t) => {
  let hits = 0;
  const site = await startHttpTarget(t, (_req, res) => {
    hits++;
    res.writeHead(302, { location: '/again' }).end();
  });
  const r = await check(site.url);
  assert.deepEqual(r.error, { kind: 'redirects', message: 'more than 5 redirects' });
  assert.equal(r.redirects, 5);
  assert.equal(r.statusCode, 302);
  assert.equal(hits, 6);
  await site.allClosed();
});

test('maxRedirects is the limit', async (t) => {
  const site = await startHttpTarget(t, (req, res) => {
    if (req.url === '/') res.writeHead(302, { location: '/two' }).end();
    else if (req.url === '/two') res.writeHead(302, { location: '/three' }).end();
    else hello(req, res);
  });
  assert.equal((await check(site.url, {}, { maxRedirects: 2 })).ok, true);
  const r = await check(site.url, {}, { maxRedirects: 1 });
  assert.equal(r.error?.kind, 'redirects');
  assert.equal(r.redirects, 1);
});

test('without followRedirects the 3xx itself is judged', async (t) => {
  const site = await startHttpTarget(t, (req, res) => {
    if (req.url === '/') res.writeHead(302, { location: '/elsewhere' }).end('moved');
    else hello(req, res);
  });
  const up = await check(site.url, { followRedirects: false });
  assert.equal(up.ok, true);
  assert.equal(up.statusCode, 302);
  assert.equal(up.redirects, 0);
  assert.equal(up.body.toString(), 'moved');
  const down = await check(site.url, { followRedirects: false, expectedStatus: statusRangesOf('200') });
  assert.deepEqual(down.error, { kind: 'status', message: 'HTTP 302 (expected 200)' });
});

test('a 303 turns the method into GET, a 307 keeps it', async (t) => {
  const methods: string[] = [];
  const site = await startHttpTarget(t, (req, res) => {
    methods.push(`${req.method} ${req.url}`);
    if (req.url === '/form') res.writeHead(307, { location: '/form2' }).end();
    else if (req.url === '/form2') res.writeHead(303, { location: '/done' }).end();
    else hello(req, res);
  });
  const r = await check(`${site.url}/form`, { method: 'POST' });
  assert.equal(r.ok, true);
  assert.deepEqual(methods, ['POST /form', 'POST /form2', 'GET /done']);
});

test('a redirect to a non-http URL is a redirects failure', async (t) => {
  const site = await startHttpTarget(t, (_req, res) => res.writeHead(301, { location: 'ftp://127.0.0.1/x' }).end());
  const r = await check(site.url);
  assert.deepEqual(r.error, { kind: 'redirects', message: 'redirect to a non-http(s) URL: ftp://127.0.0.1/x' });
});

test('a garbage status line is a protocol failure', async (t) => {
  const site = await startTcpTarget(t, (socket) =>
    socket.once('data', () => socket.end('SMTP ready, not HTTP\r\n\r\n')),
  );
  const r = await check(site.url);
  assert.equal(r.error?.kind, 'protocol', r.error?.message);
  assert.match(r.error?.message ?? '', /^malformed HTTP response from 127\.0\.0\.1:\d+( \(HPE_[A-Z_]+\))?$/);
  assert.equal(r.statusCode, null);
});

test('a malformed header is a protocol failure', async (t) => {
  const site = await startTcpTarget(t, (socket) =>
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nbad header line\r\n\r\n')),
  );
  const r = await check(site.url);
  assert.equal(r.error?.kind, 'protocol', r.error?.message);
});

test('a name that does not resolve is a dns failure', async () => {
  const lookup = fakeDns({});
  const r = await check('http://nowhere.test/', {}, { lookup });
  assert.deepEqual(r.error, { kind: 'dns', message: 'cannot resolve nowhere.test (ENOTFOUND)' });
  assert.deepEqual(lookup.asked, ['nowhere.test']);
  assert.equal(r.remoteAddress, null);
});

test('a resolver with no usable address is a dns failure', async () => {
  const r = await check('http://empty.test/', {}, { lookup: async () => [] });
  assert.equal(r.error?.kind, 'dns');
});

test('a resolved name is dialled by address while Host keeps the name', async (t) => {
  const hosts: string[] = [];
  const site = await startHttpTarget(t, (req, res) => {
    hosts.push(req.headers.host ?? '');
    hello(req, res);
  });
  const lookup = fakeDns({ 'status.upbeat.test': ['127.0.0.1'] }, 30);
  const r = await check(`http://status.upbeat.test:${site.port}/`, {}, { lookup });
  assert.equal(r.ok, true, r.error?.message);
  assert.deepEqual(hosts, [`status.upbeat.test:${site.port}`]);
  assert.equal(r.remoteAddress, '127.0.0.1');
  assert.ok(r.timings.dnsMs >= 29, `dns ${r.timings.dnsMs} ms`);
  assert.equal(r.finalUrl, `http://status.upbeat.test:${site.port}/`);
});

test('addresses are tried in order until one connects', async (t) => {
  const site = await startHttpTarget(t, hello);
  // The server listens on 127.0.0.1 only, so 127.0.0.2 (still loopback) refuses.
  const lookup = fakeDns({ 'two.test': ['127.0.0.2', '127.0.0.1'] });
  const r = await check(`http://two.test:${site.port}/`, {}, { lookup });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.remoteAddress, '127.0.0.1');
});

test('the address policy sees every address before it is dialled', async (t) => {
  const site = await startHttpTarget(t, hello);
  const lookup = fakeDns({ 'policy.test': ['127.0.0.2', '127.0.0.1'] });
  const asked: string[] = [];
  const refuseAll = (ip: string) => {
    asked.push(ip);
    return `address ${ip} is not allowed`;
  };
  const r = await check(`http://policy.test:${site.port}/`, {}, { lookup, allowAddress: refuseAll });
  assert.deepEqual(r.error, { kind: 'blocked', message: 'address 127.0.0.2 is not allowed' });
  assert.deepEqual(asked, ['127.0.0.2', '127.0.0.1']);
  assert.equal(site.accepted, 0, 'nothing was dialled');

  const onlyLoopbackOne = (ip: string) => (ip === '127.0.0.1' ? null : 'no');
  const ok = await check(`http://policy.test:${site.port}/`, {}, { lookup, allowAddress: onlyLoopbackOne });
  assert.equal(ok.ok, true, ok.error?.message);
  assert.equal(site.accepted, 1);
});

test('a 5 MB body keeps 64 KiB and counts every byte, without holding the rest', async (t) => {
  const size = 5 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
  const site = await startHttpTarget(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const r = await check(site.url, { timeoutMs: 5000 });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.bodyBytes, size);
  assert.equal(r.body.length, 64 * 1024);
  assert.deepEqual(r.body, chunk);
  // The kept bytes are a copy, not a view pinning one of the reader's buffers.
  assert.ok(r.body.buffer.byteLength <= 64 * 1024 + 8192, `backing store ${r.body.buffer.byteLength}`);
  assert.ok(r.timings.transferMs > 0);
});

test('bodyCapBytes sets how much is kept', async (t) => {
  const site = await startHttpTarget(t, (_req, res) => res.end('0123456789'));
  const r = await check(site.url, {}, { bodyCapBytes: 4 });
  assert.equal(r.body.toString(), '0123');
  assert.equal(r.bodyBytes, 10);
});

test('a response held back 100 ms is charged to time to first byte', async (t) => {
  let answeredAt = 0;
  const site = await startHttpTarget(t, (req, res) => {
    setTimeout(() => {
      answeredAt = performance.now();
      hello(req, res);
    }, 102);
  });
  const startedAt = performance.now();
  const r = await check(site.url);
  assert.equal(r.ok, true);
  assert.ok(r.timings.ttfbMs >= 100, `ttfb ${r.timings.ttfbMs}`);
  // Server and probe share this process's clock, so the server's real delay (late on a busy machine) is known;
  // the probe may add up to 30 ms to it, no more.
  const served = answeredAt - startedAt;
  const { totalMs } = r.timings;
  assert.ok(totalMs >= 100 && totalMs <= served + 30, `total ${totalMs}, served after ${served}`);
});

test('an interim 103 response is passed over for the final one', async (t) => {
  const site = await startHttpTarget(t, (req, res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    setTimeout(() => hello(req, res), 60);
  });
  const r = await check(site.url);
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.statusCode, 200);
  assert.equal(r.body.toString(), 'hello');
  // The first byte that counts is the final response's: the wait after the 103 is not body transfer.
  assert.ok(r.timings.ttfbMs >= 58, `ttfb ${r.timings.ttfbMs}`);
  assert.ok(r.timings.transferMs < 50, `transfer ${r.timings.transferMs}`);
});

test('HEAD asks for no body and gets none', async (t) => {
  const methods: string[] = [];
  const site = await startHttpTarget(t, (req, res) => {
    methods.push(req.method ?? '');
    res.writeHead(200, { 'content-length': '5' });
    res.end(req.method === 'HEAD' ? undefined : 'hello');
  });
  const r = await check(site.url, { method: 'HEAD' });
  assert.equal(r.ok, true, r.error?.message);
  assert.deepEqual(methods, ['HEAD']);
  assert.equal(r.bodyBytes, 0);
  assert.equal(r.body.length, 0);
});

test('aborting the signal ends the check at once as unknown/aborted', async (t) => {
  const site = await startSilentTarget(t);
  const controller = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 50);
  const r = await check(site.url, { timeoutMs: 2000 }, { signal: controller.signal });
  assert.deepEqual(r.error, { kind: 'unknown', message: 'aborted' });
  const lateBy = performance.now() - abortedAt;
  assert.ok(lateBy < 50, `returned ${lateBy} ms after the abort`);
  await site.allClosed(500);

  const before = site.accepted;
  const late = await check(site.url, {}, { signal: AbortSignal.abort() });
  assert.deepEqual(late.error, { kind: 'unknown', message: 'aborted' });
  assert.equal(site.accepted, before, 'an aborted signal dials nothing');
});

test('a URL that is not http(s) is a result, not an exception', async () => {
  const r = await check('ftp://127.0.0.1/file');
  assert.deepEqual(r.error, { kind: 'unknown', message: 'not an http(s) URL: ftp://127.0.0.1/file' });
  const bad = await check('not a url');
  assert.equal(bad.error?.kind, 'unknown');
});

test('checks leave no sockets or timers behind, whatever their outcome', async (t) => {
  const up = await startHttpTarget(t, hello);
  const silent = await startSilentTarget(t);
  const port = await closedPort();
  const count = () => {
    const res = process.getActiveResourcesInfo();
    return {
      sockets: res.filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length,
      timers: res.filter((r) => r === 'Timeout').length,
    };
  };
  const secure = cert !== null ? await startHttpsTarget(t, cert, hello) : null;
  const baseline = count();
  const results = await Promise.all([
    check(up.url),
    check(silent.url, { timeoutMs: 100 }),
    check(`http://127.0.0.1:${port}/`),
    check(`https://127.0.0.1:${silent.port}/`, { timeoutMs: 100 }),
    ...(secure !== null && cert !== null
      ? [check(secure.url, {}, { ca: cert.cert }), check(secure.url)] // verified, then rejected
      : []),
  ]);
  assert.deepEqual(
    results.map((r) => r.error?.kind ?? 'ok'),
    ['ok', 'timeout', 'refused', 'timeout', ...(secure !== null ? ['ok', 'tls'] : [])],
  );
  await Promise.all([up.allClosed(), silent.allClosed(), secure?.allClosed()]);
  // Closing is asynchronous on both ends; give it a moment before calling it a leak.
  const until = Date.now() + 500;
  const settled = () => count().sockets <= baseline.sockets && count().timers <= baseline.timers;
  while (Date.now() < until && !settled()) {
    await new Promise((r) => setImmediate(r));
  }
  const after = count();
  assert.ok(after.sockets <= baseline.sockets && after.timers <= baseline.timers, JSON.stringify({ baseline, after }));
});

test('a self-signed certificate is a tls failure, the certificate still reported', { skip: tlsSkip }, async (t) => {
  let requests = 0;
  const site = await startHttpsTarget(t, cert!, (req, res) => {
    requests++;
    hello(req, res);
  });
  const r = await check(site.url);
  assert.deepEqual(r.error, {
    kind: 'tls',
    message: 'TLS certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)',
  });
  assert.equal(requests, 0, 'no request on an unverified connection');
  assert.equal(r.statusCode, null);
  assert.equal(r.tls?.issuer, TEST_CERT_ISSUER);
  const expected = Date.now() + TEST_CERT_DAYS * DAY_MS;
  assert.ok(Math.abs((r.tls?.validTo ?? 0) - expected) < DAY_MS, `validTo ${r.tls?.validTo}`);
  assert.ok(r.timings.tlsMs > 0);
  await site.allClosed();
});

test('a trusted certificate passes, over SNI for a name and by IP for a literal', { skip: tlsSkip }, async (t) => {
  const site = await startHttpsTarget(t, cert!, hello);
  const byIp = await check(site.url, {}, { ca: cert!.cert });
  assert.equal(byIp.ok, true, byIp.error?.message);
  assert.equal(byIp.tls?.issuer, TEST_CERT_ISSUER);
  assert.ok(byIp.timings.tlsMs > 0);
  assert.equal(byIp.timings.dnsMs, 0);

  const lookup = fakeDns({ localhost: ['127.0.0.1'] });
  const byName = await check(`https://localhost:${site.port}/`, {}, { ca: cert!.cert, lookup });
  assert.equal(byName.ok, true, byName.error?.message);
  assert.equal(byName.body.toString(), 'hello');
  assert.ok(byName.tls !== null);
  await site.allClosed();
});

test('a certificate for another name is a tls failure', { skip: tlsSkip }, async (t) => {
  const site = await startHttpsTarget(t, cert!, hello);
  const lookup = fakeDns({ 'other.upbeat.test': ['127.0.0.1'] });
  const r = await check(`https://other.upbeat.test:${site.port}/`, {}, { ca: cert!.cert, lookup });
  assert.deepEqual(r.error, {
    kind: 'tls',
    message: 'TLS certificate does not match the host name (ERR_TLS_CERT_ALTNAME_INVALID)',
  });
  assert.equal(r.tls?.issuer, TEST_CERT_ISSUER);
});

test('https to a plain http server is a tls failure', async (t) => {
  const site = await startHttpTarget(t, hello);
  const r = await check(`https://127.0.0.1:${site.port}/`);
  assert.equal(r.error?.kind, 'tls', r.error?.message);
  assert.equal(r.tls, null);
});

test('an https site redirecting to http reports no certificate for the final hop', { skip: tlsSkip }, async (t) => {
  const plain = await startHttpTarget(t, hello);
  const secure = await startHttpsTarget(t, cert!, (_req, res) =>
    res.writeHead(301, { location: `${plain.url}/` }).end(),
  );
  const r = await check(secure.url, {}, { ca: cert!.cert });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.redirects, 1);
  assert.equal(r.tls, null);
  assert.ok(r.timings.tlsMs > 0, 'the first hop’s handshake still counts');
});
