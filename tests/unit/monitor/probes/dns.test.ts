import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsRecordType } from '../../../../db/domain';
import { probe } from '../../../../lib/monitor/probe';
import { addressPolicy } from '../../../../lib/target-policy';
import { startDnsServer } from '../../../fixtures/dns-server';

const ZONE = {
  'app.test': {
    A: ['10.0.0.7', '10.0.0.8'],
    AAAA: ['2001:db8::7'],
    MX: [{ preference: 10, exchange: 'mail.app.test' }],
    TXT: ['v=spf1 -all'],
    NS: ['ns1.app.test'],
  },
  'www.app.test': { CNAME: ['app.test'] },
};

function check(server: string, name: string, recordType: DnsRecordType, expected: string[] = [], timeoutMs = 2000) {
  return probe({ kind: 'dns', url: `dns://${name}`, recordType, server, expected, timeoutMs });
}

const answers: Array<[DnsRecordType, string, string, string]> = [
  ['A', 'app.test', 'A 10.0.0.7, 10.0.0.8', '10.0.0.8'],
  ['AAAA', 'app.test', 'A', '2001:db8::7'],
  ['CNAME', 'www.app.test', 'CNAME app.test', 'app.test.'],
  ['MX', 'app.test', 'MX 10 mail.app.test', '10 mail.app.test'],
  ['TXT', 'app.test', 'TXT v=spf1 -all', 'v=spf1 -all'],
  ['NS', 'app.test', 'NS ns1.app.test', 'NS1.APP.TEST'],
];

for (const [type, name, detail, expected] of answers) {
  test(`a ${type} record is resolved through the given server, its answer kept and compared`, async (t) => {
    const dns = await startDnsServer(t, ZONE);
    const r = await check(dns.server, name, type, [expected]);
    assert.equal(r.ok, true, r.error?.message);
    assert.ok(r.detail?.startsWith(type === 'AAAA' ? 'AAAA 2001:db8::7' : detail), r.detail ?? '');
    assert.ok(r.timings.dnsMs > 0 && r.timings.totalMs === r.timings.dnsMs);
    assert.equal(r.statusCode, null);
  });
}

test('an answer without an expected value fails as an assertion naming what was seen', async (t) => {
  const dns = await startDnsServer(t, ZONE);
  const r = await check(dns.server, 'app.test', 'A', ['10.0.0.9']);
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'assertion');
  assert.equal(r.error?.message, 'A app.test answered 10.0.0.7, 10.0.0.8 (expected 10.0.0.9)');
});

test('a name the server does not know is NXDOMAIN, kind dns', async (t) => {
  const dns = await startDnsServer(t, ZONE);
  const r = await check(dns.server, 'nope.app.test', 'A');
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'dns');
  assert.match(r.error?.message ?? '', /^A nope\.app\.test: no such name \(NXDOMAIN\) \(ENOTFOUND\)$/);
});

test('a server that never answers times out within the check timeout', async (t) => {
  const dns = await startDnsServer(t, ZONE, { silent: ['app.test'] });
  const started = performance.now();
  const r = await check(dns.server, 'app.test', 'A', [], 500);
  assert.equal(r.ok, false);
  assert.ok(r.error?.kind === 'timeout' || r.error?.kind === 'dns', r.error?.message);
  assert.ok(performance.now() - started < 2000);
  assert.ok(dns.queries >= 1);
});

test('the target policy applies to the DNS server', async (t) => {
  const dns = await startDnsServer(t, ZONE);
  const r = await probe(
    { kind: 'dns', url: 'dns://app.test', recordType: 'A', server: dns.server, timeoutMs: 1000 },
    { allowAddress: addressPolicy({ blockPrivate: true }) },
  );
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'blocked');
  assert.equal(dns.queries, 0);
});
