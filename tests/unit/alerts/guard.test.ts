import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFn } from '../../../lib/monitor/connector';
import { createTargetGuard, type TargetGuardOptions } from '../../../lib/alerts/guard';
import { postToService } from '../../../lib/alerts/http';
import { startHttpsTarget, startHttpTarget, startSilentTarget } from '../../fixtures/targets';
import { selfSignedCertificate } from '../../fixtures/tls';

const cert = selfSignedCertificate();
const tlsSkip = cert === null ? 'openssl is not installed' : false;

function guardFor(t: { after(fn: () => unknown): void }, options: TargetGuardOptions) {
  const guard = createTargetGuard(options);
  t.after(() => guard.dispatcher.destroy());
  return guard;
}

/** A resolver that answers from a table, as a DNS server under someone else's control might. */
const names = (table: Record<string, string>): LookupFn => async (host) => {
  const address = table[host];
  if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

const post = (url: string) => ({ url, headers: { 'content-type': 'application/json' }, body: '{}' });

test('a service name that resolves to the metadata address is refused at connect time, and not retried', async (t) => {
  const guard = guardFor(t, { policy: { blockPrivate: false }, lookup: names({ 'hooks.example.test': '169.254.169.254' }) });
  const outcome = await postToService(post('http://hooks.example.test/hook'), { timeoutMs: 2000, ...guard });
  assert.deepEqual(outcome, {
    delivered: false,
    retryable: false,
    status: null,
    error: 'blocked: 169.254.169.254 is a link-local or cloud metadata address; Upbeat does not send notifications there',
  });
});

test('the address dialled is what is judged: a name resolving to loopback reaches a local service by default', async (t) => {
  let requests = 0;
  const target = await startHttpTarget(t, (_req, res) => {
    requests++;
    res.end('ok');
  });
  const guard = guardFor(t, { policy: { blockPrivate: false }, lookup: names({ 'hooks.example.test': '127.0.0.1' }) });
  const outcome = await postToService(post(`http://hooks.example.test:${target.port}/`), { timeoutMs: 2000, ...guard });
  assert.deepEqual(outcome, { delivered: true, status: 200, detail: 'ok' });
  assert.equal(requests, 1);
});

test('with private targets blocked, a loopback service is refused without a request', async (t) => {
  let requests = 0;
  const target = await startHttpTarget(t, (_req, res) => {
    requests++;
    res.end('ok');
  });
  const guard = guardFor(t, { policy: { blockPrivate: true } });
  const outcome = await postToService(post(`${target.url}/`), { timeoutMs: 2000, ...guard });
  assert.equal(outcome.delivered, false);
  if (!outcome.delivered) {
    assert.equal(outcome.retryable, false);
    assert.match(outcome.error, /^blocked: 127\.0\.0\.1 is a loopback address/);
  }
  assert.equal(requests, 0);
  assert.equal(target.accepted, 0);
});

test('resolveTarget gives the first allowed address, or refuses naming why', async (t) => {
  const guard = guardFor(t, { policy: { blockPrivate: false }, lookup: names({ 'mail.example.test': '10.0.0.25' }) });
  assert.equal(await guard.resolveTarget('mail.example.test'), '10.0.0.25');
  assert.equal(await guard.resolveTarget('[::1]'), '::1');
  await assert.rejects(guard.resolveTarget('169.254.169.254'), { code: 'UPBEAT_ADDRESS_REFUSED' });
  await assert.rejects(guard.resolveTarget('nowhere.example.test'), { code: 'ENOTFOUND' });
});

test('an https service is verified against the CA given, and refused without it', { skip: tlsSkip }, async (t) => {
  const target = await startHttpsTarget(t, cert!, (_req, res) => res.end('ok'));
  const url = `https://localhost:${target.port}/hook`;
  const trusting = guardFor(t, { policy: { blockPrivate: false }, ca: cert!.cert, lookup: names({ localhost: '127.0.0.1' }) });
  assert.equal((await postToService(post(url), { timeoutMs: 2000, ...trusting })).delivered, true);

  const stranger = guardFor(t, { policy: { blockPrivate: false }, lookup: names({ localhost: '127.0.0.1' }) });
  const outcome = await postToService(post(url), { timeoutMs: 2000, ...stranger });
  assert.equal(outcome.delivered, false);
  if (!outcome.delivered) {
    assert.equal(outcome.retryable, true);
    assert.match(outcome.error, /^tls: .*DEPTH_ZERO_SELF_SIGNED_CERT/);
  }
});

test('a service that never answers times out within the send timeout, retryable', async (t) => {
  const target = await startSilentTarget(t);
  const guard = guardFor(t, { policy: { blockPrivate: false } });
  const outcome = await postToService(post(`${target.url}/`), { timeoutMs: 300, ...guard });
  assert.deepEqual(outcome, { delivered: false, retryable: true, status: null, error: 'timed out after 300 ms' });
});

test('a redirect is not followed and not retried: the service URL must be its final address', async (t) => {
  const target = await startHttpTarget(t, (_req, res) => {
    res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end();
  });
  const guard = guardFor(t, { policy: { blockPrivate: false } });
  const outcome = await postToService(post(`${target.url}/`), { timeoutMs: 2000, ...guard });
  assert.deepEqual(outcome, {
    delivered: false,
    retryable: false,
    status: 301,
    error: 'HTTP 301 Moved Permanently: redirected to http://169.254.169.254/latest/meta-data/; use the final URL',
  });
  assert.equal(target.accepted, 1);
});
