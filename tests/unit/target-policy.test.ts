import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import dns from 'node:dns';
import net, { type AddressInfo } from 'node:net';
import { probe } from '../../lib/monitor/probe';
import { statusRangesOf } from '../../lib/status-codes';
import { assertHostAllowed, assertTargetAllowed, guardedLookup } from '../../lib/target-check';
import { addressPolicy, refusalFor } from '../../lib/target-policy';
import { AppError } from '../../lib/errors';

const open = { blockPrivate: false };
const strict = { blockPrivate: true };

const cases: [string, 'always' | 'private' | 'allowed'][] = [
  ['169.254.169.254', 'always'], // AWS, GCP, Azure metadata
  ['169.254.0.1', 'always'],
  ['169.254.255.255', 'always'],
  ['100.100.100.200', 'always'], // Alibaba Cloud metadata, inside the carrier-grade NAT range
  ['168.63.129.16', 'always'], // Azure host endpoint
  ['192.0.0.192', 'always'], // Oracle Cloud metadata
  ['fe80::1', 'always'],
  ['febf:ffff::1', 'always'],
  ['fe80::1%eth0', 'always'], // with a zone
  ['fec0::1', 'always'], // site-local
  ['feff:ffff::1', 'always'],
  ['fd00:ec2::254', 'always'], // AWS metadata over IPv6
  ['fd20:ce::254', 'always'], // Google Cloud metadata over IPv6
  ['[fd00:ec2:0:0:0:0:0:254]', 'always'], // uncompressed, bracketed
  ['0.0.0.0', 'always'],
  ['::', 'always'],
  ['224.0.0.1', 'always'], // multicast
  ['239.255.255.250', 'always'],
  ['ff02::1', 'always'],
  ['255.255.255.255', 'always'], // broadcast
  ['240.0.0.1', 'always'], // reserved (class E)
  ['192.0.2.10', 'always'], // documentation
  ['2001:db8::1', 'always'],
  // IPv4-mapped, in dotted and hex forms (URL parsers print the hex one).
  ['::ffff:169.254.169.254', 'always'],
  ['::ffff:a9fe:a9fe', 'always'],
  ['0:0:0:0:0:ffff:6464:64c8', 'always'], // Alibaba, mapped
  ['::ffff:0:a9fe:a9fe', 'always'], // SIIT (IPv4-translated)
  ['::169.254.169.254', 'always'], // IPv4-compatible
  ['::a9fe:a9fe', 'always'],
  ['64:ff9b::a9fe:a9fe', 'always'], // NAT64 well-known prefix
  ['64:ff9b::169.254.169.254', 'always'],
  ['64:ff9b::a83f:8110', 'always'], // NAT64 of the Azure host endpoint
  ['64:ff9b:1:a9fe:a9fe::', 'always'], // local-use NAT64 /48
  ['64:ff9b:1:00a9:00fe:a9fe::', 'always'], // local-use NAT64 /56
  ['64:ff9b:1:0:a9:fea9:fe00:0', 'always'], // local-use NAT64 /64
  ['64:ff9b:1::a9fe:a9fe', 'always'], // local-use NAT64 /96
  ['2002:a9fe:a9fe::1', 'always'], // 6to4
  ['2002:c000:00c0::', 'always'], // 6to4 of the Oracle metadata address
  ['2001:0:4136:e378:8000:63bf:5601:5601', 'always'], // Teredo, client 169.254.169.254 inverted
  ['::ffff:224.0.0.1', 'always'],
  ['127.0.0.1', 'private'],
  ['127.8.9.10', 'private'],
  ['::1', 'private'],
  ['::ffff:127.0.0.1', 'private'],
  ['::ffff:7f00:1', 'private'],
  ['::127.0.0.1', 'private'],
  ['64:ff9b::7f00:1', 'private'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['2002:0a00:0001::', 'private'],
  ['2002:c0a8:0101::1', 'private'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'private'],
  ['100.100.100.201', 'private'],
  ['198.18.0.1', 'private'],
  ['fd12:3456::1', 'private'],
  ['8.8.8.8', 'allowed'],
  ['172.32.0.1', 'allowed'],
  ['169.255.0.1', 'allowed'],
  ['2606:4700::1111', 'allowed'],
  ['::ffff:8.8.8.8', 'allowed'],
  ['64:ff9b::808:808', 'allowed'], // NAT64 of a public address: how IPv6-only networks reach IPv4 sites
  ['2002:808:808::1', 'allowed'],
];

const verdictName = { always: 'always refused', private: 'refused only with UPBEAT_BLOCK_PRIVATE', allowed: 'allowed' };

for (const [ip, verdict] of cases) {
  test(`${ip} is ${verdictName[verdict]}`, () => {
    const byDefault = refusalFor(ip, open);
    const blocking = refusalFor(ip, strict);
    assert.equal(byDefault !== null, verdict === 'always', `default policy: ${byDefault}`);
    assert.equal(blocking !== null, verdict !== 'allowed', `blocking private: ${blocking}`);
  });
}

test('anything that is not an IP address is refused', () => {
  for (const junk of ['', 'example.com', '1.2.3', '::g', '1::2::3']) assert.equal(refusalFor(junk, open), 'not an IP address');
});

/** The URL form of an address, as a user would type it. */
const urlOf = (ip: string) => (ip.includes(':') ? `http://[${ip.replace(/^\[|\]$/g, '')}]:8080/x` : `http://${ip}:8080/x`);

test('at add time, every form in the table is judged the same as the address itself', async () => {
  for (const [ip, verdict] of cases) {
    if (ip.includes('%')) continue; // URLs carry no zone
    for (const [policy, refused] of [
      [open, verdict === 'always'],
      [strict, verdict !== 'allowed'],
    ] as const) {
      const outcome = await assertTargetAllowed(urlOf(ip), policy, resolver({})).then(
        () => 'allowed',
        (err: unknown) => (err instanceof AppError && err.code === 'validation' && err.fields?.url ? 'refused' : String(err)),
      );
      assert.equal(outcome, refused ? 'refused' : 'allowed', `${urlOf(ip)} with blockPrivate=${policy.blockPrivate}`);
    }
  }
});

test('at connect time, a name resolving to any refused form is blocked and nothing is dialled', async () => {
  for (const [ip, verdict] of cases) {
    if (verdict === 'allowed' || ip.startsWith('[') || ip.includes('%')) continue;
    const family = ip.includes(':') ? 6 : 4;
    const result = await probe(
      { url: 'http://target.test:9/', method: 'GET', timeoutMs: 2000, expectedStatus: statusRangesOf('200-399'), followRedirects: true },
      { lookup: async () => [{ address: ip, family }], allowAddress: addressPolicy(verdict === 'always' ? open : strict) },
    );
    assert.equal(result.error?.kind, 'blocked', `${ip}: ${JSON.stringify(result.error)}`);
    assert.ok(result.error!.message.startsWith(`${ip} is `), result.error!.message);
  }
});

test('the connection layer refuses metadata addresses even when no policy is passed', async () => {
  const result = await probe(
    { url: 'http://target.test:9/', method: 'GET', timeoutMs: 2000, expectedStatus: statusRangesOf('200-399'), followRedirects: true },
    { lookup: async () => [{ address: '64:ff9b::a9fe:a9fe', family: 6 }] },
  );
  assert.equal(result.error?.kind, 'blocked');
});

test('a socket opened with guardedLookup connects to allowed addresses and fails on refused ones', async (t) => {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.end('hi');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const fakeDns = (address: string): typeof dns.lookup =>
    ((_host: string, _opts: unknown, cb: (err: null, list: dns.LookupAddress[]) => void) =>
      cb(null, [{ address, family: 4 }])) as unknown as typeof dns.lookup;
  const connect = (policy: typeof open, address: string) =>
    new Promise<string>((resolve) => {
      const s = net.connect({ host: 'svc.test', port, lookup: guardedLookup(policy, fakeDns(address)) });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(`${err.code}: ${err.message}`));
    });
  assert.equal(await connect(open, '127.0.0.1'), 'connected');
  assert.match(await connect(strict, '127.0.0.1'), /^UPBEAT_ADDRESS_REFUSED: svc\.test: 127\.0\.0\.1 is a loopback address/);
});

test('a host field is judged by the same policy and names its field', async () => {
  await assert.rejects(assertHostAllowed('100.100.100.200', 'smtpHost', open, resolver({})), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.match(err.fields!.smtpHost!, /metadata/);
    return true;
  });
  await assertHostAllowed('mail.test', 'smtpHost', open, resolver({ 'mail.test': ['192.0.2.1', '8.8.8.8'] }));
});

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
