import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OVERSCAN, windowFor } from '../../app/_components/overview-rows';
import { matchesQuery, queryWords, targetText } from '../../app/_components/overview-target';
import type { OverviewSiteWire } from '../../app/_components/overview-types';

/** Which rows the overview renders, and what a row says its site checks. */

test('the window covers the screen plus the overscan, and never leaves 0..count', () => {
  // The body starts 200 px down the screen: rows 0..9 are on an 800 px screen of 66 px rows.
  assert.deepEqual(windowFor(10_000, 200, 800, 66), { start: 0, end: 10 + OVERSCAN });
  // Scrolled 66,000 px past the body's top: row 1,000 is the first on screen.
  assert.deepEqual(windowFor(10_000, -66_000, 800, 66), { start: 1000 - OVERSCAN, end: 1013 + OVERSCAN });
  // At the end, and past it (a search shrank the list under a scrolled page): within the rows there are.
  assert.deepEqual(windowFor(10_000, -66 * 9_990, 800, 66), { start: 9_990 - OVERSCAN, end: 10_000 });
  const shrunk = windowFor(5, -66 * 9_990, 800, 66);
  assert.ok(shrunk.start <= shrunk.end && shrunk.end <= 5, JSON.stringify(shrunk));
  assert.deepEqual(windowFor(0, 0, 800, 66), { start: 0, end: 0 });
  // However far and wherever, the rendered rows stay a screen's worth (14 rows, two of them cut) and the visible ones are in them.
  for (const top of [-1, -65, -67, -12_345, -600_000]) {
    const { start, end } = windowFor(10_000, top, 800, 66);
    const firstVisible = Math.floor(-top / 66);
    assert.ok(start <= firstVisible && end >= Math.min(10_000, firstVisible + 13), `top ${top}: ${start}..${end}`);
    assert.ok(end - start <= 14 + 2 * OVERSCAN, `top ${top}: ${end - start} rows`);
  }
});

const site = (over: Partial<OverviewSiteWire>): OverviewSiteWire => ({
  id: 1,
  name: 'db-primary',
  kind: 'http',
  url: 'https://example.test/health',
  dnsRecordType: 'A',
  state: 'up',
  paused: false,
  lastCheck: null,
  uptime24h: null,
  checks24h: 0,
  spark: { from: 0, bucketMs: 60_000, minutes: '' },
  ...over,
});

test('each kind reads in its own syntax; a push site with no ping waits for it', () => {
  assert.equal(targetText(site({})), 'example.test/health');
  assert.equal(targetText(site({ kind: 'tcp', url: 'tcp://db.internal:5432' })), 'tcp://db.internal:5432');
  assert.equal(targetText(site({ kind: 'tcp', url: 'tls://mail.internal:465' })), 'tls://mail.internal:465');
  assert.equal(targetText(site({ kind: 'dns', url: 'dns://example.test', dnsRecordType: 'MX' })), 'example.test MX');
  assert.equal(targetText(site({ kind: 'push', url: 'push:' })), 'waiting for first ping');
  const pinged = { checkedAt: '2025-01-01T00:00:00.000Z', ok: true, statusCode: null, latencyMs: 0, error: null };
  assert.equal(targetText(site({ kind: 'push', url: 'push:', lastCheck: pinged })), 'heartbeat');
});

test('search matches every word against name, URL, kind and target, in any case', () => {
  const tcp = site({ kind: 'tcp', url: 'tcp://db.internal:5432' });
  assert.ok(matchesQuery(tcp, queryWords('  TCP  db ')));
  assert.ok(matchesQuery(tcp, queryWords('5432')));
  assert.ok(!matchesQuery(tcp, queryWords('tcp dns')));
  assert.ok(matchesQuery(site({ kind: 'dns', url: 'dns://example.test', dnsRecordType: 'MX' }), queryWords('dns mx')));
  assert.ok(matchesQuery(site({ kind: 'push', url: 'push:' }), queryWords('waiting')));
  assert.ok(matchesQuery(tcp, []));
});
