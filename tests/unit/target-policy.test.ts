import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probe } from '../../lib/monitor/probe';
import { statusRangesOf } from '../../lib/status-codes';
import { assertTargetAllowed } from '../../lib/target-check';
import { addressPolicy, refusalFor } from '../../lib/target-policy';
import { AppError } from '../../lib/errors';

const open = { blockPrivate: false };
const strict = { blockPrivate: true };

const cases: [string, 'always' | 'private' | 'allowed'][] = [
  ['169.254.169.254', 'always'], // AWS, GCP, Azure metadata
  ['169.254.0.1', 'always'],
  ['169.254.255.255', 'always'],
  ['fe80::1', 'always'],
  ['febf:ffff::1', 'always'],
  ['fd00:ec2::254', 'always'], // AWS metadata over IPv6
  ['::ffff:169.254.169.254', 'always'], // IPv4-mapped form of the metadata address
  ['0.0.0.0', 'always'],
  ['127.0.0.1', 'private'],
  ['127.8.9.10', 'private'],
  ['::1', 'private'],
  ['::ffff:127.0.0.1', 'private'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'private'],
  ['fd12:3456::1', 'private'],
  ['8.8.8.8', 'allowed'],
  ['172.32.0.1', 'allowed'],
  ['169.255.0.1', 'allowed'],
  ['2606:4700::1111', 'allowed'],
];

for (const [ip, verdict] of cases) {
  test(`${ip} is ${verdict === 'always' ? 'always refused' : verdict === 'private' ? 'refused only with UPBEAT_BLOCK_PRIVATE' : 'allowed'}`, () => {
    const byDefault = refusalFor(ip, open);
    const blocking = refusalFor(ip, strict);
    assert.equal(byDefault !== null, verdict === 'always', `default policy: ${byDefault}`);
    assert.equal(blocking !== null, verdict !== 'allowed', `blocking private: ${blocking}`);
  });
}

const resolver = (table: Record<string, string[]>) => async (host: string) => {
  const a = table[host];
  if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return a;
};

test('adding a URL that points at a refused address is a validation error on url', async () => {
  for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://[fd00:ec2::254]/']) {
    await assert.rejects(assertTargetAllowed(url, open, resolver({})), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'validation');
      assert.match(err.fields!.url!, /link-local or cloud metadata/);
      return true;
    });
  }
  await assert.rejects(assertTargetAllowed('http://10.0.0.1/', strict, resolver({})));
  await assertTargetAllowed('http://10.0.0.1/', open, resolver({}));
});

test('a name that resolves only to refused addresses is refused when added; unresolvable names are allowed', async () => {
  const dns = resolver({ 'metadata.test': ['169.254.169.254'], 'mixed.test': ['169.254.169.254', '93.184.216.34'] });
  await assert.rejects(assertTargetAllowed('http://metadata.test/', open, dns), /resolves to a link-local/);
  await assertTargetAllowed('http://mixed.test/', open, dns);
  await assertTargetAllowed('http://not-yet.test/', open, dns);
});

test('a rebinding name that passed when added is blocked at connect time, and nothing is sent', async (t) => {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.end('secret');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;

  // When added, the name resolved to an ordinary address...
  await assertTargetAllowed(`http://rebind.test:${port}/`, strict, resolver({ 'rebind.test': ['93.184.216.34'] }));
  // ...and at check time it answers with loopback, which this policy refuses.
  const result = await probe(
    { url: `http://rebind.test:${port}/`, method: 'GET', timeoutMs: 2000, expectedStatus: statusRangesOf('200-399'), followRedirects: true },
    { lookup: async () => [{ address: '127.0.0.1', family: 4 }], allowAddress: addressPolicy(strict) },
  );
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'blocked');
  assert.match(result.error!.message, /127\.0\.0\.1 is a loopback address/);
  assert.equal(requests, 0);
});

test('every redirect hop is judged: a redirect to the metadata address is blocked', async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const result = await probe(
    { url: `http://127.0.0.1:${port}/`, method: 'GET', timeoutMs: 2000, expectedStatus: statusRangesOf('200-399'), followRedirects: true },
    { allowAddress: addressPolicy(open) },
  );
  assert.equal(result.error?.kind, 'blocked');
  assert.equal(result.redirects, 1);
});
