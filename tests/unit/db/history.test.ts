import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../helpers/temp-store';
import { newCheck, newSite } from '../../helpers/factories';
import { UPTIME_WINDOWS } from '../../../db/history';

const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;

test('chart samples are the checks in [from, to), oldest first, with timings in ms', (t) => {
  const store = tempStore(t);
  const a = store.createSite(newSite());
  const b = store.createSite(newSite({ name: 'Other' }));
  store.recordChecks([
    newCheck(a.id, 3000),
    newCheck(a.id, 1000, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503' } }),
    newCheck(a.id, 2000),
    newCheck(a.id, 4000),
    newCheck(b.id, 2500),
  ]);
  const samples = store.chartSamples(a.id, 1000, 4000);
  assert.deepEqual(
    samples.map((s) => [s.checkedAt, s.ok]),
    [
      [1000, false],
      [2000, true],
      [3000, true],
    ],
  );
  assert.deepEqual(samples[1], {
    checkedAt: 2000,
    ok: true,
    dnsMs: 0.5,
    connectMs: 1.25,
    tlsMs: 0,
    ttfbMs: 20.125,
    transferMs: 0.1,
    totalMs: 21.975,
  });
  assert.deepEqual(store.chartSamples(a.id, 5000, 9000), []);
});

test('uptime counts each window from now - length inclusive, checks older than 30 days count nowhere', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  const other = store.createSite(newSite({ name: 'Other' }));
  const dayEdge = NOW - UPTIME_WINDOWS['24h'];
  const weekEdge = NOW - UPTIME_WINDOWS['7d'];
  const monthEdge = NOW - UPTIME_WINDOWS['30d'];
  const down = { ok: false, statusCode: 500, error: { kind: 'status' as const, message: 'HTTP 500' } };
  store.recordChecks([
    newCheck(s.id, NOW - HOUR), // in all three
    newCheck(s.id, dayEdge, down), // exactly on the 24 h edge: inside
    newCheck(s.id, dayEdge - 1), // just outside 24 h, inside 7 d
    newCheck(s.id, weekEdge, down), // on the 7 d edge: inside 7 d
    newCheck(s.id, weekEdge - 1, down), // 30 d only
    newCheck(s.id, monthEdge), // on the 30 d edge: inside
    newCheck(s.id, monthEdge - 1, down), // too old for any window
    newCheck(other.id, NOW - HOUR, down), // another site
  ]);
  const u = store.uptimeWindows(s.id, NOW);
  assert.deepEqual(u['24h'], { checks: 2, up: 1, percent: 50 });
  assert.deepEqual(u['7d'], { checks: 4, up: 2, percent: 50 });
  assert.deepEqual(u['30d'], { checks: 6, up: 3, percent: 50 });
  // The window slides: one millisecond later the check on the 24 h edge has left it.
  assert.deepEqual(store.uptimeWindows(s.id, NOW + 1)['24h'], { checks: 1, up: 1, percent: 100 });
});

test('uptime of a site without checks is unknown (null), not 0 % or 100 %', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  const none = { checks: 0, up: 0, percent: null };
  assert.deepEqual(store.uptimeWindows(s.id, NOW), { '24h': none, '7d': none, '30d': none });
});

test('the latest TLS expiry is the newest check that saw one, ignoring checks without TLS and older ones', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite({ url: 'https://127.0.0.1/' }));
  assert.equal(store.latestTls(s.id, 0), null);
  const older = NOW + 40 * 24 * HOUR;
  const newer = NOW + 90 * 24 * HOUR;
  store.recordChecks([
    newCheck(s.id, NOW - 3 * HOUR, { tlsExpiresAt: older, tlsIssuer: 'Old CA' }),
    newCheck(s.id, NOW - 2 * HOUR, { tlsExpiresAt: newer, tlsIssuer: 'New CA' }),
    // A failed check sees no certificate: it must not hide the one seen before.
    newCheck(s.id, NOW - HOUR, { ok: false, statusCode: null, error: { kind: 'timeout', message: 'timed out' } }),
  ]);
  assert.deepEqual(store.latestTls(s.id, 0), { validTo: newer, issuer: 'New CA', seenAt: NOW - 2 * HOUR });
  // Nothing seen since `since`: none.
  assert.equal(store.latestTls(s.id, NOW - HOUR), null);
});
