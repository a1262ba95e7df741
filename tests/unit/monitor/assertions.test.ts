import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import type { Assertion } from '../../../db/domain';
import { probe, type CheckResult } from '../../../lib/monitor/probe';
import { testBounded } from '../../../lib/monitor/bounded-regex';
import { parseJsonPath } from '../../../lib/monitor/json-path';
import { statusRangesOf } from '../../../lib/status-codes';

const JSON_BODY = JSON.stringify({ status: 'ok', queue: { depth: 42 }, nodes: [{ name: 'a', up: true }] });
const HTML_BODY = '<html><head><title>Maintenance</title></head>\n<body>We are down for maintenance.</body></html>';

let server: http.Server;
let base = '';
before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-version': 'v2.1.0' });
      res.end(JSON_BODY);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_BODY);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function check(path: string, ...assertions: Assertion[]): Promise<CheckResult> {
  return probe({
    url: `${base}${path}`,
    method: 'GET',
    timeoutMs: 2000,
    expectedStatus: statusRangesOf('200-399'),
    followRedirects: true,
    assertions,
  });
}

async function passes(path: string, a: Assertion): Promise<void> {
  const r = await check(path, a);
  assert.equal(r.ok, true, `${JSON.stringify(a)}: ${r.error?.message}`);
}

async function failsWith(path: string, a: Assertion, message: string): Promise<void> {
  const r = await check(path, a);
  assert.equal(r.ok, false, JSON.stringify(a));
  assert.equal(r.error?.kind, 'assertion');
  assert.equal(r.error?.message, message);
  assert.equal(r.statusCode, 200, 'the response is still reported');
}

test('body contains: the HTML page passes and fails, the message shows the start of the body', async () => {
  await passes('/', { type: 'body-contains', value: 'maintenance' });
  await passes('/', { type: 'body-contains', value: 'MAINTENANCE', ignoreCase: true });
  await failsWith(
    '/',
    { type: 'body-contains', value: 'ok' },
    'body does not contain "ok" (first 80 chars: "<html><head><title>Maintenance</title></head> <body>We are down for maintenance.…")',
  );
  await failsWith(
    '/',
    { type: 'body-contains', value: 'MAINTENANCE' },
    'body does not contain "MAINTENANCE" (first 80 chars: "<html><head><title>Maintenance</title></head> <body>We are down for maintenance.…")',
  );
  await passes('/health', { type: 'body-contains', value: '"status":"ok"' });
});

test('body does not contain: passes when absent, fails naming where it was found', async () => {
  await passes('/health', { type: 'body-not-contains', value: 'error' });
  await failsWith(
    '/',
    { type: 'body-not-contains', value: 'maintenance', ignoreCase: true },
    'body contains "maintenance" (ignoring case) at character 19 ("<html><head><title>Maintenance</title></head> <body>We are down for maintenance.…")',
  );
  await failsWith(
    '/health',
    { type: 'body-not-contains', value: 'queue' },
    'body contains "queue" at character 16 ("{"status":"ok","queue":{"depth":42},"nodes":[{"name":"a","up":true}]}")',
  );
});

test('body matches a regex: pass and fail on both pages', async () => {
  await passes('/', { type: 'body-matches', pattern: '<title>[A-Z]\\w+</title>' });
  await passes('/health', { type: 'body-matches', pattern: '"depth":\\d+' });
  await failsWith(
    '/health',
    { type: 'body-matches', pattern: '"status":"(up|healthy)"' },
    'body does not match /"status":"(up|healthy)"/ (first 80 chars: "{"status":"ok","queue":{"depth":42},"nodes":[{"name":"a","up":true}]}")',
  );
  await failsWith(
    '/',
    { type: 'body-matches', pattern: '^ok$', flags: 'm' },
    'body does not match /^ok$/m (first 80 chars: "<html><head><title>Maintenance</title></head> <body>We are down for maintenance.…")',
  );
});

test('a catastrophic regex is stopped in bounded time and fails the assertion with a message', async () => {
  const input = `${'a'.repeat(40)}b`;
  const started = performance.now();
  const outcome = testBounded('(a+)+$', '', input, 50);
  const took = performance.now() - started;
  assert.deepEqual(outcome, { error: 'timeout', message: 'took longer than 50 ms and was stopped' });
  assert.ok(took < 2000, `took ${took} ms`);

  const slow = http.createServer((_req, res) => res.end(input));
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const r = await probe({
      url: `http://127.0.0.1:${(slow.address() as net.AddressInfo).port}/`,
      method: 'GET',
      timeoutMs: 2000,
      expectedStatus: statusRangesOf('200'),
      followRedirects: false,
      assertions: [{ type: 'body-matches', pattern: '(a+)+$' }],
    });
    assert.equal(r.ok, false);
    assert.equal(r.error?.kind, 'assertion');
    assert.equal(r.error?.message, 'body regex /(a+)+$/ took longer than 50 ms and was stopped');
  } finally {
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  }
});

test('JSON path compare: equals, order, arrays, missing paths and a body that is not JSON', async () => {
  await passes('/health', { type: 'json-path', path: '$.status', op: '==', value: 'ok' });
  await passes('/health', { type: 'json-path', path: '$.queue.depth', op: '<', value: 100 });
  await passes('/health', { type: 'json-path', path: '$.nodes[0].up', op: '==', value: true });
  await passes('/health', { type: 'json-path', path: "$['nodes'][0]['name']", op: '!=', value: 'b' });
  await failsWith('/health', { type: 'json-path', path: '$.status', op: '==', value: 'up' }, '$.status is "ok" (expected == "up")');
  await failsWith('/health', { type: 'json-path', path: '$.queue.depth', op: '<', value: 10 }, '$.queue.depth is 42 (expected < 10)');
  await failsWith(
    '/health',
    { type: 'json-path', path: '$.status', op: '>', value: 1 },
    '$.status is "ok" (expected > 1, which needs numbers)',
  );
  await failsWith('/health', { type: 'json-path', path: '$.nodes[3]', op: '==', value: null }, '$.nodes[3] is missing (expected == null)');
  await failsWith(
    '/',
    { type: 'json-path', path: '$.status', op: '==', value: 'ok' },
    'body is not JSON (first 80 chars: "<html><head><title>Maintenance</title></head> <body>We are down for maintenance.…")',
  );
});

test('the JSON path parser refuses what it does not know, never evaluating it', () => {
  assert.deepEqual(parseJsonPath('$.a["b c"][2]'), ['a', 'b c', 2]);
  assert.equal(typeof parseJsonPath('status'), 'string');
  assert.equal(typeof parseJsonPath('$.a;process.exit()'), 'string');
  assert.equal(typeof parseJsonPath('$[?(@.x)]'), 'string');
});

test('header equals, contains and matches: pass and fail on both pages', async () => {
  await passes('/health', { type: 'header', name: 'Content-Type', op: 'equals', value: 'application/json' });
  await passes('/', { type: 'header', name: 'content-type', op: 'contains', value: 'text/html' });
  await passes('/health', { type: 'header', name: 'x-version', op: 'matches', value: '^v2\\.' });
  await failsWith(
    '/',
    { type: 'header', name: 'content-type', op: 'contains', value: 'json' },
    'header content-type is "text/html; charset=utf-8" (expected contains "json")',
  );
  await failsWith('/health', { type: 'header', name: 'x-version', op: 'matches', value: '^v3' }, 'header x-version is "v2.1.0" (expected matches /^v3/)');
  await failsWith('/', { type: 'header', name: 'x-version', op: 'equals', value: 'v2' }, 'header x-version is missing (expected equals "v2")');
});

test('response time below N ms: a fast page passes, a 1 ms bound fails with kind assertion', async () => {
  await passes('/health', { type: 'response-time', belowMs: 5000 });
  const r = await check('/', { type: 'response-time', belowMs: 0 });
  assert.equal(r.error?.kind, 'assertion');
  assert.match(r.error?.message ?? '', /^response took \d+ ms \(expected below 0 ms\)$/);
});

test('all assertions must hold; the first that does not is reported', async () => {
  const r = await check(
    '/health',
    { type: 'json-path', path: '$.status', op: '==', value: 'ok' },
    { type: 'body-contains', value: 'missing-word' },
    { type: 'header', name: 'x-version', op: 'equals', value: 'nope' },
  );
  assert.match(r.error?.message ?? '', /^body does not contain "missing-word"/);
});

test('a failed check is not judged by assertions: its own error stays', async () => {
  const r = await probe({
    url: `${base}/`,
    method: 'GET',
    timeoutMs: 2000,
    expectedStatus: statusRangesOf('500'),
    followRedirects: true,
    assertions: [{ type: 'body-contains', value: 'ok' }],
  });
  assert.equal(r.error?.kind, 'status');
});
