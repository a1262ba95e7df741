import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probe } from '../../../../lib/monitor/probe';
import { statusRangesOf } from '../../../../lib/status-codes';
import { startHttpsTarget, startHttpTarget } from '../../../fixtures/targets';
import { selfSignedCertificate, TEST_CERT_ISSUER } from '../../../fixtures/tls';

const cert = selfSignedCertificate();
const skip = cert === null ? 'openssl is not installed' : false;

const base = { method: 'GET', timeoutMs: 2000, expectedStatus: statusRangesOf('200-399'), followRedirects: true } as const;

test('a self-signed https site: up with tlsVerify off, up with its CA given, down with neither', { skip }, async (t) => {
  const target = await startHttpsTarget(t, cert!, (_req, res) => res.end('ok'));
  const url = `${target.url}/`;

  const unverified = await probe({ ...base, url, tlsVerify: false });
  assert.equal(unverified.ok, true, unverified.error?.message);
  assert.equal(unverified.tls?.issuer, TEST_CERT_ISSUER, 'expiry and issuer are still recorded');
  assert.ok((unverified.tls?.validTo ?? 0) > Date.now());

  const withCa = await probe({ ...base, url, caPem: cert!.cert });
  assert.equal(withCa.ok, true, withCa.error?.message);

  const neither = await probe({ ...base, url });
  assert.equal(neither.ok, false);
  assert.equal(neither.error?.kind, 'tls');
  assert.match(neither.error?.message ?? '', /self-signed/);
});

test('a host name override is sent as Host and checked against the certificate', { skip }, async (t) => {
  let host: string | undefined;
  const target = await startHttpsTarget(t, cert!, (req, res) => {
    host = req.headers.host;
    res.end('ok');
  });
  // The certificate is for localhost: dialled by IP, checked as localhost.
  const r = await probe({ ...base, url: `${target.url}/`, caPem: cert!.cert, hostHeader: 'localhost' });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(host, 'localhost');

  const wrong = await probe({ ...base, url: `${target.url}/`, caPem: cert!.cert, hostHeader: 'other.example' });
  assert.equal(wrong.error?.kind, 'tls');
  assert.match(wrong.error?.message ?? '', /does not match the host name/);
});

test('a request body and its content type are sent with a POST', async (t) => {
  let seen = '';
  let type: string | undefined;
  const target = await startHttpTarget(t, (req, res) => {
    type = req.headers['content-type'];
    req.setEncoding('utf8');
    req.on('data', (c: string) => (seen += c));
    req.on('end', () => res.end('ok'));
  });
  const r = await probe({ ...base, method: 'POST', url: `${target.url}/`, body: '{"ping":1}', contentType: 'application/json' });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(seen, '{"ping":1}');
  assert.equal(type, 'application/json');
});
