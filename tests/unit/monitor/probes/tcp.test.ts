import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probe } from '../../../../lib/monitor/probe';
import { addressPolicy } from '../../../../lib/target-policy';
import { closedPort, startTcpTarget, startTlsTcpTarget } from '../../../fixtures/targets';
import { selfSignedCertificate, TEST_CERT_ISSUER } from '../../../fixtures/tls';

const cert = selfSignedCertificate();
const tlsSkip = cert === null ? 'openssl is not installed' : false;

test('a listening TCP port is up, with its connect time, and the connection is closed', async (t) => {
  const target = await startTcpTarget(t, (socket) => socket.resume());
  const r = await probe({ kind: 'tcp', url: `tcp://127.0.0.1:${target.port}`, timeoutMs: 2000 });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.statusCode, null);
  assert.equal(r.remoteAddress, '127.0.0.1');
  assert.ok(r.timings.connectMs > 0);
  assert.equal(r.timings.dnsMs, 0, 'an IP literal needs no lookup');
  assert.equal(r.tls, null);
  await target.allClosed(1000);
  assert.equal(target.accepted, 1);
});

test('a name is resolved first, and the lookup is timed', async (t) => {
  const target = await startTcpTarget(t, (socket) => socket.resume());
  const r = await probe(
    { kind: 'tcp', url: `tcp://db.internal:${target.port}`, timeoutMs: 2000 },
    { lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
  );
  assert.equal(r.ok, true, r.error?.message);
  assert.ok(r.timings.dnsMs > 0);
});

test('a closed port is down with kind refused', async () => {
  const port = await closedPort();
  const r = await probe({ kind: 'tcp', url: `tcp://127.0.0.1:${port}`, timeoutMs: 2000 });
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'refused');
  assert.equal(r.error?.message, `connection refused by 127.0.0.1:${port}`);
});

test('the target policy refuses a TCP host at connect time', async (t) => {
  const target = await startTcpTarget(t, (socket) => socket.resume());
  const r = await probe(
    { kind: 'tcp', url: `tcp://127.0.0.1:${target.port}`, timeoutMs: 2000 },
    { allowAddress: addressPolicy({ blockPrivate: true }) },
  );
  assert.equal(r.error?.kind, 'blocked');
  assert.equal(target.accepted, 0);
});

test('tls:// handshakes after connecting and records the certificate', { skip: tlsSkip }, async (t) => {
  const target = await startTlsTcpTarget(t, cert!);
  const withCa = await probe({ kind: 'tcp', url: `tls://127.0.0.1:${target.port}`, timeoutMs: 2000, caPem: cert!.cert });
  assert.equal(withCa.ok, true, withCa.error?.message);
  assert.equal(withCa.tls?.issuer, TEST_CERT_ISSUER);
  assert.ok(withCa.timings.tlsMs > 0);

  const unverified = await probe({ kind: 'tcp', url: `tls://127.0.0.1:${target.port}`, timeoutMs: 2000, tlsVerify: false });
  assert.equal(unverified.ok, true, unverified.error?.message);
  assert.ok((unverified.tls?.validTo ?? 0) > Date.now());

  const neither = await probe({ kind: 'tcp', url: `tls://127.0.0.1:${target.port}`, timeoutMs: 2000 });
  assert.equal(neither.ok, false);
  assert.equal(neither.error?.kind, 'tls');
  assert.equal(neither.tls?.issuer, TEST_CERT_ISSUER, 'a rejected certificate is still read');
});

test('a tcp URL without a port is refused as such', async () => {
  const r = await probe({ kind: 'tcp', url: 'tcp://127.0.0.1', timeoutMs: 500 });
  assert.equal(r.error?.message, 'needs a port (tcp://host:port)');
});
