import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrustProxy, resolveClient, type Peer } from '../../../lib/http/client-address';
import { AddressSet, isLoopback, parseIp, rateKey } from '../../../lib/http/ip';
import { parseConfig } from '../../../lib/config';

test('addresses are read into one canonical form; anything else is not an address', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['10.1.2.3', '10.1.2.3'],
    [' 10.1.2.3 ', '10.1.2.3'],
    ['10.1.2.3:4567', '10.1.2.3'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:7f00:1', '127.0.0.1'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['unknown', undefined],
    ['<script>alert(1)</script>', undefined],
    ['10.1.2.3 evil', undefined],
    ['999.1.1.1', undefined],
    ['example.com', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [raw, want] of cases) assert.equal(parseIp(raw), want, JSON.stringify(raw));
  assert.equal(isLoopback('127.9.9.9'), true);
  assert.equal(isLoopback('::1'), true);
  assert.equal(isLoopback('10.0.0.1'), false);
});

test('limits key an IPv6 client by its /64 and an IPv4 client by its address', () => {
  assert.equal(rateKey('10.1.2.3'), '10.1.2.3');
  assert.equal(rateKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(rateKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(rateKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(rateKey('::1'), '0:0:0:0::/64');
});

test('UPBEAT_TRUST_PROXY is off, a hop count or a list of addresses and ranges; nonsense stops the start', () => {
  assert.equal(parseTrustProxy(undefined).kind, 'none');
  assert.equal(parseTrustProxy('off').kind, 'none');
  assert.equal(parseTrustProxy('0').kind, 'none');
  assert.deepEqual(parseTrustProxy('2'), { kind: 'hops', hops: 2 });
  const list = parseTrustProxy('127.0.0.1, 10.0.0.0/8, fd00::/8');
  assert.equal(list.kind, 'list');
  assert.throws(() => parseTrustProxy('10.0.0.0/33'), /prefix/);
  assert.throws(() => parseTrustProxy('proxy.internal'), /not an address/);
  assert.throws(() => parseConfig({ UPBEAT_TRUST_PROXY: 'yes please' }), /UPBEAT_TRUST_PROXY/);
  assert.equal(parseConfig({}).trustProxy.kind, 'none');
  const set = new AddressSet(['10.0.0.0/8', '::1']);
  assert.equal(set.has('10.200.0.1'), true);
  assert.equal(set.has('11.0.0.1'), false);
  assert.equal(set.has('::1'), true);
});

const headersOf = (h: Record<string, string>) => new Headers(h);
const peer = (address: string | undefined, more: Partial<Peer> = {}): Peer => ({
  address,
  tls: false,
  sentForwardedFor: true,
  ...more,
});

test('the client: forwarded headers are believed only from a trusted proxy, walking X-Forwarded-For from the right', () => {
  const none = parseTrustProxy('');
  const one = parseTrustProxy('1');
  const two = parseTrustProxy('2');
  const list = parseTrustProxy('127.0.0.1, 10.0.0.0/8');
  const cases: {
    name: string;
    peer: Peer;
    headers: Record<string, string>;
    trust: ReturnType<typeof parseTrustProxy>;
    address: string;
    https?: boolean;
    host?: string | null;
    isLocal?: boolean;
  }[] = [
    {
      name: 'no trust: a forged X-Forwarded-For is ignored',
      peer: peer('203.0.113.5'),
      headers: { 'x-forwarded-for': '1.1.1.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.test', host: 'up.example' },
      trust: none,
      address: '203.0.113.5',
      https: false,
      host: 'up.example',
    },
    { name: 'no trust, X-Real-IP ignored', peer: peer('203.0.113.5'), headers: { 'x-real-ip': '1.1.1.1' }, trust: none, address: '203.0.113.5' },
    { name: 'no socket address known', peer: peer(undefined), headers: { 'x-forwarded-for': '1.1.1.1' }, trust: one, address: 'unknown' },
    { name: 'one hop: the rightmost entry', peer: peer('10.0.0.2'), headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' }, trust: one, address: '198.51.100.7' },
    { name: 'two hops', peer: peer('10.0.0.2'), headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.9' }, trust: two, address: '198.51.100.7' },
    { name: 'more hops than entries: the leftmost', peer: peer('10.0.0.2'), headers: { 'x-forwarded-for': '198.51.100.7' }, trust: two, address: '198.51.100.7' },
    {
      name: 'list: the peer is trusted, entries skipped while trusted',
      peer: peer('127.0.0.1'),
      headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.1.1.1', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'up.example', host: 'localhost:3000' },
      trust: list,
      address: '198.51.100.7',
      https: true,
      host: 'up.example',
    },
    { name: 'list: an untrusted peer is the client', peer: peer('198.51.100.9'), headers: { 'x-forwarded-for': '1.1.1.1' }, trust: list, address: '198.51.100.9' },
    { name: 'list: garbage stops the walk at the last good hop', peer: peer('127.0.0.1'), headers: { 'x-forwarded-for': '<script>, 10.0.0.8' }, trust: list, address: '10.0.0.8' },
    { name: 'list: an IPv4-mapped entry reads as IPv4', peer: peer('127.0.0.1'), headers: { 'x-forwarded-for': '::ffff:198.51.100.7' }, trust: list, address: '198.51.100.7' },
    {
      name: 'X-Real-IP when the proxy sent no X-Forwarded-For (the one Next.js fills in is the socket)',
      peer: peer('127.0.0.1', { sentForwardedFor: false }),
      headers: { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '198.51.100.7' },
      trust: list,
      address: '198.51.100.7',
    },
    { name: 'https from the socket itself', peer: peer('203.0.113.5', { tls: true }), headers: {}, trust: none, address: '203.0.113.5', https: true },
    {
      name: 'loopback with no forwarding headers is local',
      peer: peer('127.0.0.1', { sentForwardedFor: false }),
      headers: { 'x-forwarded-for': '127.0.0.1' },
      trust: none,
      address: '127.0.0.1',
      isLocal: true,
    },
    {
      name: 'loopback relaying for someone (an untrusted proxy on this machine) is not local',
      peer: peer('127.0.0.1'),
      headers: { 'x-forwarded-for': '203.0.113.9' },
      trust: none,
      address: '127.0.0.1',
      isLocal: false,
    },
    { name: 'a trusted proxy relaying a remote client is not local', peer: peer('127.0.0.1'), headers: { 'x-forwarded-for': '203.0.113.9' }, trust: list, address: '203.0.113.9', isLocal: false },
  ];
  for (const c of cases) {
    const got = resolveClient(c.peer, headersOf(c.headers), c.trust);
    assert.equal(got.address, c.address, c.name);
    if (c.https !== undefined) assert.equal(got.https, c.https, `${c.name}: https`);
    if (c.host !== undefined) assert.equal(got.host, c.host, `${c.name}: host`);
    if (c.isLocal !== undefined) assert.equal(got.isLocal, c.isLocal, `${c.name}: isLocal`);
  }
});
