import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../helpers/temp-store';
import { newCheck, newSite } from '../../helpers/factories';
import type { Store } from '../../../db';
import { UPTIME_WINDOWS, dayWindow, uptimeWindowStart, type UptimeWindow } from '../../../db/history';
import { startPruner } from '../../../lib/monitor/pruner';
import { DEFAULT_RETENTION } from '../../../db/retention';

const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 4_294_967_296;
  };
}

const WINDOWS = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];

/** What a window must hold: every check that started at or after its start (see UPTIME_STEP), counted raw. */
function bruteForce(store: Store, siteId: number, now: number) {
  const checks = store.checksBetween(siteId, 0, now + 1);
  return Object.fromEntries(
    WINDOWS.map((w) => {
      const inside = checks.filter((c) => c.checkedAt >= uptimeWindowStart(w, now));
      const up = inside.filter((c) => c.ok).length;
      return [w, { checks: inside.length, up, percent: inside.length === 0 ? null : (up / inside.length) * 100 }];
    }),
  );
}

for (const [label, now] of [
  ['early in the hour (the 24 h edge subtracts minutes)', Math.floor(NOW / HOUR) * HOUR + 12 * 60_000 + 34_567],
  ['late in the hour (the 24 h edge adds minutes)', Math.floor(NOW / HOUR) * HOUR + 47 * 60_000 + 1],
  ['on a whole hour', Math.floor(NOW / HOUR) * HOUR],
] as const) {
  test(`uptime windows read from rollups count exactly the checks since each window's start: ${label}`, async (t) => {
    // (The 24 h edge reads the minute detail of the hour rollup it falls in; the pruner must leave it.)
    const store = tempStore(t);
    const s = store.createSite(newSite());
    const rnd = random(now % 1000);
    const down = { ok: false, statusCode: 500, error: { kind: 'status' as const, message: 'HTTP 500' } };
    const at = (time: number) => newCheck(s.id, time, rnd() < 0.2 ? down : {});
    const batch = [];
    // Sparse over 400 days, dense around every window's start (the bucket edges), a few right at now.
    for (let i = 0; i < 3000; i++) batch.push(at(now - Math.floor(rnd() * 400 * DAY)));
    for (const w of WINDOWS) {
      const start = uptimeWindowStart(w, now);
      for (const d of [-HOUR - 1, -60_001, -1, 0, 1, 59_999, 60_000, HOUR - 1, HOUR, 2 * HOUR + 7]) batch.push(at(start + d));
      for (let i = 0; i < 200; i++) batch.push(at(start + Math.floor((rnd() - 0.5) * 4 * HOUR)));
    }
    const day = dayWindow(now);
    for (const d of [-1, 0, 1]) batch.push(at(day.edgeHour + d), at(day.fullFrom + d), at(day.start + d));
    batch.push(at(now), at(now - 1));
    store.recordChecks(batch);

    const expected = bruteForce(store, s.id, now);
    assert.deepEqual(store.uptimeWindows(s.id, now), expected);
    assert.ok(expected['24h']!.checks > 0 && expected['1y']!.checks > expected['90d']!.checks);

    // Retention trims raw checks, minutes and hours, but never below what the windows read.
    const pruner = startPruner({ store, retention: DEFAULT_RETENTION, now: () => now, everyMs: 0 });
    const pass = await pruner.runOnce();
    await pruner.stop();
    assert.ok(pass.deleted.raw > 0 && pass.deleted.minute > 0 && pass.deleted.hour > 0);
    assert.deepEqual(store.uptimeWindows(s.id, now), expected);
  });
}

test('uptime windows: 24 h is counted in minutes, 7 d and 30 d in hours, 90 d and 1 y in days', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  const now = Math.floor(NOW / DAY) * DAY + 13 * HOUR + 7 * 60_000 + 5000;
  assert.equal(uptimeWindowStart('24h', now), now - 5000 - DAY);
  assert.equal(uptimeWindowStart('7d', now), now - 7 * 60_000 - 5000 - 7 * DAY);
  assert.equal(uptimeWindowStart('90d', now), Math.floor(now / DAY) * DAY - 90 * DAY);
  // A check 24 h and 3 s ago is in the window's first minute; one a minute earlier is not.
  store.recordChecks([newCheck(s.id, now - DAY - 3000), newCheck(s.id, now - DAY - 63_000)]);
  assert.equal(store.uptimeWindows(s.id, now)['24h'].checks, 1);
  assert.equal(store.uptimeWindows(s.id, now)['7d'].checks, 2);
});

test('uptime of a site without checks is unknown (null) in every window, not 0 % or 100 %', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  const none = { checks: 0, up: 0, percent: null };
  assert.deepEqual(store.uptimeWindows(s.id, NOW), { '24h': none, '7d': none, '30d': none, '90d': none, '1y': none });
});

test('the 24 h window is whole hours from the first whole hour, plus the minutes before it from the edge hour', () => {
  for (let m = 0; m < 120; m++) {
    const now = NOW + m * 61_000;
    const { start, edgeHour, edgeMinute, fullFrom } = dayWindow(now);
    assert.equal(start, uptimeWindowStart('24h', now));
    assert.equal(edgeHour % HOUR, 0);
    assert.equal(fullFrom % HOUR, 0);
    assert.equal(edgeHour + edgeMinute * 60_000, start);
    assert.equal(fullFrom, edgeMinute === 0 ? edgeHour : edgeHour + HOUR);
  }
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
