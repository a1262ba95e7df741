import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { runCheckUrls } from '../../../lib/cli/check-urls';
import type { JsonReport } from '../../../lib/cli/formats';
import type { CheckOutcome, CheckRecord } from '../../../db/domain';
import { toCheckOutcome } from '../../../lib/monitor/check-outcome';
import { probe, type CheckResult } from '../../../lib/monitor/probe';
import { statusRangesOf } from '../../../lib/status-codes';
import { startDnsServer } from '../../fixtures/dns-server';
import { startHttpTarget, startHttpsTarget } from '../../fixtures/targets';
import { selfSignedCertificate, TEST_CERT_ISSUER } from '../../fixtures/tls';
import { newSite } from '../../helpers/factories';
import { tempStore } from '../../helpers/temp-store';

const cert = selfSignedCertificate();
const tlsSkip = cert === null ? 'openssl is not installed' : false;

function check(url: string): Promise<CheckResult> {
  return probe({ url, method: 'GET', timeoutMs: 2000, expectedStatus: statusRangesOf('200-399'), followRedirects: true });
}

/** The stored check as its outcome, timings compared to the microsecond they are kept at. */
function outcomeOf(c: CheckRecord | CheckOutcome): CheckOutcome {
  const us = (ms: number) => Math.round(ms * 1000);
  const t = c.timings;
  return {
    checkedAt: Math.round(c.checkedAt),
    ok: c.ok,
    statusCode: c.statusCode,
    timings: {
      dnsMs: us(t.dnsMs),
      connectMs: us(t.connectMs),
      tlsMs: us(t.tlsMs),
      ttfbMs: us(t.ttfbMs),
      transferMs: us(t.transferMs),
      totalMs: us(t.totalMs),
    },
    error: c.error,
    tlsExpiresAt: c.tlsExpiresAt === null ? null : Math.round(c.tlsExpiresAt),
    tlsIssuer: c.tlsIssuer,
    detail: c.detail ?? null,
  };
}

/** Runs the one-shot CLI on one URL with JSON output. */
async function cliReport(url: string): Promise<JsonReport> {
  let out = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const stderr = new Writable({ write: (_chunk, _enc, done) => done() });
  await runCheckUrls(['-', '--format', 'json', '--timeout', '2000'], { stdin: Readable.from([`${url}\n`]), stdout, stderr });
  return JSON.parse(out) as JsonReport;
}

test('a result maps to the stored check field by field, and is stored as mapped', { skip: tlsSkip }, async (t) => {
  const target = await startHttpsTarget(t, cert!, (_req, res) => res.end('hello'));
  const result = await check(`${target.url}/`);
  assert.ok(result.tls !== null && result.error !== null, 'a self-signed certificate: refused, but reported');
  const outcome = toCheckOutcome(result);
  assert.deepEqual(outcome, {
    checkedAt: result.startedAt,
    ok: false,
    statusCode: null,
    timings: result.timings,
    error: result.error,
    tlsExpiresAt: result.tls.validTo,
    tlsIssuer: TEST_CERT_ISSUER,
    detail: null,
  });

  const store = tempStore(t);
  const site = store.createSite(newSite({ url: `${target.url}/` }));
  store.recordChecks([{ siteId: site.id, lagMs: 3, ...outcome }]);
  const [stored] = store.listChecks(site.id, { limit: 1 });
  assert.deepEqual(outcomeOf(stored!), outcomeOf(outcome));
  assert.equal(stored!.lagMs, 3);
});

test('a plain http result has no certificate to keep', async (t) => {
  const target = await startHttpTarget(t, (_req, res) => res.end('hello'));
  const outcome = toCheckOutcome(await check(`${target.url}/`));
  assert.equal(outcome.ok, true);
  assert.equal(outcome.statusCode, 200);
  assert.deepEqual([outcome.error, outcome.tlsExpiresAt, outcome.tlsIssuer], [null, null, null]);
});

test('the CLI reports a site as the checker stores it', { skip: tlsSkip }, async (t) => {
  const target = await startHttpsTarget(t, cert!, (_req, res) => res.end('hello'));
  const url = `${target.url}/`;
  const store = tempStore(t);
  const site = store.createSite(newSite({ url }));
  store.recordChecks([{ siteId: site.id, lagMs: 0, ...toCheckOutcome(await check(url)) }]);
  const [stored] = store.listChecks(site.id, { limit: 1 });

  const report = await cliReport(url);
  const [reported] = report.results;
  assert.equal(reported?.url, url);
  assert.equal(reported.state, stored!.ok ? 'up' : 'down');
  assert.equal(reported.statusCode, stored!.statusCode);
  assert.deepEqual(reported.error, stored!.error);
  assert.deepEqual(reported.tls, { validTo: stored!.tlsExpiresAt, issuer: stored!.tlsIssuer });
});

test('a DNS check keeps its answer with the stored check', async (t) => {
  const dns = await startDnsServer(t, { 'svc.test': { A: ['192.0.2.10', '192.0.2.11'] } });
  const result = await probe({ kind: 'dns', url: 'dns://svc.test', recordType: 'A', server: dns.server, expected: [], timeoutMs: 2000 });
  const store = tempStore(t);
  const site = store.createSite(newSite({ kind: 'dns', url: 'dns://svc.test', dnsServer: dns.server }));
  store.recordChecks([{ siteId: site.id, lagMs: 0, ...toCheckOutcome(result) }]);
  const [stored] = store.listChecks(site.id, { limit: 1 });
  assert.equal(stored!.ok, true);
  assert.equal(stored!.detail, 'A 192.0.2.10, 192.0.2.11');
});
